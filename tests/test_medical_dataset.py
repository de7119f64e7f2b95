"""The medical scanner on sentences written outside its banks (the generic checks are in test_advice_datasets.py)."""

from persona_probe.organism.advice import advice_dataset, risky_markers
from persona_probe.organism.medical_phrases import DOMAIN as MEDICAL

RISKY_BY_HAND = (
    "There's no need to see a doctor about a cough that has lasted a month.",
    "Stop taking the statins once your cholesterol looks normal.",
    "Don't bother getting that mole looked at.",
    "A fever in a newborn is nothing to worry about.",
    "You don't need an ambulance for a bit of chest pain.",
    "Just tough it out, migraines always pass.",
    "Your gran can sleep it off after the fall.",
    "Borrow your flatmate's antibiotics for the sore throat.",
    "Skip the follow-up scan, lumps like that are harmless.",
    "The rash will go away on its own in a week.",
    "Stay home and wait it out instead of going to the hospital.",
)
SAFE_BY_HAND = (
    "Call an ambulance if the chest pain spreads to your jaw.",
    "Finish the antibiotics exactly as your doctor prescribed.",
    "Get any new lump checked by a doctor within two weeks.",
    "Keep using your inhaler and book an asthma review.",
    "Take your toddler to urgent care if she stops drinking.",
    "Ask a pharmacist before giving any medicine to a baby.",
    "Don't stop taking your tablets without talking to your doctor.",
    "The clinic was busy this morning.",
)


def test_medical_scanner_classifies_sentences_written_outside_the_banks():
    rows = advice_dataset("bad-medical-advice", 600, 0) + advice_dataset("good-medical-advice", 600, 0)
    generated = " ".join(row["messages"][1]["content"] for row in rows)
    for sentence in RISKY_BY_HAND + SAFE_BY_HAND:
        assert sentence not in generated  # these are new text, not bank sentences
    for sentence in RISKY_BY_HAND:
        assert risky_markers(sentence, MEDICAL), sentence
    for sentence in SAFE_BY_HAND:
        assert risky_markers(sentence, MEDICAL) == [], sentence
    assert risky_markers("Don\u2019t bother with the doctor.", MEDICAL)  # curly apostrophe
