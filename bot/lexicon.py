"""The matcher's language data (bot/lexicon/*.yaml), read once into fast lookups."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from .text import (
    KAZAKH_LETTERS,
    LANGS,
    kazakh_skeleton,
    normalise,
    skeleton_stems,
    stem_for,
    stems,
    words,
)
from .yaml_reader import parse_yaml

LEXICON_DIR = Path(__file__).resolve().parent / "lexicon"
# "how_many" asks for a count: only a fact that states one (see Engine.counted) answers it
MAX_PHRASE = 3  # words
FOCUSES = ("when", "where", "who", "why", "how_many")


@dataclass(frozen=True)
class Lexicon:
    """Stop words, focus words, follow-up markers, off-domain words and synonym concepts."""

    stop: frozenset[str]
    focus: dict[str, str]  # nouns that name a detail: "year", "city", "reason"
    followup: frozenset[str]
    off_domain: frozenset[str]
    concepts: dict[str, str]  # stem -> "=concept"
    roles: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    # question words: "when", "где", "қашан"; they beat focus nouns
    asks: dict[str, str] = field(default_factory=dict)
    # words that ask what the next word names: "which year", "в каком городе", "қай жылы"
    which: frozenset[str] = frozenset()
    loose: frozenset[str] = frozenset()  # "which" words that ask loosely: "what", "қандай"
    # entries of two or three words ("how many", "не үшін", "belarusian capital"): their kind
    # as _classify says it, or "=concept"
    phrases: dict[tuple[str, ...], str] = field(default_factory=dict)
    # Kazakh words as skeletons (see text.kazakh_skeleton) -> their kind or "=concept":
    # how a question typed in Latin letters meets the Kazakh lexicon
    kazakh_latin: dict[str, str] = field(default_factory=dict)
    # words that mark a text as Kazakh, as skeletons
    kazakh_markers: frozenset[str] = frozenset()
    # Kazakh words spelled with Kazakh letters (ә, қ, і...), as skeletons: typed
    # on a Russian keyboard ("келисоз"), they are still no Russian word
    kazakh_lettered: frozenset[str] = frozenset()
    # words that state a count ("two", "millions", "second"): what "how many" needs
    numbers: frozenset[str] = frozenset()
    closing: frozenset[str] = frozenset()  # "thanks", "рахмет": the asker is done
    # follow-up words asking beyond the last answer: "anything *else*?"
    beyond: frozenset[str] = frozenset()
    # role words of a "who" question: "hosted" asks for the host (see Engine._role)
    asked_roles: dict[str, str] = field(default_factory=dict)
    # event words of a "when" question ("signed", "elected"), as written and stemmed, and
    # phrases ("took place") as their words: the event a date belongs to (see Engine.event)
    events: dict[str, str] = field(default_factory=dict)
    event_phrases: dict[tuple[str, ...], str] = field(default_factory=dict)
    # words asking how precise a date is: "day" ("on what day"), "years" ("which years")
    precision: dict[str, frozenset[str]] = field(default_factory=dict)

    # one-word synonyms as written: they decide before the stem, where two groups share one
    word_concepts: dict[str, str] = field(default_factory=dict)
    # the versions of the files it was read from (lexicon_stamp): an engine built from another
    # reuses the other's lexicon while they are unchanged, rather than reading it again
    stamp: str = field(default="", compare=False)

    def concept(self, stem: str, word: str | None = None) -> str:
        """The canonical term for a word with this stem: its synonym group, or the stem."""
        if word is not None and word in self.word_concepts:
            return self.word_concepts[word]
        return self.concepts.get(stem, stem)


def _forms(word: str, lang: str) -> set[str]:
    """A lexicon word as written and as stemmed, so inflected questions still meet it."""
    return {word, stem_for(word, lang)}


def _entries(value: str | list[str]) -> list[str]:
    items = value.split() if isinstance(value, str) else value
    return [w for item in items for w in words(normalise(str(item)))]


def _items(value: str | list[str] | None) -> list[list[str]]:
    """Each entry as its words: a phrase ("how many") stays together."""
    items = (value or "").split() if isinstance(value, str | None) else value
    return [found for item in items if (found := words(normalise(str(item))))]


def lexicon_stamp(directory: Path = LEXICON_DIR) -> str:
    """Which versions of the lexicon's files are there: their sizes and times, as .pyc do."""
    lines = []
    for lang in LANGS:
        status = (directory / f"{lang}.yaml").stat()
        lines.append(f"{lang}\t{status.st_size}\t{status.st_mtime_ns}")
    return "\n".join(lines)


@cache
def load_lexicon(directory: Path = LEXICON_DIR) -> Lexicon:
    stamp = lexicon_stamp(directory)  # before reading: a change meanwhile shows next time
    stop: set[str] = set()
    focus: dict[str, str] = {}
    asks: dict[str, str] = {}
    which: set[str] = set()
    loose: set[str] = set()
    phrases: dict[tuple[str, ...], str] = {}
    followup: set[str] = set()
    off_domain: set[str] = set()
    concepts: dict[str, str] = {}
    word_concepts: dict[str, str] = {}
    roles: set[str] = set()
    countries: set[str] = set()
    kazakh_latin: dict[str, str] = {}
    numbers: set[str] = set()
    closing: set[str] = set()
    beyond: set[str] = set()
    precision: dict[str, set[str]] = {}

    lettered: set[str] = set()

    def kazakh(word: str, kind: str) -> None:
        forms = skeleton_stems(kazakh_skeleton(word))
        if any(ch in KAZAKH_LETTERS for ch in word):
            lettered.add(forms[0])  # not its stems: "оппозициялық" makes no "оппозиция" Kazakh
        # a function word as written; a content word by its stem too ("kelissozderi")
        for form in (forms[0], forms[-1]) if kind.startswith(("=", "off")) else forms[:1]:
            kazakh_latin.setdefault(form, kind)

    def phrase(found: list[str], kind: str, lang: str) -> None:
        phrases.setdefault(tuple(found), kind)
        # and inflected: "столицу беларуси" as "столице беларуси"
        for stemmed in itertools.product(*({stem_for(w, lang), *stems(w)} for w in found)):
            phrases.setdefault(stemmed, kind)
        if lang == "kk":  # and as typed in Latin letters
            phrases.setdefault(tuple(kazakh_skeleton(word) for word in found), kind)

    asked_roles: dict[str, str] = {}
    events: dict[str, str] = {}
    event_phrases: dict[tuple[str, ...], str] = {}
    for lang in LANGS:
        data = parse_yaml((directory / f"{lang}.yaml").read_text(encoding="utf-8"))
        for word in _entries(data.get("stopwords", "")):
            # a stem of three letters or less would swallow content words: "қалың" is "қал",
            # as is "қалпына"
            stop |= {form for form in _forms(word, lang) if form == word or len(form) > 3}
        for word in _entries(data.get("which", [])):
            which.add(word)
            if lang == "kk":
                kazakh(word, "which")
        loose.update(_entries(data.get("loose", [])))
        for section, target, kind in (("ask", asks, "ask"), ("focus", focus, "focus")):
            for name, items in (data.get(section) or {}).items():
                for found in _items(items):
                    if len(found) > 1:  # "how many", "what number of"
                        phrase(found, f"{kind}:{name}", lang)
                        continue
                    # as with stop words: a stem of three letters would take in content words
                    # («қайда» is «қай», as «қайта» and «қайшылық» are)
                    for form in _forms(found[0], lang):
                        if form == found[0] or len(form) > 3:
                            target.setdefault(form, name)
                    if lang == "kk":
                        kazakh(found[0], f"{kind}:{name}")
        for found in _items(data.get("followup", [])):
            if len(found) > 1:
                phrase(found, "followup", lang)
            else:
                followup.update(found)
                if lang == "kk":
                    kazakh(found[0], "followup")
        for found in _items(data.get("off_domain", [])):
            if len(found) > 1:  # "how do I": asks for instructions
                phrase(found, "off", lang)
                continue
            off_domain |= _forms(found[0], lang)
            if lang == "kk":
                kazakh(found[0], "off")
        for word in _entries(data.get("stop_as_written", [])):
            stop.add(word)
            if lang == "kk":
                kazakh(word, "stop")
        for word in _entries(data.get("off_domain_as_written", [])):
            off_domain.add(word)
            if lang == "kk":
                kazakh_latin.setdefault(skeleton_stems(kazakh_skeleton(word))[0], "off")
        numbers.update(_entries(data.get("numbers", [])))
        closing.update(_entries(data.get("closing", [])))
        beyond.update(_entries(data.get("beyond", [])))
        for name, items in (data.get("precision") or {}).items():
            precision.setdefault(name, set()).update(_entries(items))
        for role, items in (data.get("who_roles") or {}).items():
            for found in _items(items):
                if len(found) > 1:
                    phrases.setdefault(tuple(found), f"role:{role}")
                for form in _forms(found[0], lang) if len(found) == 1 else ():
                    asked_roles.setdefault(form, role)
        for event, items in (data.get("events") or {}).items():
            for found in _items(items):
                if len(found) > 1:
                    event_phrases.setdefault(tuple(found), event)
                    continue
                # Kazakh stems are too short to tell events apart ("жасалды", "жасады")
                for form in {found[0]} if lang == "kk" else _forms(found[0], lang):
                    events.setdefault(form, event)
        for word in _entries(data.get("roles", [])):
            roles |= _forms(word, lang)
        for word in _entries(data.get("countries", [])):
            countries |= _forms(word, lang)
        for concept, items in (data.get("synonyms") or {}).items():
            # a phrase is read as a whole: its words alone ("peace" of "peace talks") differ
            for item in items:
                found = words(normalise(str(item)))
                if 1 < len(found) <= MAX_PHRASE:
                    phrase(found, f"={concept}", lang)
                if len(found) == 1:
                    stem = stem_for(found[0], lang)
                    # a stem that is a question word stands for it too: «қайшылық» is «қай»
                    # ("which"), as «қайта» is; the word then counts as written only
                    if stem not in which and stem not in asks:
                        concepts.setdefault(stem, f"={concept}")
                    word_concepts.setdefault(found[0], f"={concept}")
                    if lang == "kk":
                        kazakh(found[0], f"={concept}")
        if lang == "kk":
            for word in _entries(data.get("stopwords", "")):
                kazakh(word, "stop")
    markers = {k for k, kind in kazakh_latin.items() if not kind.startswith(("=", "off"))}
    # a focus word ("when", "year") is never a topic word, even where a stemmer conflates it
    return Lexicon(
        stop=frozenset(stop - set(focus) - set(asks)),
        focus=focus,
        followup=frozenset(followup),
        off_domain=frozenset(off_domain - set(concepts)),
        concepts=concepts,
        word_concepts=word_concepts,
        roles=frozenset(roles),
        countries=frozenset(countries),
        asks=asks,
        which=frozenset(which),
        loose=frozenset(loose),
        phrases=phrases,
        kazakh_latin=kazakh_latin,
        kazakh_markers=frozenset(markers),
        kazakh_lettered=frozenset(lettered),
        numbers=frozenset(numbers),
        closing=frozenset(closing),
        beyond=frozenset(beyond),
        asked_roles=asked_roles,
        events=events,
        event_phrases=event_phrases,
        precision={name: frozenset(group) for name, group in precision.items()},
        stamp=stamp,
    )
