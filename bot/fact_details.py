"""What part of a fact answers a question: its date (and the event the date is of), its
roles, its reason, its count.

A date belongs to one event of its fact ("In 2016 Kazakhstan was *voted* to sit..."): a
question about another event of the same fact gets no date, never a borrowed one.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import compress, count, pairwise, repeat
from typing import NamedTuple

from .dates import DateQuery, DateSpan
from .lexicon import Lexicon
from .schema import Fact, Topic
from .text import LANGS, normalise, stems, words


def date_precision(date: DateSpan) -> set[str]:
    """What a fact's date can answer: a day ("on what day"), years ("which years")."""
    found = {"day"} if date.start.day is not None else set()
    return found | ({"years"} if date.first_day.year < date.last_day.year else set())


def date_fit(dates: Sequence[DateQuery], fact: Fact) -> float:
    if not dates or fact.date is None:
        return 0.0
    return max(query.overlap(fact.date) for query in dates)


class EventWords(dict[str, str | None]):
    """Word -> the event it names (see the lexicon's `events`), or None: worked out once per
    word, on demand (a build meets each word thousands of times; stemming it again each time
    was most of the cost)."""

    def __init__(self, lexicon: Lexicon) -> None:
        super().__init__()
        self.lexicon = lexicon

    def __missing__(self, word: str) -> str | None:
        events = self.lexicon.events
        form = next((f for f in (word, *stems(word)) if f in events), None)
        event = self[word] = events[form] if form is not None else None
        return event


def _named(
    found: Sequence[str], lexicon: Lexicon, memo: EventWords | None = None
) -> list[str | None]:
    """The event each word names, or the phrase it opens ("took place"), or None; `memo`:
    the events of words met before, with this lexicon."""
    if memo is None or memo.lexicon is not lexicon:
        memo = EventWords(lexicon)
    named = list(map(memo.__getitem__, found))
    phrases = lexicon.event_phrases
    pairs = list(pairwise(found))
    for position in compress(count(), map(phrases.__contains__, pairs)):
        named[position] = phrases[pairs[position]]
    return named


def events_in(
    found: Sequence[str], lexicon: Lexicon, memo: EventWords | None = None
) -> frozenset[str]:
    """The events these words name: "was the deal signed" → signed. `memo`: see _named."""
    return frozenset(filter(None, _named(found, lexicon, memo)))


def topic_events(topic: Topic, lexicon: Lexicon, memo: EventWords | None = None) -> frozenset[str]:
    """The events some fact of a topic names (in its English text)."""
    return frozenset().union(
        *(events_in(words(normalise(fact.text.en)), lexicon, memo) for fact in topic.facts)
    )


def main_event(text: str, lexicon: Lexicon, memo: EventWords | None = None) -> str | None:
    """The event a fact's date belongs to: the event word of its text nearest the date ("In
    2016 Kazakhstan was *voted* to sit on the Council as a member" is an election), or its
    first event word when the text gives no date; None when it names none."""
    found = words(normalise(text))
    return _main(found, _named(found, lexicon, memo))


def _main(found: Sequence[str], named: Sequence[str | None]) -> str | None:
    """main_event of a text's words, given the event each names."""
    if not any(named):
        return None
    dated = next((p for p, word in enumerate(found) if any(c.isdigit() for c in word)), None)
    if dated is None:
        return next(filter(None, named))
    return min(
        ((p, event) for p, event in enumerate(named) if event), key=lambda i: abs(i[0] - dated)
    )[1]


def fact_detail(fact: Fact, focus: str, role: str | None = None) -> object:
    """The part of a fact that answers a focus: its date, place, role(s), reason or count.

    None when the fact does not hold it: then the answer must say so, never borrow it.
    """
    if focus == "who":
        return fact.who and (getattr(fact.who, role) if role else fact.who)
    fields = {"when": "date", "where": "place", "why": "reason", "how_many": "count"}
    return getattr(fact, fields[focus]) if focus in fields else None


class FactAlone(NamedTuple):
    """What a fact says by itself and the lexicon only (see fact_alone)."""

    counted: bool  # it states a count: in its count field, or in words ("two", "millions")
    event: str | None  # the event its date belongs to (None without a date)
    names: tuple[str, ...]  # its actor's names that its reason names too (credited_names)
    events: frozenset[str]  # every event its text names (a topic's: topic_events)


def fact_alone(fact: Fact, lexicon: Lexicon, memo: EventWords | None = None) -> FactAlone:
    """What a fact says by itself and the lexicon only, worked out once per fact object: an
    edit of one file recomputes only its facts. `memo`: see _named."""
    found = words(normalise(fact.text.en))
    named = _named(found, lexicon, memo)
    counted = bool(fact_detail(fact, "how_many") or lexicon.numbers.intersection(found))
    event = _main(found, named) if fact.date else None
    return FactAlone(counted, event, credited_names(fact), frozenset(filter(None, named)))


def credited_names(fact: Fact) -> tuple[str, ...]:
    """The words of the actor's name (its capitalised words) that the reason names too, in
    any language, inflected or not ("Назарбаевтың"): such a reason says why others acted,
    never why the actor did. The engine resolves them to its terms (Engine.self_credited)."""
    if fact.reason is None or fact.who is None or fact.who.actor is None:
        return ()
    names: dict[str, None] = {}  # in order, once each
    for lang in LANGS:
        actor, reason = getattr(fact.who.actor, lang), getattr(fact.reason, lang)
        if not (actor and reason):
            continue
        said = words(normalise(reason))
        for name in words(normalise(" ".join(w for w in actor.split() if w[:1].isupper()))):
            if any(map(str.startswith, said, repeat(name))):
                names[name] = None
    return tuple(names)
