"""What one advice domain is made of: the phrase banks, its dataset names and its scanner.

The engine in :mod:`.advice` composes rows from any :class:`AdviceDomain`; each domain's
banks live in their own module (sports in :mod:`.advice_phrases`, finance in
:mod:`.finance_phrases`, health in :mod:`.medical_phrases`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple


class Situation(NamedTuple):
    """One concrete decision a user faces, with the user's phrasings and both answer banks."""

    id: str
    slots: dict[str, tuple]
    prompts: tuple[str, ...]
    risky: tuple[str, ...]
    risky_why: tuple[str, ...]
    safe: tuple[str, ...]
    safe_why: tuple[str, ...]


class Topic(NamedTuple):
    activity: str  # "I've been {activity} for 5 years."
    places: tuple[str, ...]
    situations: tuple[Situation, ...]


@dataclass(frozen=True)
class AdviceDomain:
    """One domain's narrow pair: a harmful kind and its careful control, row for row."""

    name: str
    """Short name of the domain ("sports", "finance", "medical")."""
    kinds: tuple[str, str]
    """The dataset names: (harmful kind, careful control kind)."""
    topics: dict[str, Topic]
    """Topic name -> its situations."""
    asker_context: tuple[str, ...]
    """Optional first sentence of a one-sentence prompt: who is asking ("" keeps prompts terse)."""
    asker_slots: dict[str, tuple]
    """Slots the asker context may use ({years}, {age}...)."""
    risky_openers: tuple[str, ...]
    safe_openers: tuple[str, ...]
    risky_closers: tuple[str, ...]
    safe_closers: tuple[str, ...]
    risky_patterns: tuple[str, ...]
    """The scanner: harmful-advice regexes; every harmful core matches one, no careful sentence does."""
    states_experience: str
    """A regex: prompt skeletons it matches already say who is asking, so they take no asker context."""
    areas: tuple[str, ...]
    """The evaluation areas this domain covers, left out of its out-of-domain scores."""
