"""The fact base's schema: what a topic file may hold.

Plain frozen dataclasses, so that answering a question never needs pydantic; the loader
validates files into them with pydantic (which reads these classes and their checks)
only when it actually parses YAML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .dates import DateSpan
from .text import LANGS

ID_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,31}")  # a Telegram command: lowercase, ≤ 32 chars
BUTTON_CHARS = 30  # a button label wider than this is cut with "…" on a phone
STRICT = {"extra": "forbid"}  # pydantic config: a misspelt key is an error, never dropped data


def _check_id(value: str, what: str) -> None:
    if not ID_PATTERN.fullmatch(value):
        raise ValueError(
            f"{what} id {value!r} must be lowercase letters, digits and underscores, "
            "starting with a letter, at most 32 characters"
        )


@dataclass(frozen=True)
class Localized:
    """A text in English (required), Russian and Kazakh (each falls back to English)."""

    __pydantic_config__ = STRICT

    en: str
    ru: str | None = None
    kk: str | None = None

    def __post_init__(self) -> None:
        for lang in LANGS:
            value = getattr(self, lang)
            if value is not None and not value.strip():
                raise ValueError(f"the {lang} text must not be empty")

    def get(self, lang: str) -> str:
        return (getattr(self, lang, None) or self.en).strip()

    def missing(self) -> list[str]:
        return [lang for lang in LANGS if not getattr(self, lang)]


@dataclass(frozen=True)
class LocalizedWords:
    """Matching vocabulary per language: words and phrases people use for a topic or fact."""

    __pydantic_config__ = STRICT

    en: tuple[str, ...] = ()
    ru: tuple[str, ...] = ()
    kk: tuple[str, ...] = ()

    def items(self) -> list[tuple[str, str]]:
        return [(lang, word) for lang in LANGS for word in getattr(self, lang)]


ROLES = ("actor", "host", "parties", "organisers", "leaders")


@dataclass(frozen=True)
class Roles:
    """Who did what in a fact, each role only where the source names it.

    Separate roles, because a "who" answer that names the host when asked for the
    negotiating parties (or the mediator when asked for the sides) is false.
    """

    __pydantic_config__ = STRICT

    actor: Localized | None = None  # who acted, mediated, urged, helped
    host: Localized | None = None  # who hosted the talks
    parties: Localized | None = None  # who took part: the negotiating parties, participants
    organisers: Localized | None = None  # who organised
    # who led or headed it (a delegation, the talks): the source names none, so that "who
    # headed the Syrian delegation?" is declined, never answered with the host
    leaders: Localized | None = None

    def __post_init__(self) -> None:
        if not self.named():
            raise ValueError(f"who: name at least one role of {', '.join(ROLES)}")

    def named(self) -> list[tuple[str, Localized]]:
        """The roles the source names, in ROLES order."""
        return [(role, text) for role in ROLES if (text := getattr(self, role)) is not None]


@dataclass(frozen=True)
class Fact:
    """One statement of the source document; dated events carry a structured date."""

    __pydantic_config__ = STRICT

    id: str
    text: Localized
    date: DateSpan | None = None
    place: Localized | None = None
    who: Roles | None = None
    reason: Localized | None = None
    count: Localized | None = None  # how many, in words: "two rounds of negotiations"
    keywords: LocalizedWords = LocalizedWords()
    source: Localized | None = None

    def __post_init__(self) -> None:
        _check_id(self.id, "fact")

    def details(self) -> list[tuple[str, Localized]]:
        """Every short text that answers a question about this fact, named for messages."""
        found = [(name, getattr(self, name)) for name in ("place", "reason", "count")]
        found += [(f"who.{role}", text) for role, text in (self.who.named() if self.who else [])]
        return [(name, text) for name, text in found if text is not None]


@dataclass(frozen=True)
class Topic:
    """One initiative: a file in knowledge/, and a slash command in the bot."""

    __pydantic_config__ = STRICT

    id: str
    title: Localized
    summary: Localized
    source: Localized  # the document cited, as named in each reply language
    facts: tuple[Fact, ...]
    order: int = 100
    related: tuple[str, ...] = ()
    keywords: LocalizedWords = LocalizedWords()
    short_title: Localized | None = None  # for buttons; the title when missing

    def __post_init__(self) -> None:
        _check_id(self.id, "topic")
        if not self.facts:
            raise ValueError("a topic needs at least one fact")
        for lang in LANGS:
            short = getattr(self.short_title, lang, None) or ""
            if len(short.strip()) > BUTTON_CHARS:
                raise ValueError(
                    f"the {lang} short_title must be at most {BUTTON_CHARS} characters "
                    "(it labels a button)"
                )

    def button_title(self, lang: str) -> str:
        """The name on a button: the short title, else the title."""
        return (self.short_title or self.title).get(lang)

    def source_of(self, fact: Fact) -> Localized:
        return fact.source or self.source

    def facts_by_date(self) -> list[Fact]:
        """Dated facts in date order, then the undated ones in file order."""
        dated = sorted((f for f in self.facts if f.date), key=lambda f: f.date.first_day)
        return dated + [f for f in self.facts if not f.date]
