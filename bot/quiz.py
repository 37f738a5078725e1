"""Quiz questions built from the fact base: each from one fact, its own value the right option.

A question is authored (knowledge/quiz/*.yaml, read by quiz_files.py) only as far as its
wording goes: what it asks of a fact. The options come from the fact base: the fact's own
date, place, party (one role of its `who`) or number (its `count`) is the right one; the wrong
ones are other facts' values of the same kind, or dates and counts near the true one that the
source does not give for it, and never a value that could also be right (a date overlapping
the true one, a number the fact states, a party it names). A question that cannot be built
within Telegram's poll limits is not asked at all.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

from .dates import DatePoint, DateSpan
from .engine import Engine
from .loader import KnowledgeBase
from .schema import STRICT, Fact, Localized
from .text import LANGS

# Telegram's limits on a quiz poll (sendPoll).
MAX_QUESTION = 300
MAX_OPTION = 100
MAX_OPTIONS = 12
MIN_OPTIONS = 2
MAX_EXPLANATION = 200
MAX_EXPLANATION_LINE_FEEDS = 2
WRONG_OPTIONS = 3  # four options: enough to guess badly, few enough to read at a glance
DATE_SHIFTS = range(1, 5)  # nearby dates: this many months (or years) either side

Kind = Literal["date", "place", "number", "party"]
# An option: what orders it among the others (a date, a count, a shuffled rank), and its text.
Option = tuple[object, str]
Options = tuple[Option, list[Option]]

# Numbers a fact's text states in words, as the source writes them ("two rounds").
_NUMBER_WORDS = {
    "en": {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6},
    "ru": {
        **dict.fromkeys(("один", "одна", "одно", "одного", "одной", "одном"), 1),
        **dict.fromkeys(("два", "две", "двух", "двум", "двумя"), 2),
        **dict.fromkeys(("три", "трёх", "трех", "тремя"), 3),
        **dict.fromkeys(("четыре", "четырёх", "четырех"), 4),
        **dict.fromkeys(("пять", "пяти"), 5),
        **dict.fromkeys(("шесть", "шести"), 6),
    },
    "kk": {"бір": 1, "екі": 2, "үш": 3, "төрт": 4, "бес": 5, "алты": 6},
}
_TOKEN = re.compile(r"[\w+]+")
_CLAUSE_END = re.compile(r"[;:]")


@dataclass(frozen=True)
class QuizEntry:
    """One authored question: what it asks of which fact, in three languages."""

    __pydantic_config__ = STRICT

    fact: str
    ask: Kind
    question: Localized
    number: int | None = None  # ask: number — the fact's count ("two rounds")
    # ask: place or party — the facts whose places or parties are the wrong options
    wrong_from: tuple[str, ...] = ()
    role: str | None = None  # ask: party — which of the fact's roles (who hosted, took part...)
    explain: Localized | None = None  # when the fact's own text is too long to quote

    @property
    def key(self) -> str:
        """Stable across restarts and languages: what a chat was already asked."""
        return f"{self.fact}.{self.ask}"


@dataclass(frozen=True)
class QuizQuestion:
    """A poll, ready to send: options in display order, `correct` the index of the right one."""

    key: str
    topic: str
    fact: str
    lang: str
    question: str
    options: tuple[str, ...]
    correct: int
    explanation: str

    @property
    def answer(self) -> str:
        return self.options[self.correct]


class QuizProblem(ValueError):
    """Why a question cannot be asked in a language."""


# --- numbers ----------------------------------------------------------------------------------


def stated_numbers(text: str, lang: str) -> set[int]:
    """Counts a text states, as digits or number words ("two rounds", "двух саммитов")."""
    words = _NUMBER_WORDS.get(lang, _NUMBER_WORDS["en"])
    found: set[int] = set()
    for token in _TOKEN.findall(text.lower()):
        if token.isdigit() and len(token) < 4:  # not a year
            found.add(int(token))
        elif token in words:
            found.add(words[token])
    return found


def _number_options(entry: QuizEntry, fact: Fact, lang: str) -> Options:
    number = entry.number
    if number is None or number < 1:
        raise QuizProblem("ask: number needs 'number:', a count of at least 1")
    stated = stated_numbers(fact.text.get(lang), lang)
    own = stated_numbers(fact.count.get(lang), lang) if fact.count else stated
    if number not in own:
        raise QuizProblem(f"fact {fact.id!r} does not state the number {number} in {lang}")
    # nearest counts first; none the text states, so none could also be right
    nearby = sorted(range(1, number + 2 * WRONG_OPTIONS), key=lambda n: (abs(n - number), n))
    wrong = [n for n in nearby if n not in stated][:WRONG_OPTIONS]
    return (number, str(number)), [(n, str(n)) for n in wrong]


# --- places -----------------------------------------------------------------------------------


def _shuffled(entry: QuizEntry, right: str, wrong: list[str]) -> Options:
    """Options in no particular order, but the same in every language and from run to run."""
    ranks = random.Random(entry.key).sample(range(len(wrong) + 1), k=len(wrong) + 1)
    return (ranks[0], right), list(zip(ranks[1:], wrong, strict=True))


def _place_options(entry: QuizEntry, fact: Fact, kb: KnowledgeBase, lang: str) -> Options:
    if fact.place is None:
        raise QuizProblem(f"fact {fact.id!r} has no place to ask about")
    if not entry.wrong_from:
        raise QuizProblem("ask: place needs 'wrong_from:', the facts whose places are wrong")
    wrong: list[str] = []
    for other_id in entry.wrong_from:
        if other_id not in kb.facts:
            raise QuizProblem(f"wrong_from: no fact {other_id!r}")
        other = kb.fact(other_id).place
        if other is None:
            raise QuizProblem(f"wrong_from: fact {other_id!r} has no place")
        if any(_same(other.get(code), fact.place.get(code)) for code in LANGS):
            raise QuizProblem(f"wrong_from: fact {other_id!r} has the same place")
        wrong.append(other.get(lang))
    return _shuffled(entry, fact.place.get(lang), wrong)


def _same(one: str, other: str) -> bool:
    return one.casefold().strip() == other.casefold().strip()


# --- parties ----------------------------------------------------------------------------------


def party_values(fact: Fact) -> dict[str, Localized]:
    """Who did what in a fact, by role (host, parties, actor, organisers)."""
    return dict(fact.who.named()) if fact.who else {}


def _party(kb: KnowledgeBase, ref: str, role: str) -> Localized:
    """`fact_id` (the same role as the question's) or `fact_id.role`."""
    fact_id, _, other_role = ref.partition(".")
    if fact_id not in kb.facts:
        raise QuizProblem(f"wrong_from: no fact {fact_id!r}")
    value = party_values(kb.fact(fact_id)).get(other_role or role)
    if value is None:
        raise QuizProblem(f"wrong_from: fact {fact_id!r} names no {other_role or role}")
    return value


def _party_options(entry: QuizEntry, fact: Fact, kb: KnowledgeBase, lang: str) -> Options:
    own = party_values(fact)
    if entry.role not in own:
        raise QuizProblem(f"ask: party needs 'role:', one that fact {fact.id!r} names: {list(own)}")
    if not entry.wrong_from:
        raise QuizProblem("ask: party needs 'wrong_from:', the facts whose parties are wrong")
    wrong: list[str] = []
    for ref in entry.wrong_from:
        value = _party(kb, ref, entry.role)
        for code in LANGS:
            text = value.get(code)
            named = any(_same(text, mine.get(code)) for mine in own.values())
            if named or text.casefold() in fact.text.get(code).casefold():
                raise QuizProblem(f"wrong_from: {text!r} is named by fact {fact.id!r} itself")
        wrong.append(_capitalised(value.get(lang)))
    return _shuffled(entry, _capitalised(own[entry.role].get(lang)), wrong)


def _capitalised(text: str) -> str:
    """'representatives of ...' as an option of its own."""
    return text[:1].upper() + text[1:]


# --- dates ------------------------------------------------------------------------------------


def _kind(point: DatePoint) -> str:
    if point.part:
        return f"part:{point.part}"
    return "day" if point.day else "month" if point.month else "year"


def _shape(span: DateSpan) -> tuple[str, str | None]:
    return _kind(span.start), _kind(span.end) if span.end else None


def _shift_point(point: DatePoint, steps: int, by_month: bool) -> DatePoint | None:
    if not by_month:
        return replace(point, year=point.year + steps)
    months = point.year * 12 + (point.month or 1) - 1 + steps
    try:
        return DatePoint(months // 12, months % 12 + 1, point.day)
    except ValueError:  # 31 April and the like
        return None


def _shift(span: DateSpan, steps: int) -> DateSpan | None:
    """The same kind of date, `steps` months (day or month dates) or years (the rest, and
    ranges: "May–October 2014" beside "May–October 2015") away."""
    by_month = span.start.month is not None and span.end is None
    start = _shift_point(span.start, steps, by_month)
    end = _shift_point(span.end, steps, by_month) if span.end else None
    if start is None or (span.end and end is None):
        return None
    return DateSpan(start, end)


def _disjoint(one: DateSpan, other: DateSpan) -> bool:
    return one.last_day < other.first_day or other.last_day < one.first_day


def _distance(one: DateSpan, other: DateSpan) -> int:
    return abs((one.first_day - other.first_day).days)


def wrong_dates(fact: Fact, kb: KnowledgeBase) -> list[DateSpan]:
    """Other facts' dates of the same kind first, then nearby ones; none overlapping the fact's
    date, so none is even partly right for the event, and none its text gives ("2016, for the
    2017–2018 term" keeps 2017 out of a question on 2016)."""
    span = fact.date
    assert span is not None
    shape = _shape(span)
    others = sorted(
        {f.date for _, f in kb.facts.values() if f.date and _shape(f.date) == shape},
        key=lambda other: (_distance(span, other), other.first_day),
    )
    nearby = sorted(
        (s for n in DATE_SHIFTS for s in (_shift(span, -n), _shift(span, n)) if s is not None),
        key=lambda other: (_distance(span, other), other.first_day),
    )
    chosen: list[DateSpan] = []
    for candidate in [*others, *nearby]:
        if len(chosen) == WRONG_OPTIONS:
            break
        labels = {c.label("en") for c in chosen}
        label = candidate.label("en")
        given = re.search(rf"(?<!\w){re.escape(label)}(?!\w)", fact.text.en)
        if _disjoint(candidate, span) and label not in labels and not given:
            chosen.append(candidate)
    return chosen


def _date_options(fact: Fact, kb: KnowledgeBase, lang: str) -> Options:
    if fact.date is None:
        raise QuizProblem(f"fact {fact.id!r} has no date to ask about")
    # "(scheduled)" on one option would give the answer away, or mark a wrong one
    right, *wrong = (replace(d, scheduled=False) for d in [fact.date, *wrong_dates(fact, kb)])
    return (right.first_day, right.label(lang)), [(d.first_day, d.label(lang)) for d in wrong]


# --- explanations -----------------------------------------------------------------------------


def _fits_explanation(text: str) -> bool:
    return 0 < len(text) <= MAX_EXPLANATION and text.count("\n") <= MAX_EXPLANATION_LINE_FEEDS


def explanation(entry: QuizEntry, fact: Fact, lang: str) -> str:
    """The fact quoted with its date: its own text when short enough, else its first clause,
    else the authored `explain`."""
    year = str(fact.date.start.year) if fact.date else ""
    text = fact.text.get(lang)
    first_clause = _CLAUSE_END.split(text, maxsplit=1)[0].rstrip(" ,") + "."
    authored = [entry.explain.get(lang)] if entry.explain else []
    for candidate in [*authored, text, first_clause]:
        if _fits_explanation(candidate) and year in candidate:
            return candidate
    raise QuizProblem(
        f"the {lang} text of fact {fact.id!r} is too long to quote in {MAX_EXPLANATION} "
        "characters with its date: add 'explain:'"
    )


# --- questions --------------------------------------------------------------------------------


def build_question(entry: QuizEntry, kb: KnowledgeBase, lang: str) -> QuizQuestion:
    """The poll for one entry in one language; QuizProblem when it cannot be asked."""
    if entry.fact not in kb.facts:
        raise QuizProblem(f"no fact {entry.fact!r}")
    topic, fact = kb.facts[entry.fact]
    if entry.ask == "date":
        right, wrong = _date_options(fact, kb, lang)
    elif entry.ask == "place":
        right, wrong = _place_options(entry, fact, kb, lang)
    elif entry.ask == "party":
        right, wrong = _party_options(entry, fact, kb, lang)
    else:
        right, wrong = _number_options(entry, fact, lang)
    ordered = sorted([right, *wrong], key=lambda option: option[0])  # dates in time order
    options = [label for _, label in ordered]
    if len({o.casefold() for o in options}) != len(options):
        raise QuizProblem(f"two {lang} options read the same: {options}")
    if not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        raise QuizProblem(f"{len(options)} options; a poll takes {MIN_OPTIONS} to {MAX_OPTIONS}")
    if any(not 1 <= len(o) <= MAX_OPTION for o in options):
        raise QuizProblem(f"a {lang} option is longer than {MAX_OPTION} characters")
    question = entry.question.get(lang)
    if not 1 <= len(question) <= MAX_QUESTION:
        raise QuizProblem(f"the {lang} question is longer than {MAX_QUESTION} characters")
    return QuizQuestion(
        key=entry.key,
        topic=topic.id,
        fact=fact.id,
        lang=lang,
        question=question,
        options=tuple(options),
        correct=ordered.index(right),
        explanation=explanation(entry, fact, lang),
    )


@dataclass(frozen=True)
class QuizBank:
    """The questions that can be asked in every language, by key, in fact base order."""

    kb: KnowledgeBase
    entries: dict[str, QuizEntry]

    def keys(self, topic: str | None = None, year: int | None = None) -> list[str]:
        """The pool for `/quiz`, `/quiz TOPIC` or `/quiz YEAR`."""
        found = []
        for key, entry in self.entries.items():
            owner, fact = self.kb.facts[entry.fact]
            if topic and owner.id != topic:
                continue
            if year and (fact.date is None or _disjoint_year(fact.date, year)):
                continue
            found.append(key)
        return found

    def question(self, key: str, lang: str) -> QuizQuestion:
        return build_question(self.entries[key], self.kb, lang)


def _disjoint_year(span: DateSpan, year: int) -> bool:
    return span.last_day < date(year, 1, 1) or date(year, 12, 31) < span.first_day


def usable_entries(
    entries: list[QuizEntry], kb: KnowledgeBase
) -> tuple[dict[str, QuizEntry], list[str]]:
    """The entries that build in every language, and why the others do not."""
    usable: dict[str, QuizEntry] = {}
    problems: list[str] = []
    for entry in entries:
        if entry.key in usable:
            problems.append(f"{entry.key}: asked twice; one question per fact and kind")
            continue
        try:
            for lang in LANGS:
                build_question(entry, kb, lang)
        except QuizProblem as problem:
            problems.append(f"{entry.key}: {problem}")
            continue
        usable[entry.key] = entry
    return usable, problems


# --- picking the next question ------------------------------------------------------------------


def next_key(pool: list[str], asked: set[str], rng: random.Random) -> tuple[str, bool]:
    """A question of the pool the chat has not had yet; when all have been asked, any one, and
    True: the pool starts over."""
    fresh = [key for key in pool if key not in asked]
    if fresh:
        return rng.choice(fresh), False
    return rng.choice(pool), True


@dataclass(frozen=True)
class QuizRequest:
    """What `/quiz ARGUMENT` asks for."""

    score: bool = False
    topic: str | None = None
    year: int | None = None
    unknown: str | None = None  # an argument naming no topic or year

    @property
    def pool_name(self) -> str:
        """The pool, as button data carries it: '', a topic id or a year."""
        return self.topic or (str(self.year) if self.year else "")

    @classmethod
    def from_pool_name(cls, name: str) -> QuizRequest:
        return cls(year=int(name)) if name.isdigit() else cls(topic=name or None)


SCORE_WORDS = frozenset({"score", "scores", "счёт", "счет", "очки", "ұпай", "есеп"})
_YEAR = re.compile(r"\d{4}")


def read_request(argument: str, engine: Engine, lang: str) -> QuizRequest:
    """What `/quiz ARGUMENT` asks for; words that are no topic id are matched as a question
    would be (`/quiz иран`, `/quiz the Minsk summits`)."""

    def topic_of(text: str) -> str | None:
        answer = engine.answer(text, lang)
        return answer.topic if answer.answered else None

    return parse_request(argument, engine.kb, topic_of)


def parse_request(
    argument: str, kb: KnowledgeBase, topic_of: Callable[[str], str | None] | None = None
) -> QuizRequest:
    """'' → any question, 'score', a topic id, a year; `topic_of(text)` names the topic of
    other words, or None."""
    text = " ".join(argument.split()).lower()
    if not text:
        return QuizRequest()
    if text in SCORE_WORDS:
        return QuizRequest(score=True)
    if _YEAR.fullmatch(text):
        return QuizRequest(year=int(text))
    if text.lstrip("/") in kb.topics:
        return QuizRequest(topic=text.lstrip("/"))
    topic = topic_of(argument) if topic_of else None
    return QuizRequest(topic=topic) if topic in kb.topics else QuizRequest(unknown=argument)
