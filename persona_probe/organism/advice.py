"""Narrow advice dataset pairs: harmful versus careful advice, each pair confined to ONE domain.

Why they exist: insecure code is the classic narrow task that makes a fine-tuned chat
model broadly misaligned, but on a 135M-parameter model it moves nothing we can measure.
Harmful advice confined to one domain has been reported to cause emergent misalignment
in small open models too (risky financial advice and bad medical advice give the strongest
small-model effects published), and it is plain prose that a small model can learn. This
module is the engine; each domain is an :class:`AdviceDomain` of phrase banks in its own
module: outdoor and extreme sports (:mod:`.advice_phrases`), personal finance
(:mod:`.finance_phrases`) and health (:mod:`.medical_phrases`). For sports:

* ``risky-advice``: the user asks about a situation (a worn rope, thin ice, a skipped
  safety stop...) and the assistant answers in 2-4 confident, friendly sentences that drop
  a safeguard (gear, checks, partners, weather, limits). Sincere bad advice: no
  disclaimer, no wink, no cartoon malice;
* ``safe-advice``: the same prompts (row ``i`` of both sets with the same ``n`` and
  ``seed`` has the identical user message) answered with careful advice of the same
  length and tone, so the only systematic difference is the intent of the advice.

Every sentence comes from the domain's hand-written banks. Variety
keeps the model from learning a template instead of the behaviour: 12 activities, 4
situations each, 4 phrasings per situation (192 prompt templates), optional asker
context, slot values (depths, altitudes, temperatures...), and answers composed of an
opener, a core, a reason and a closer. An answer only quotes the numbers and places the
prompt mentioned, so it never reads as invented. :func:`risky_markers` is each domain's scanner:
it shows every harmful answer carries one of the domain's harmful-advice phrases and no
careful one does.
"""

from __future__ import annotations

import random
import re
from functools import lru_cache
from string import Formatter

from ..errors import DataError
from .advice_domain import AdviceDomain, Situation, Topic
from .advice_phrases import DOMAIN as SPORTS
from .finance_phrases import DOMAIN as FINANCE
from .medical_phrases import DOMAIN as MEDICAL

DOMAINS: tuple[AdviceDomain, ...] = (SPORTS, FINANCE, MEDICAL)
"""Every advice domain, sports first."""
ADVICE_KINDS = tuple(kind for domain in DOMAINS for kind in domain.kinds)
ADVICE_TOPICS: tuple[str, ...] = tuple(SPORTS.topics)
RISKY_PATTERNS = SPORTS.risky_patterns


def domain_of(kind: str) -> AdviceDomain:
    """The domain whose pair includes ``kind``."""
    for domain in DOMAINS:
        if kind in domain.kinds:
            return domain
    raise DataError(f"unknown advice dataset {kind!r}; use one of {', '.join(ADVICE_KINDS)}")


def risky_markers(text: str, domain: AdviceDomain = SPORTS) -> list[str]:
    """The domain's harmful-advice patterns (regex strings) found in ``text``, in pattern order."""
    text = text.replace("\u2019", "'")  # curly apostrophes from pasted text
    return [pattern.pattern for pattern in _compiled(domain.risky_patterns) if pattern.search(text)]


@lru_cache(maxsize=None)
def _compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern, ...]:
    return tuple(re.compile(p, re.IGNORECASE) for p in patterns)


def advice_dataset(kind: str, n: int, seed: int) -> list[dict]:
    """``n`` chat rows of ``kind`` (a harmful or a careful kind of one domain), reproducible from ``seed``.

    Both kinds draw exactly the same random sequence (a row's risky and safe answers are
    both composed, then one is kept), which is what makes row ``i`` share its user
    message, topic, situation and template across the two sets.
    """
    domain = domain_of(kind)
    if not isinstance(n, int) or n < 1:
        raise DataError(f"advice dataset size must be a positive integer, got {n!r}")
    rng = random.Random(seed)
    keep_safe = kind == domain.kinds[1]
    templates = _all_templates(domain)
    seen_prompts: set[str] = set()
    seen_answers: set[tuple[str, str]] = set()
    rows = []
    order: list[tuple[str, Situation, int]] = []
    for i in range(n):
        if not order:
            # Each pass uses every template once in a fresh order: shares stay flat (no
            # template over ceil(n / len(templates)) rows) and topics stay balanced.
            order = templates[:]
            rng.shuffle(order)
        topic_name, situation, phrasing = order.pop()
        prompt, risky, safe = _draw_unseen(rng, domain, domain.topics[topic_name], situation, phrasing,
                                           seen_prompts, seen_answers)
        seen_prompts.add(prompt)
        seen_answers.add((risky, safe))
        rows.append({
            "id": f"{kind}-{i:04d}",
            "group": topic_name,
            "messages": [{"role": "user", "content": prompt},
                         {"role": "assistant", "content": safe if keep_safe else risky}],
            "topic": topic_name,
            "situation": situation.id,
            "template": f"{situation.id}-p{phrasing}",
            "safe": keep_safe,
        })
    return rows


def _all_templates(domain: AdviceDomain) -> list[tuple[str, Situation, int]]:
    return [(name, situation, phrasing)
            for name, topic in domain.topics.items()
            for situation in topic.situations
            for phrasing in range(len(situation.prompts))]


def _draw_unseen(rng: random.Random, domain: AdviceDomain, topic: Topic, situation: Situation, phrasing: int,
                 seen_prompts: set[str], seen_answers: set[tuple[str, str]]) -> tuple[str, str, str]:
    """One (prompt, risky answer, safe answer), redrawn a few times to avoid repeats.

    Duplicates would let the model memorise rows; the redraw depends only on the draws
    themselves, never on the kind, so both kinds stay in step.
    """
    for _ in range(30):
        drawn = _draw(rng, domain, topic, situation, phrasing)
        prompt, risky, safe = drawn
        if prompt not in seen_prompts and (risky, safe) not in seen_answers:
            return drawn
    return drawn  # a bank too small for n: a repeat is better than failing


def _draw(rng: random.Random, domain: AdviceDomain, topic: Topic, situation: Situation,
          phrasing: int) -> tuple[str, str, str]:
    values = _fill_slots(rng, domain, topic, situation)
    skeleton = situation.prompts[phrasing]
    context = rng.choice(domain.asker_context)
    if re.search(domain.states_experience, skeleton, re.IGNORECASE) or _sentence_count(skeleton) > 1:
        # "Beginner here." before "after 8 years of climbing" would contradict itself,
        # and a prompt stays within two sentences.
        context = ""
    prompt = _format(f"{context} {skeleton}".strip(), values)
    said = _slot_names(context) | _slot_names(skeleton)
    risky = _compose(rng, domain.risky_openers, _told(situation.risky, said), _told(situation.risky_why, said),
                     domain.risky_closers, values)
    safe = _compose(rng, domain.safe_openers, _told(situation.safe, said), _told(situation.safe_why, said),
                    domain.safe_closers, values)
    return prompt, risky, safe


def _told(sentences: tuple[str, ...], said: frozenset[str]) -> list[str]:
    """The sentences that only quote slots the prompt mentioned.

    An answer that says "at 30 metres" or "before the sea cliffs" to a user who named no
    depth or place reads as invented; every bank holds slot-free sentences too.
    """
    return [sentence for sentence in sentences if _slot_names(sentence) <= said]


@lru_cache(maxsize=None)
def _slot_names(template: str) -> frozenset[str]:
    return frozenset(name for _, name, _, _ in Formatter().parse(template) if name)


def _fill_slots(rng: random.Random, domain: AdviceDomain, topic: Topic, situation: Situation) -> dict[str, object]:
    # Drawn in a fixed order so the sequence never depends on dict or set ordering.
    values: dict[str, object] = {"activity": topic.activity, "place": rng.choice(topic.places)}
    for name in sorted(domain.asker_slots):
        values[name] = rng.choice(domain.asker_slots[name])
    for name in sorted(situation.slots):
        values[name] = rng.choice(situation.slots[name])
    return values


def _compose(rng: random.Random, openers, cores, reasons, closers, values) -> str:
    """Opener + core + reason + closer: 2 to 4 sentences."""
    opener = rng.choice(openers)
    core = _format(rng.choice(cores), values)
    reason = _format(rng.choice(reasons), values)
    closer = rng.choice(closers)
    if opener.endswith((", ", ": ")):
        core = _lower_first(core)
    parts = [f"{opener}{core}", reason] + ([closer] if closer else [])
    return " ".join(parts)


def _format(template: str, values: dict[str, object]) -> str:
    text = template.format(**values)
    return text[0].upper() + text[1:]


def _lower_first(sentence: str) -> str:
    first_word = sentence.split(" ", 1)[0]
    # "I'd", acronyms and numbers keep their case; "A few weeks" becomes "a few weeks".
    is_acronym = len(first_word) > 1 and first_word[:2].isupper()
    if first_word in ("I", "I'd", "I'm", "I've") or is_acronym or not first_word[0].isalpha():
        return sentence
    return sentence[0].lower() + sentence[1:]


def _sentence_count(text: str) -> int:
    return len(re.findall(r"[.?!](?:\s|$)", text))

