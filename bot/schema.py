"""The fact base's schema: what a topic file may hold, checked by pydantic at load time."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, field_validator

from .dates import DateSpan, parse_date_spec
from .text import LANGS

ID_PATTERN = r"^[a-z][a-z0-9_]{0,31}$"  # a Telegram command: lowercase, at most 32 characters


class _Strict(BaseModel):
    """Unknown keys are errors, so a misspelt key never silently drops data."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


def _non_blank(value: str | None) -> str | None:
    if value is not None and not value.strip():
        raise ValueError("must not be empty")
    return value.strip() if value is not None else None


class Localized(_Strict):
    """A text in English (required), Russian and Kazakh (each falls back to English)."""

    en: str
    ru: str | None = None
    kk: str | None = None

    _check = field_validator("en", "ru", "kk")(_non_blank)

    def get(self, lang: str) -> str:
        return getattr(self, lang, None) or self.en

    def missing(self) -> list[str]:
        return [lang for lang in LANGS if not getattr(self, lang)]


class LocalizedWords(_Strict):
    """Matching vocabulary per language: words and phrases people use for a topic or fact."""

    en: list[str] = []
    ru: list[str] = []
    kk: list[str] = []

    def items(self) -> list[tuple[str, str]]:
        return [(lang, word) for lang in LANGS for word in getattr(self, lang)]


def _to_span(value: object) -> DateSpan | None:
    if value is None or isinstance(value, DateSpan):
        return value
    if isinstance(value, str | int):
        return parse_date_spec(value)
    raise ValueError(f"unknown date format {value!r}")


Date = Annotated[DateSpan | None, PlainValidator(_to_span)]


class Fact(_Strict):
    """One statement of the source document; dated events carry a structured date."""

    id: str = Field(pattern=ID_PATTERN)
    date: Date = None
    text: Localized
    place: Localized | None = None
    people: Localized | None = None
    reason: Localized | None = None
    keywords: LocalizedWords = LocalizedWords()
    source: str | None = None


class Topic(_Strict):
    """One initiative: a file in knowledge/, and a slash command in the bot."""

    id: str = Field(pattern=ID_PATTERN)
    order: int = 100
    title: Localized
    summary: Localized
    related: list[str] = []
    source: str
    keywords: LocalizedWords = LocalizedWords()
    facts: list[Fact] = Field(min_length=1)

    def source_of(self, fact: Fact) -> str:
        return fact.source or self.source

    def facts_by_date(self) -> list[Fact]:
        """Dated facts in date order, then the undated ones in file order."""
        dated = sorted((f for f in self.facts if f.date), key=lambda f: f.date.first_day)
        return dated + [f for f in self.facts if not f.date]
