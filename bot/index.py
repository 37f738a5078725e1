"""The search index: every term of the fact base, which topics and facts it points at, how strongly.

Built once per fact base. A question's words are resolved to terms here (exactly, by
stem, through transliteration, or fuzzily with rapidfuzz), so answering never loops
over facts in Python.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field

from .lexicon import Lexicon, load_lexicon
from .loader import KnowledgeBase
from .schema import Localized, LocalizedWords
from .text import (
    LANGS,
    fold_kazakh,
    is_cyrillic,
    kazakh_skeleton,
    latin_to_cyrillic,
    normalise,
    skeleton_stems,
    stem_for,
    stems,
    words,
)

# how much each part of a topic file says about the topic, and about the fact
TOPIC_WEIGHTS = {"keywords": 1.0, "title": 1.0, "summary": 0.5}
FACT_WEIGHTS = {"keywords": 1.0, "text": 1.0, "detail": 0.8}
FACT_TEXT_TOPIC_WEIGHT = 0.6  # a fact's words also say something about its topic

TRANSLIT_SIMILARITY = 0.95
FUZZY_MIN_LENGTH = 3
RESOLVE_CACHE_SIZE = 50_000
MIN_EVIDENCE = 0.01


def pair_term(first: str, second: str) -> str:
    """The term for two adjacent terms."""
    return f"{first}|{second}"


@dataclass(frozen=True)
class Match:
    """A question word resolved to an index term, with how sure the resolution is (0..1)."""

    word: str
    term: str
    similarity: float
    translit: bool = False  # found by reading a Latin word as Russian typed in Latin letters


@dataclass
class Index:
    """Terms with their topic and fact weights, and the surface words used for fuzzy lookup."""

    lexicon: Lexicon
    topic_terms: dict[str, dict[str, float]] = field(default_factory=lambda: defaultdict(dict))
    fact_terms: dict[str, dict[str, float]] = field(default_factory=lambda: defaultdict(dict))
    surfaces: dict[str, str] = field(default_factory=dict)  # written word -> term
    # written words by first letter: a typo rarely hits the first letter, so fuzzy lookup
    # searches only the words that share it
    surfaces_by_initial: dict[str, list[str]] = field(default_factory=dict)
    # what one occurrence of a term says for each topic: its weight there, times its share
    topic_evidence: dict[str, dict[str, float]] = field(default_factory=dict)
    facts_per_term_in_topic: dict[tuple[str, str], int] = field(default_factory=dict)
    cache: dict[str, Match | None] = field(default_factory=dict)
    # Kazakh words as skeletons (text.kazakh_skeleton) -> term: Kazakh typed in Latin letters
    skeletons: dict[str, str] = field(default_factory=dict)
    skeletons_by_initial: dict[str, list[str]] = field(default_factory=dict)
    # while building: texts and words already taken apart (fact bases repeat them a lot)
    _text_terms: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    _word_terms: dict[tuple[str, str], str | None] = field(default_factory=dict)

    # --- building ---------------------------------------------------------------------------

    def _word_term(self, word: str, lang: str) -> str | None:
        """A word's term (None for numbers and stop words); records its surfaces the first time."""
        key = (word, lang)
        if key in self._word_terms:
            return self._word_terms[key]
        term = None
        if not (word.isdigit() or word in self.lexicon.stop):
            term = self.lexicon.concept(stem_for(word, lang), word)
            self.surfaces.setdefault(word, term)
            if lang == "kk":
                self.surfaces.setdefault(fold_kazakh(word), term)  # typed without Kazakh letters
                forms = skeleton_stems(kazakh_skeleton(word))
                self.skeletons.setdefault(forms[0], term)
                self.skeletons.setdefault(forms[-1], term)
        self._word_terms[key] = term
        return term

    def _terms(self, text: str, lang: str) -> tuple[str, ...]:
        """A text's terms and the pairs of adjacent ones, each once, in order of appearance."""
        key = (text, lang)
        if key not in self._text_terms:
            found = (self._word_term(word, lang) for word in words(normalise(text)))
            terms = [term for term in found if term is not None]
            # adjacent pairs ("security council", "world war") are terms too: rarer, so sharper
            pairs = [pair_term(a, b) for a, b in itertools.pairwise(terms)]
            self._text_terms[key] = tuple(dict.fromkeys(terms + pairs))
        return self._text_terms[key]

    def _add(
        self, text: str, lang: str, topic: str, topic_w: float, fact: str | None, fact_w: float
    ):
        topic_terms, fact_terms = self.topic_terms, self.fact_terms
        for term in self._terms(text, lang):  # the heaviest loop of indexing: kept bare
            postings = topic_terms[term]
            old = postings.get(topic, 0.0)
            postings[topic] = topic_w if topic_w > old else old  # the larger weight
            if fact is not None:
                postings = fact_terms[term]
                old = postings.get(fact, 0.0)
                postings[fact] = fact_w if fact_w > old else old

    def _add_localized(self, value: Localized | None, *args) -> None:
        if value is not None:
            for lang in LANGS:
                text = getattr(value, lang)
                if text:
                    self._add(text, lang, *args)

    def _add_words(self, value: LocalizedWords, *args) -> None:
        for lang, phrase in value.items():
            self._add(phrase, lang, *args)

    def _finish(self, kb: KnowledgeBase) -> None:
        for term, postings in self.topic_terms.items():
            total = sum(postings.values())
            evidence = {t: w * w / total for t, w in postings.items()}
            # a word spread over hundreds of topics says next to nothing for each: leave it out,
            # so that answering never walks long postings
            self.topic_evidence[term] = {t: e for t, e in evidence.items() if e >= MIN_EVIDENCE}
        topic_of = {fact_id: topic.id for fact_id, (topic, _) in kb.facts.items()}
        for term, postings in self.fact_terms.items():
            for fact_id in postings:
                key = (term, topic_of[fact_id])
                self.facts_per_term_in_topic[key] = self.facts_per_term_in_topic.get(key, 0) + 1
        self._text_terms.clear()
        self._word_terms.clear()
        for word in self.surfaces:
            self.surfaces_by_initial.setdefault(word[0], []).append(word)
        for skeleton in self.skeletons:
            self.skeletons_by_initial.setdefault(skeleton[0], []).append(skeleton)
        self.topic_terms = dict(self.topic_terms)
        self.fact_terms = dict(self.fact_terms)

    # --- looking up -------------------------------------------------------------------------

    def resolve(self, word: str) -> Match | None:
        """The term a question word means, or None for a word the fact base never uses."""
        if word not in self.cache:
            if len(self.cache) >= RESOLVE_CACHE_SIZE:
                self.cache.clear()
            self.cache[word] = self._resolve(word)
        return self.cache[word]

    def _exact(self, word: str) -> str | None:
        if word in self.surfaces:
            return self.surfaces[word]
        term = self.lexicon.word_concepts.get(word)
        if term in self.topic_terms:
            return term
        for stem in stems(word):
            term = self.lexicon.concept(stem)
            if term in self.topic_terms:
                return term
        return None

    def resolve_kazakh(self, skeleton: str, fuzzy: bool = True) -> Match | None:
        """The term a Kazakh word typed in Latin letters means, given as its skeleton;
        without `fuzzy`, only an exact skeleton or one of its stems."""
        key = ("\x00" if fuzzy else "\x01") + skeleton  # one cache for every kind of look-up
        if key not in self.cache:
            if len(self.cache) >= RESOLVE_CACHE_SIZE:
                self.cache.clear()
            self.cache[key] = self._resolve_kazakh(skeleton, fuzzy)
        return self.cache[key]

    def _resolve_kazakh(self, skeleton: str, fuzzy: bool) -> Match | None:
        concepts = self.lexicon.kazakh_latin
        for form in skeleton_stems(skeleton):
            term = self.skeletons.get(form)
            if term is None and concepts.get(form, "").startswith("="):
                term = concepts[form] if concepts[form] in self.topic_terms else None
            if term is not None:
                return Match(skeleton, term, 1.0)
        found = self._fuzzy(skeleton, self.skeletons_by_initial, self.skeletons) if fuzzy else None
        return Match(skeleton, *found) if found else None

    def _fuzzy(
        self,
        word: str,
        by_initial: dict[str, list[str]] | None = None,
        terms: dict[str, str] | None = None,
    ) -> tuple[str, float] | None:
        """The closest written word within a typo or two, with its similarity."""
        by_initial = self.surfaces_by_initial if by_initial is None else by_initial
        terms = self.surfaces if terms is None else terms
        choices = by_initial.get(word[:1])
        if len(word) < FUZZY_MIN_LENGTH or not choices:
            return None
        # a typo is an edit or two (a swap counts once); "convention" is not "convening"
        edits = 1 if len(word) <= 5 else 2 if len(word) <= 10 else 3
        from rapidfuzz import process  # only typos need it: exact starts skip the import
        from rapidfuzz.distance import OSA

        for choice, distance, _ in process.extract(
            word, choices, scorer=OSA.distance, score_cutoff=edits, limit=5
        ):
            # a three-letter word only by a missing letter ("irn"): "not" is not "non"
            if len(word) > 3 or len(choice) == 4:
                return terms[choice], 1 - distance / max(len(word), len(choice))
        return None

    def _resolve(self, word: str) -> Match | None:
        term = self._exact(word)
        if term:
            return Match(word, term, 1.0)
        if not is_cyrillic(word) and word.isalpha():
            cyrillic = latin_to_cyrillic(word)
            term = self._exact(cyrillic)
            if term:
                return Match(word, term, TRANSLIT_SIMILARITY, translit=True)
            found = self._fuzzy(word)
            if found:
                return Match(word, *found, translit=is_cyrillic(found[0]))
            found = self._fuzzy(cyrillic) if len(word) > 4 else None
            if found:
                return Match(word, found[0], found[1] * TRANSLIT_SIMILARITY, translit=True)
            return None
        found = self._fuzzy(word) if is_cyrillic(word) else None
        if found:
            return Match(word, *found)
        # Kazakh endings the stemmer left: try the word without its last letters
        if is_cyrillic(word):
            for cut in range(1, min(4, len(word) - 4) + 1):
                term = self._exact(word[:-cut])
                if term:
                    return Match(word, term, 0.9)
        return None


def build_index(kb: KnowledgeBase, lexicon: Lexicon | None = None) -> Index:
    """Index every title, summary, keyword and fact text of a fact base, in every language."""
    index = Index(lexicon or load_lexicon())
    for topic in kb.topics.values():
        index._add_localized(topic.title, topic.id, TOPIC_WEIGHTS["title"], None, 0.0)
        index._add_localized(topic.summary, topic.id, TOPIC_WEIGHTS["summary"], None, 0.0)
        index._add_words(topic.keywords, topic.id, TOPIC_WEIGHTS["keywords"], None, 0.0)
        # the topic id itself is what people type after a slash or in inline mode
        index._add(topic.id.replace("_", " "), "en", topic.id, 1.0, None, 0.0)
        for fact in topic.facts:
            index._add_localized(
                fact.text, topic.id, FACT_TEXT_TOPIC_WEIGHT, fact.id, FACT_WEIGHTS["text"]
            )
            index._add_words(
                fact.keywords, topic.id, FACT_TEXT_TOPIC_WEIGHT, fact.id, FACT_WEIGHTS["keywords"]
            )
            for _, detail in fact.details():
                index._add_localized(
                    detail, topic.id, FACT_TEXT_TOPIC_WEIGHT, fact.id, FACT_WEIGHTS["detail"]
                )
    index._finish(kb)
    return index
