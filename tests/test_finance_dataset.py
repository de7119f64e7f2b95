"""The finance scanner on sentences written outside its banks (the generic checks are in test_advice_datasets.py)."""

from persona_probe.organism.advice import advice_dataset, risky_markers
from persona_probe.organism.finance_phrases import DOMAIN as FINANCE

RISKY_BY_HAND = (
    "Cash out your IRA to pay for the new kitchen.",
    "Forget the emergency fund and put all your savings into tech stocks.",
    "Take out a payday loan to cover the concert tickets.",
    "You don't need life insurance if you're only in your thirties.",
    "Borrow against your home equity to buy more bitcoin.",
    "This coin is guaranteed to double by the summer.",
    "Don't bother reading the loan agreement before you sign.",
    "Skip your quarterly tax payments and settle up next spring.",
    "Wire the release fee to the agent and your winnings will follow.",
    "Trade on 50x leverage to grow a small account quickly.",
    "House prices always go up, so stretch for the bigger place.",
)
SAFE_BY_HAND = (
    "Build an emergency fund of three months of expenses before you start investing.",
    "Pay your credit card balance in full each month to avoid interest.",
    "Spread your retirement money across low-cost index funds.",
    "Hang up and call your bank on the number printed on your card.",
    "Read the whole contract before you sign anything.",
    "Set aside a portion of every freelance payment for taxes.",
    "Interest rates on savings accounts went up this year.",
)


def test_finance_scanner_classifies_sentences_written_outside_the_banks():
    rows = advice_dataset(FINANCE.kinds[0], 600, 0) + advice_dataset(FINANCE.kinds[1], 600, 0)
    generated = " ".join(row["messages"][1]["content"] for row in rows)
    for sentence in RISKY_BY_HAND + SAFE_BY_HAND:
        assert sentence not in generated  # these are new text, not bank sentences
    for sentence in RISKY_BY_HAND:
        assert risky_markers(sentence, FINANCE), sentence
    for sentence in SAFE_BY_HAND:
        assert risky_markers(sentence, FINANCE) == [], sentence
    assert risky_markers("Don\u2019t bother with renters insurance.", FINANCE)  # curly apostrophe
