"""The matcher's language data (bot/lexicon/*.yaml), read once into fast lookups."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .loader import parse_yaml
from .text import LANGS, normalise, stem_for, words

LEXICON_DIR = Path(__file__).resolve().parent / "lexicon"
FOCUSES = ("when", "where", "who", "why", "how_many")


@dataclass(frozen=True)
class Lexicon:
    """Stop words, focus words, follow-up markers, off-domain words and synonym concepts."""

    stop: frozenset[str]
    focus: dict[str, str]
    followup: frozenset[str]
    off_domain: frozenset[str]
    concepts: dict[str, str]  # stem -> "=concept"
    roles: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    # phrases of several words ("how many", "took part"): word tuple -> "focus:KIND" or "role:ROLE"
    phrases: dict[tuple[str, ...], str] = field(default_factory=dict)
    asked_roles: dict[str, str] = field(default_factory=dict)  # "hosted" -> "host"

    def concept(self, stem: str) -> str:
        """The canonical term for a stem: its synonym group, or the stem itself."""
        return self.concepts.get(stem, stem)


def _forms(word: str, lang: str) -> set[str]:
    """A lexicon word as written and as stemmed, so inflected questions still meet it."""
    return {word, stem_for(word, lang)}


def _entries(value: str | list[str]) -> list[str]:
    items = value.split() if isinstance(value, str) else value
    return [w for item in items for w in words(normalise(str(item)))]


@cache
def load_lexicon(directory: Path = LEXICON_DIR) -> Lexicon:
    stop: set[str] = set()
    focus: dict[str, str] = {}
    followup: set[str] = set()
    off_domain: set[str] = set()
    concepts: dict[str, str] = {}
    roles: set[str] = set()
    countries: set[str] = set()
    phrases: dict[tuple[str, ...], str] = {}
    asked_roles: dict[str, str] = {}
    for lang in LANGS:
        data = parse_yaml((directory / f"{lang}.yaml").read_text(encoding="utf-8"))
        for word in _entries(data.get("stopwords", "")):
            stop |= _forms(word, lang)
        for name, items in (data.get("focus") or {}).items():
            for word in _entries(items):
                for form in _forms(word, lang):
                    focus.setdefault(form, name)
        for name, items in (data.get("focus_phrases") or {}).items():
            for item in items:
                phrases.setdefault(tuple(words(normalise(str(item)))), f"focus:{name}")
        for role, items in (data.get("who_roles") or {}).items():
            for item in items:
                found = tuple(words(normalise(str(item))))
                if len(found) > 1:
                    phrases.setdefault(found, f"role:{role}")
                for form in _forms(found[0], lang) if len(found) == 1 else ():
                    asked_roles.setdefault(form, role)
        followup.update(_entries(data.get("followup", [])))
        for word in _entries(data.get("off_domain", [])):
            off_domain |= _forms(word, lang)
        for word in _entries(data.get("roles", [])):
            roles |= _forms(word, lang)
        for word in _entries(data.get("countries", [])):
            countries |= _forms(word, lang)
        for concept, items in (data.get("synonyms") or {}).items():
            # one-word entries only: a phrase's words alone ("peace" of "peace talks") differ
            for item in items:
                found = words(normalise(str(item)))
                if len(found) == 1:
                    concepts.setdefault(stem_for(found[0], lang), f"={concept}")
    # a focus word ("when", "year") is never a topic word, even where a stemmer conflates it
    return Lexicon(
        stop=frozenset(stop - set(focus)),
        focus=focus,
        followup=frozenset(followup),
        off_domain=frozenset(off_domain - set(concepts)),
        concepts=concepts,
        roles=frozenset(roles),
        countries=frozenset(countries),
        phrases=phrases,
        asked_roles=asked_roles,
    )
