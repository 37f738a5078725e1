"""The questions the bot could not answer well, kept so maintainers know what to add.

A question is recorded when the engine declined it or answered it with a score below
`LOW_CONFIDENCE_BELOW`: its text, language, time, best score and the candidate topics; never
who asked or where. Records go to an embedded SQLite file by default, or to the shared store
(Redis) when `STATE_URL` names one, so every replica adds to the same report.

`summarise()` groups similar questions (rapidfuzz over normalised text) and counts them;
`python -m bot report` and the admin's `/report` both print `format_report()`.

Nothing here imports telegram: the console, the report command and the bot all use it.
"""

from __future__ import annotations

import json
import time
import uuid
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from .engine import Answer
from .settings import Settings
from .sqlite_file import close_sqlite, open_sqlite
from .text import normalise

# Answers scoring below this (0..100) are recorded as well as declines: the engine answered,
# but a maintainer should check whether an alias or a fact is missing.
LOW_CONFIDENCE_BELOW = 80.0
# Questions at least this similar (rapidfuzz token_set_ratio of normalised texts) are one group.
GROUP_SIMILARITY = 85.0
# The shared store keeps this many of the newest records; SQLite keeps them this long.
MAX_SHARED_RECORDS = 100_000
KEEP_SECONDS = 365 * 24 * 3600
MAX_QUESTION_CHARS = 500  # a pasted essay is one question, not a storage problem
REDIS_KEY = "kzbot:unanswered"
DAY_SECONDS = 24 * 3600

_SCHEMA = """
CREATE TABLE IF NOT EXISTS unanswered (
    asked REAL NOT NULL,
    text TEXT NOT NULL,
    lang TEXT NOT NULL,
    score REAL NOT NULL,
    candidates TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS unanswered_asked ON unanswered (asked);
"""


@dataclass(frozen=True)
class UnansweredQuestion:
    """One recorded question. There is deliberately no user or chat id."""

    text: str
    lang: str
    asked: float  # Unix time
    score: float
    candidates: tuple[str, ...] = ()


def needs_attention(answer: Answer) -> bool:
    """Declined, or answered with low confidence."""
    return not answer.answered or answer.score < LOW_CONFIDENCE_BELOW


class UnansweredLog(ABC):
    """Where unanswered questions are kept."""

    def record(self, answer: Answer, now: float | None = None) -> bool:
        """Keep the question if it needs a maintainer's attention; True if it was kept."""
        if not needs_attention(answer) or not answer.question.strip():
            return False
        self.add(
            UnansweredQuestion(
                text=answer.question.strip()[:MAX_QUESTION_CHARS],
                lang=answer.lang,
                asked=time.time() if now is None else now,
                score=answer.score,
                candidates=tuple(answer.candidates),
            )
        )
        return True

    @abstractmethod
    def add(self, question: UnansweredQuestion) -> None: ...

    @abstractmethod
    def since(self, start: float) -> list[UnansweredQuestion]:
        """Every question recorded at or after `start` (Unix time)."""

    def close(self) -> None:  # noqa: B027 - most logs hold nothing to close
        pass


class NoUnansweredLog(UnansweredLog):
    """Recording switched off (RECORD_UNANSWERED=0)."""

    def record(self, answer: Answer, now: float | None = None) -> bool:
        return False

    def add(self, question: UnansweredQuestion) -> None:
        pass

    def since(self, start: float) -> list[UnansweredQuestion]:
        return []


class SqliteUnansweredLog(UnansweredLog):
    """One small SQLite file, separate from the bot state: it holds no ids of anyone."""

    def __init__(self, path: str | Path) -> None:
        self._db = open_sqlite(path, _SCHEMA)
        self._db.execute("DELETE FROM unanswered WHERE asked < ?", (time.time() - KEEP_SECONDS,))

    def add(self, question: UnansweredQuestion) -> None:
        self._db.execute(
            "INSERT INTO unanswered VALUES (?, ?, ?, ?, ?)",
            (
                question.asked,
                question.text,
                question.lang,
                question.score,
                json.dumps(question.candidates),
            ),
        )

    def since(self, start: float) -> list[UnansweredQuestion]:
        rows = self._db.execute(
            "SELECT text, lang, asked, score, candidates FROM unanswered "
            "WHERE asked >= ? ORDER BY asked",
            (start,),
        ).fetchall()
        return [
            UnansweredQuestion(t, lang, a, s, tuple(json.loads(c))) for t, lang, a, s, c in rows
        ]

    def close(self) -> None:
        close_sqlite(self._db)


class RedisUnansweredLog(UnansweredLog):
    """A sorted set by time in the shared Redis, so all replicas feed one report."""

    def __init__(self, url: str, client: Any = None) -> None:
        if client is None:
            import redis  # only where a shared store is configured

            client = redis.Redis.from_url(url, decode_responses=True)
        self._redis = client

    def add(self, question: UnansweredQuestion) -> None:
        member = json.dumps(
            {
                "id": uuid.uuid4().hex,  # two identical questions in one instant stay two
                "text": question.text,
                "lang": question.lang,
                "asked": question.asked,
                "score": question.score,
                "candidates": list(question.candidates),
            },
            ensure_ascii=False,
        )
        pipe = self._redis.pipeline()
        pipe.zadd(REDIS_KEY, {member: question.asked})
        pipe.zremrangebyrank(REDIS_KEY, 0, -MAX_SHARED_RECORDS - 1)
        pipe.execute()

    def since(self, start: float) -> list[UnansweredQuestion]:
        found = []
        for member in self._redis.zrangebyscore(REDIS_KEY, start, "+inf"):
            data = json.loads(member)
            found.append(
                UnansweredQuestion(
                    data["text"],
                    data["lang"],
                    data["asked"],
                    data["score"],
                    tuple(data["candidates"]),
                )
            )
        return found

    def close(self) -> None:
        self._redis.close()


def open_unanswered_log(settings: Settings) -> UnansweredLog:
    """The log the settings ask for: off, the shared store, or the local SQLite file."""
    if not settings.record_unanswered:
        return NoUnansweredLog()
    if settings.state_url:
        return RedisUnansweredLog(settings.state_url)
    return SqliteUnansweredLog(settings.unanswered_file)


# --- the report ----------------------------------------------------------------------------


@dataclass
class QuestionGroup:
    """Similar questions counted together, shown by their most frequent wording."""

    text: str
    count: int = 0
    langs: Counter[str] = field(default_factory=Counter)
    candidates: Counter[str] = field(default_factory=Counter)
    best_score: float = 0.0
    last_asked: float = 0.0
    variants: Counter[str] = field(default_factory=Counter)

    def add(self, question: UnansweredQuestion) -> None:
        self.count += 1
        self.langs[question.lang] += 1
        self.candidates.update(question.candidates)
        self.best_score = max(self.best_score, question.score)
        self.last_asked = max(self.last_asked, question.asked)
        self.variants[question.text] += 1


def _key(text: str) -> str:
    return " ".join(normalise(text).split()).strip(" ?!.")


def summarise(
    questions: Iterable[UnansweredQuestion], top: int | None = None
) -> list[QuestionGroup]:
    """Group similar questions, most frequent group first.

    The most frequent wording founds a group and takes every other wording at least
    GROUP_SIMILARITY alike; then the next most frequent wording left over, and so on.
    """
    by_key: dict[str, list[UnansweredQuestion]] = {}
    for question in questions:
        by_key.setdefault(_key(question.text), []).append(question)
    left = sorted(by_key, key=lambda k: (-len(by_key[k]), k))
    groups: list[QuestionGroup] = []
    while left:
        founder, rest = left[0], left[1:]
        alike = {
            choice
            for choice, _score, _index in process.extract(
                founder,
                rest,
                scorer=fuzz.token_set_ratio,
                score_cutoff=GROUP_SIMILARITY,
                limit=None,
            )
        }
        group = QuestionGroup(text="")
        for key in (founder, *alike):
            for question in by_key[key]:
                group.add(question)
        group.text = group.variants.most_common(1)[0][0]
        groups.append(group)
        left = [key for key in rest if key not in alike]
    groups.sort(key=lambda g: (-g.count, -g.last_asked))
    return groups[:top] if top else groups


def format_report(groups: Sequence[QuestionGroup], days: float, total: int) -> str:
    """Plain text: one block per group, the most frequent first."""
    period = f"the last {days:g} day{'s' if days != 1 else ''}"
    if not groups:
        return f"No unanswered questions in {period}."
    lines = [f"Unanswered questions in {period}: {total}. Most frequent first, similar grouped:"]
    for rank, group in enumerate(groups, 1):
        langs = ",".join(lang for lang, _ in group.langs.most_common())
        lines.append(
            f"{rank}. {group.count}× [{langs}] {group.text!r} (best score {group.best_score:g})"
        )
        if group.candidates:
            near = ", ".join(topic for topic, _ in group.candidates.most_common(3))
            lines.append(f"   near: {near}")
        others = [text for text, _ in group.variants.most_common() if text != group.text]
        if others:
            shown = "; ".join(repr(text) for text in others[:3])
            more = f" and {len(others) - 3} more" if len(others) > 3 else ""
            lines.append(f"   also: {shown}{more}")
    return "\n".join(lines)


def report(log: UnansweredLog, days: float, top: int, now: float | None = None) -> str:
    """The summary `python -m bot report` prints and `/report` sends."""
    now = time.time() if now is None else now
    questions = log.since(now - days * DAY_SECONDS)
    return format_report(summarise(questions, top), days, len(questions))
