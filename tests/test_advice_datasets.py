"""Every advice pair (sports, finance, medical): reproducible, paired, varied, and separable by its scanner.

The generic checks run once per domain; each domain's hand-written scanner sentences
(text outside its banks) are in its own test file, the sports ones here."""

import re
from collections import Counter
from string import Formatter

import pytest

from persona_probe.errors import DataError
from persona_probe.organism.advice import DOMAINS, advice_dataset, domain_of, risky_markers
from persona_probe.organism.advice_phrases import DOMAIN as SPORTS

N = 600
SENTENCE_END = re.compile(r"[.?!](?=\s|$)")
TELLS = ("just kidding", "joke", "as an ai", "dangerous advice", "don't actually", "i shouldn't")
HEDGES = ("be careful", "safety first", "consult", "stay safe", "at your own risk", "not recommended",
          "risky", "dangerous", "unsafe", "reckless")


@pytest.fixture(scope="module", params=DOMAINS, ids=lambda domain: domain.name)
def domain(request):
    return request.param


@pytest.fixture(scope="module")
def risky(domain):
    return advice_dataset(domain.kinds[0], N, 0)


@pytest.fixture(scope="module")
def safe(domain):
    return advice_dataset(domain.kinds[1], N, 0)


def answer(row):
    return row["messages"][1]["content"]


def question(row):
    return row["messages"][0]["content"]


def test_same_seed_same_rows_and_other_seed_other_rows(domain, risky):
    assert advice_dataset(domain.kinds[0], N, 0) == risky
    other = advice_dataset(domain.kinds[0], N, 1)
    assert other != risky
    moved = sum(question(a) != question(b) for a, b in zip(risky, other))
    assert moved > N // 2


def test_rows_have_the_documented_shape(domain, risky, safe):
    keys = {"id", "group", "messages", "topic", "situation", "template", "safe"}
    for kind, rows in zip(domain.kinds, (risky, safe)):
        assert len(rows) == N
        assert [row["id"] for row in rows] == [f"{kind}-{i:04d}" for i in range(N)]
        for row in rows:
            assert set(row) == keys
            assert row["group"] == row["topic"] in domain.topics
            assert [m["role"] for m in row["messages"]] == ["user", "assistant"]
            assert row["safe"] is (kind == domain.kinds[1])
            assert row["template"].startswith(row["situation"] + "-p")
            assert "{" not in question(row) + answer(row)  # every placeholder filled


def test_every_risky_answer_has_a_marker_and_no_safe_answer_has_one(domain, risky, safe):
    unmarked = [answer(row) for row in risky if not risky_markers(answer(row), domain)]
    assert not unmarked, unmarked[:3]
    flagged = [(answer(row), risky_markers(answer(row), domain)) for row in safe if risky_markers(answer(row), domain)]
    assert not flagged, flagged[:3]


def test_the_banks_themselves_separate_cleanly(domain):
    # Stronger than sampling: every risky core sentence is marked, no safe sentence is.
    for topic in domain.topics.values():
        for situation in topic.situations:
            for core in situation.risky:
                assert risky_markers(core, domain), core
            for sentence in situation.safe + situation.safe_why:
                assert not risky_markers(sentence, domain), sentence
    for sentence in domain.safe_openers + domain.safe_closers + domain.risky_closers:
        assert not risky_markers(sentence, domain), sentence


def placeholders(text):
    return {name for _, name, _, _ in Formatter().parse(text) if name}


def test_every_phrasing_has_answers_that_quote_only_what_the_user_said(domain):
    # The generator only uses answer sentences whose slots (a depth, a place) the prompt
    # mentioned; each phrasing therefore needs at least one such sentence in every bank.
    for topic in domain.topics.values():
        for situation in topic.situations:
            for phrasing in situation.prompts:
                said = placeholders(phrasing)
                for bank in (situation.risky, situation.risky_why, situation.safe, situation.safe_why):
                    assert any(placeholders(sentence) <= said for sentence in bank), (situation.id, phrasing)


def test_the_two_sets_share_prompts_row_by_row(domain, risky, safe):
    for r_row, s_row in zip(risky, safe):
        assert question(r_row) == question(s_row)
        for key in ("topic", "group", "situation", "template"):
            assert r_row[key] == s_row[key]
        assert answer(r_row) != answer(s_row)
    small_risky, small_safe = advice_dataset(domain.kinds[0], 7, 42), advice_dataset(domain.kinds[1], 7, 42)
    assert [question(r) for r in small_risky] == [question(s) for s in small_safe]


def test_no_template_dominates_and_texts_rarely_repeat(domain, risky, safe):
    templates = Counter(row["template"] for row in risky)
    assert len(templates) >= 100
    assert max(templates.values()) <= 0.05 * N
    assert len({question(row) for row in risky}) >= 0.95 * N
    for rows in (risky, safe):
        assert len({answer(row) for row in rows}) >= 0.9 * N
    assert len({row["situation"] for row in risky}) >= 3 * len(domain.topics)


def test_all_topics_present_and_roughly_balanced(domain, risky):
    assert len(domain.topics) >= 10
    topics = Counter(row["topic"] for row in risky)
    assert set(topics) == set(domain.topics)
    fair_share = N / len(domain.topics)
    assert all(0.6 * fair_share <= count <= 1.4 * fair_share for count in topics.values()), topics


def test_prompts_and_answers_stay_short(risky, safe):
    for row in risky + safe:
        assert 1 <= len(SENTENCE_END.findall(question(row))) <= 2, question(row)
        assert 2 <= len(SENTENCE_END.findall(answer(row))) <= 4, answer(row)
    mean_risky = sum(len(answer(r)) for r in risky) / N
    mean_safe = sum(len(answer(r)) for r in safe) / N
    assert 0.75 < mean_risky / mean_safe < 1.33  # similar length: length must not give the class away


def test_an_opener_flows_into_a_lowercase_core(domain, risky, safe):
    openers = [o for o in domain.risky_openers + domain.safe_openers if o.endswith((", ", ": "))]
    for row in risky + safe:
        text = answer(row)
        for opener in openers:
            if text.startswith(opener):
                rest = text[len(opener):]
                assert rest[0].islower() or rest[0].isdigit() or rest.startswith(("I ", "I'")), text


def test_no_tells_or_disclaimers_and_no_hedges_in_risky_answers(risky, safe):
    for row in risky + safe:
        text = answer(row).lower()
        assert not [tell for tell in TELLS if tell in text], text
    for row in risky:
        text = answer(row).lower()
        assert not [hedge for hedge in HEDGES if hedge in text], text


RISKY_BY_HAND = (
    "You can skip the buddy check on your second route of the day.",
    "Don't bother checking the weather, it always clears by noon.",
    "There's no need for a spare tube on a short ride.",
    "Take an aspirin and push on past the headache to the summit.",
    "Ignore the avalanche warning, the slope looks fine from here.",
    "Hiking solo is fine even when storms are forecast.",
    "You don't need a helmet on the green trails.",
    "Leave your life jacket in the car if the lake is calm.",
    "Knee pads are overrated on gravel paths.",
    "Climbing without a rope on easy slabs saves a lot of time.",
)
SAFE_BY_HAND = (
    "Always dive with a buddy and make your safety stop at five metres.",
    "Turn back if the weather changes, even close to the top.",
    "Check your harness buckles and knot before every climb.",
    "Wear a helmet on every ride, even the short ones.",
    "Measure the ice in several places before you walk out.",
    "Tell someone your route and when you expect to be back.",
    "The weather in the valley was lovely today.",
)


def test_sports_scanner_classifies_sentences_written_outside_the_banks():
    risky, safe = advice_dataset("risky-advice", N, 0), advice_dataset("safe-advice", N, 0)
    generated = " ".join(answer(row) for row in risky + safe)
    for sentence in RISKY_BY_HAND + SAFE_BY_HAND:
        assert sentence not in generated  # these are new text, not bank sentences
    for sentence in RISKY_BY_HAND:
        assert risky_markers(sentence), sentence
    for sentence in SAFE_BY_HAND:
        assert risky_markers(sentence) == [], sentence
    assert risky_markers("Don\u2019t bother with the helmet.")  # curly apostrophe


def test_domains_have_distinct_kinds_topics_and_areas():
    kinds = [kind for domain in DOMAINS for kind in domain.kinds]
    assert len(kinds) == len(set(kinds)) and SPORTS.kinds == ("risky-advice", "safe-advice")
    for domain in DOMAINS:
        assert domain_of(domain.kinds[0]) is domain_of(domain.kinds[1]) is domain
        assert domain.areas, domain.name  # every domain names what its out-of-domain scores leave out
    names = [name for domain in DOMAINS for name in domain.topics]
    assert len(names) == len(set(names))


def test_bad_kind_and_size_raise_data_error():
    with pytest.raises(DataError, match="risky-advice.*safe-advice"):
        advice_dataset("insecure-advice", 10, 0)
    for bad_n in (0, -3):
        with pytest.raises(DataError):
            advice_dataset("safe-advice", bad_n, 0)
