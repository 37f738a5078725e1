"""The search index: every term of the fact base, which topics and facts it points at, how strongly.

Built once per fact base. A question's words are resolved to terms here (exactly, by
stem, through transliteration, or fuzzily with rapidfuzz), so answering never loops
over facts in Python.
"""

from __future__ import annotations

import struct
import sys
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import chain, compress, count, filterfalse, pairwise, repeat
from operator import (
    attrgetter,
    ge,
    getitem,
    is_,
    itemgetter,
    mul,
    not_,
    or_,
    truediv,
)

from .lexicon import Lexicon, load_lexicon
from .loader import KnowledgeBase, paused_gc
from .schema import Localized, LocalizedWords, Topic
from .text import (
    KAZAKH_ENDINGS,
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
TOPIC_WEIGHTS = {"keywords": 1.0, "title": 1.0, "summary": 0.5, "id": 1.0}
FACT_WEIGHTS = {"keywords": 1.0, "text": 1.0, "detail": 0.8}
FACT_TEXT_TOPIC_WEIGHT = 0.6  # a fact's words also say something about its topic
# every weight there is, lightest first: while a share is built, weights are their places here
_WEIGHTS = tuple(sorted({*TOPIC_WEIGHTS.values(), *FACT_WEIGHTS.values(), FACT_TEXT_TOPIC_WEIGHT}))
_WEIGHT_CODES = {weight: code for code, weight in enumerate(_WEIGHTS)}

TRANSLIT_SIMILARITY = 0.95
FUZZY_MIN_LENGTH = 3
RESOLVE_CACHE_SIZE = 50_000
MIN_EVIDENCE = 0.01
PATCH_AT_MOST = 16  # changed topics patched into the previous index; more: merged afresh


def pair_term(first: str, second: str) -> str:
    """The term for two adjacent terms."""
    return f"{first}|{second}"


_join_pair = "|".join  # pair_term over a (first, second) tuple, at C speed for indexing
_FACT_BITS = 20  # a fact's place: its topic's number, then its position among the topic's facts
_fact_id = attrgetter("id")


@dataclass(frozen=True)
class Match:
    """A question word resolved to an index term, with how sure the resolution is (0..1)."""

    word: str
    term: str
    similarity: float
    translit: bool = False  # found by reading a Latin word as Russian typed in Latin letters


@dataclass(frozen=True, eq=False)
class TopicShare:
    """One topic's part of the index, built from that topic alone.

    An edited topic file rebuilds only its own share; the others are reused as they are
    (see build_index). Terms are sorted, so looking one up is a bisection, and every
    term string is one object shared by all shares and the index.
    """

    topic: Topic  # what the share was built from: reused only for this very object
    terms: tuple[str, ...]  # every term of the topic, facts included, sorted
    weight_table: tuple[float, ...]  # the few weights there are: arrays below hold codes
    weights: array  # what each term says for the topic
    counts: array  # how many of the topic's facts use each term
    # fact i's terms are fact_terms[fact_offsets[i]:fact_offsets[i + 1]]: positions in terms
    fact_offsets: array
    fact_terms: array
    fact_weights: array  # what each of them says for the fact
    # written words in order of first use, one a line, and their terms (positions in terms)
    surface_words: str
    surface_terms: array
    # the same for the skeletons of its Kazakh words (text.kazakh_skeleton)
    skeleton_words: str
    skeleton_terms: array

    def _position(self, term: str) -> int:
        i = bisect_left(self.terms, term)
        return i if i < len(self.terms) and self.terms[i] == term else -1

    def count(self, term: str) -> int:
        """How many of the topic's facts use a term."""
        i = self._position(term)
        return self.counts[i] if i >= 0 else 0

    def fact_weight(self, fact: int, term: str) -> float | None:
        """What a term says for the topic's fact number `fact`, or None if it does not use it."""
        i = self._position(term)
        if i < 0:
            return None
        lo, hi = self.fact_offsets[fact], self.fact_offsets[fact + 1]
        j = bisect_left(self.fact_terms, i, lo, hi)
        if j < hi and self.fact_terms[j] == i:
            return self.weight_table[self.fact_weights[j]]
        return None

    def weight(self, term: str) -> float | None:
        """What a term says for the topic, or None if the topic does not use it."""
        i = self._position(term)
        return self.weight_table[self.weights[i]] if i >= 0 else None

    def topic_weights(self) -> list[float]:
        """What each term says for the topic, in the order of terms."""
        return list(map(self.weight_table.__getitem__, self.weights))


class Postings(Mapping[str, float]):
    """The topics a term points at, each with a value: a view into the index's flat arrays.

    Topics come in the fact base's order, as the dict this replaces had them.
    """

    __slots__ = ("_hi", "_lo", "_names", "_numbers", "_topics", "_values")

    def __init__(self, index: Index, topics: array, values: array, lo: int, hi: int) -> None:
        self._names, self._numbers = index.topic_ids, index.topic_numbers
        self._topics, self._values, self._lo, self._hi = topics, values, lo, hi

    def _at(self, name: object) -> int:
        number = self._numbers.get(name)  # type: ignore[call-overload]
        if number is None:
            return -1
        i = bisect_left(self._topics, number, self._lo, self._hi)
        return i if i < self._hi and self._topics[i] == number else -1

    def __getitem__(self, name: str) -> float:
        i = self._at(name)
        if i < 0:
            raise KeyError(name)
        return self._values[i]

    def get(self, name: str, default: float | None = None) -> float | None:  # type: ignore[override]
        i = self._at(name)
        return default if i < 0 else self._values[i]

    def __contains__(self, name: object) -> bool:
        return self._at(name) >= 0

    def __len__(self) -> int:
        return self._hi - self._lo

    def __iter__(self) -> Iterator[str]:
        return map(self._names.__getitem__, self._topics[self._lo : self._hi])

    def items(self) -> list[tuple[str, float]]:  # type: ignore[override]
        return list(zip(self, self._values[self._lo : self._hi], strict=True))


class _WeightsOfTerm:
    """What one term says for each topic of its postings, read from the topics' shares
    (answering never needs them: the index keeps no flat array of them)."""

    __slots__ = ("_index", "_term")

    def __init__(self, index: Index, term: str) -> None:
        self._index, self._term = index, term

    def __getitem__(self, i: int | slice) -> float | list[float]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self._index.topics)))]  # type: ignore[misc]
        share = self._index.shares[self._index.topic_ids[self._index.topics[i]]]
        return share.weight(self._term)  # type: ignore[return-value]


class _TermTable(Mapping[str, Postings]):
    """Term -> Postings: topics with their weights (values None), or with their evidence."""

    def __init__(self, index: Index, offsets: array, topics: array, values: array | None) -> None:
        self._index, self._offsets, self._topics, self._values = index, offsets, topics, values

    def get(self, term: str, default=None):  # type: ignore[override]
        i = self._index.term_id(term)
        if i < 0:
            return default
        values = _WeightsOfTerm(self._index, term) if self._values is None else self._values
        return Postings(self._index, self._topics, values, *self._offsets[i : i + 2])  # type: ignore[arg-type]

    def __getitem__(self, term: str) -> Postings:
        found = self.get(term)
        if found is None:
            raise KeyError(term)
        return found

    def __contains__(self, term: object) -> bool:
        return isinstance(term, str) and self._index.term_id(term) >= 0

    def __iter__(self) -> Iterator[str]:
        return iter(self._index.terms)

    def __len__(self) -> int:
        return len(self._index.terms)


class _FactPostings(Mapping[str, float]):
    """Fact id -> what one term says for that fact: looked up in the fact's topic share."""

    def __init__(self, index: Index, term: str) -> None:
        self._index, self._term = index, term

    def get(self, fact_id: str, default: float | None = None) -> float | None:  # type: ignore[override]
        place = self._index.fact_places.get(fact_id)
        if place is None:
            return default
        share = self._index.shares[self._index.topic_ids[place >> _FACT_BITS]]
        found = share.fact_weight(place & ((1 << _FACT_BITS) - 1), self._term)
        return default if found is None else found

    def __getitem__(self, fact_id: str) -> float:
        found = self.get(fact_id)
        if found is None:
            raise KeyError(fact_id)
        return found

    def __iter__(self) -> Iterator[str]:
        for topic in self._index.topic_terms.get(self._term, {}):
            share = self._index.shares[topic]
            for position, fact in enumerate(share.topic.facts):
                if share.fact_weight(position, self._term) is not None:
                    yield fact.id

    def __len__(self) -> int:
        return sum(1 for _ in self)


class _FactTable(Mapping[str, _FactPostings]):
    """Term -> its fact postings."""

    def __init__(self, index: Index) -> None:
        self._index = index

    def get(self, term: str, default=None):  # type: ignore[override]
        return _FactPostings(self._index, term) if self._index.term_id(term) >= 0 else default

    def __getitem__(self, term: str) -> _FactPostings:
        if self._index.term_id(term) < 0:
            raise KeyError(term)
        return _FactPostings(self._index, term)

    def __iter__(self) -> Iterator[str]:
        return iter(self._index.terms)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class _FactCounts(Mapping[tuple[str, str], int]):
    """(term, topic id) -> how many of the topic's facts use the term (absent when none)."""

    def __init__(self, index: Index) -> None:
        self._index = index

    def get(self, key: tuple[str, str], default: int | None = None) -> int | None:  # type: ignore[override]
        share = self._index.shares.get(key[1])
        found = share.count(key[0]) if share is not None else 0
        return found or default

    def __getitem__(self, key: tuple[str, str]) -> int:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __iter__(self) -> Iterator[tuple[str, str]]:
        for topic, share in self._index.shares.items():
            for term, uses in zip(share.terms, share.counts, strict=True):
                if uses:
                    yield term, topic

    def __len__(self) -> int:
        return sum(1 for _ in self)


@dataclass
class Index:
    """Terms with their topic and fact weights, and the surface words used for fuzzy lookup.

    Lean for large fact bases: postings live in a few flat arrays, not in a dict per term,
    and each topic's own share (its terms, its facts' terms) is kept as built. The mappings
    `topic_terms`, `topic_evidence`, `fact_terms` and `facts_per_term_in_topic` are views
    that read them.
    """

    lexicon: Lexicon
    shares: dict[str, TopicShare] = field(default_factory=dict)  # by topic id, in order
    topic_ids: list[str] = field(default_factory=list)  # the topics, by number
    topic_numbers: dict[str, int] = field(default_factory=dict)
    fact_places: dict[str, int] = field(default_factory=dict)  # see _FACT_BITS
    terms: tuple[str, ...] = ()  # every term, sorted: its position is its number
    # term i's postings are [offsets[i], offsets[i + 1]) of topics (their numbers)
    offsets: array = field(default_factory=lambda: array("I", [0]))
    topics: array = field(default_factory=lambda: array("I"))
    # what one occurrence of a term says for each topic: its weight there, times its share
    evidence_offsets: array = field(default_factory=lambda: array("I", [0]))
    evidence_topics: array = field(default_factory=lambda: array("I"))
    evidence: array = field(default_factory=lambda: array("d"))
    surfaces: dict[str, str] = field(default_factory=dict)  # written word -> term
    # written words by first letter: a typo rarely hits the first letter, so fuzzy lookup
    # searches only the words that share it
    surfaces_by_initial: dict[str, list[str]] = field(default_factory=dict)
    cache: dict[str, Match | None] = field(default_factory=dict)
    # Kazakh words as skeletons (text.kazakh_skeleton) -> term: Kazakh typed in Latin letters
    skeletons: dict[str, str] = field(default_factory=dict)
    skeletons_by_initial: dict[str, list[str]] = field(default_factory=dict)

    def __getstate__(self) -> dict[str, object]:
        """Pickled without the look-ups answered so far: the engine cache is read at every
        start, and they are quickly found again."""
        return {**vars(self), "cache": {}}

    @property
    def topic_terms(self) -> Mapping[str, Mapping[str, float]]:
        """Term -> {topic: weight}."""
        return _TermTable(self, self.offsets, self.topics, None)

    @property
    def topic_evidence(self) -> Mapping[str, Mapping[str, float]]:
        """Term -> {topic: evidence}; a topic for which a term says next to nothing is left out."""
        return _TermTable(self, self.evidence_offsets, self.evidence_topics, self.evidence)

    @property
    def fact_terms(self) -> Mapping[str, Mapping[str, float]]:
        """Term -> {fact id: weight}."""
        return _FactTable(self)

    @property
    def facts_per_term_in_topic(self) -> Mapping[tuple[str, str], int]:
        return _FactCounts(self)

    def term_id(self, term: str) -> int:
        """A term's number (its place in the sorted terms), or -1 for one no topic uses.

        A bisection rather than a dict: no dict entry and no int object per term."""
        i = bisect_left(self.terms, term)
        return i if i < len(self.terms) and self.terms[i] == term else -1

    # --- looking up -------------------------------------------------------------------------

    def resolve(self, word: str) -> Match | None:
        """The term a question word means, or None for a word the fact base never uses."""
        if word not in self.cache:
            if len(self.cache) >= RESOLVE_CACHE_SIZE:
                self.cache.clear()
            self.cache[word] = self._resolve(word)
        return self.cache[word]

    def exact(self, word: str) -> str | None:
        """The term of a word as written or by its stems, with no typo allowed."""
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
        term = self.exact(word)
        if term:
            return Match(word, term, 1.0)
        if not is_cyrillic(word) and word.isalpha():
            cyrillic = latin_to_cyrillic(word)
            term = self.exact(cyrillic)
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
        # endings the stemmer left (Kazakh ones above all): try the word without its last
        # letters, down to four for a Kazakh ending and five else («помогал» is «помога…»,
        # «самолёт» no «само»)
        if is_cyrillic(word):
            for cut in range(1, min(4, len(word) - 4) + 1):
                kept = word[-cut:] in KAZAKH_ENDINGS or len(word) - cut >= 5
                term = self.exact(word[:-cut]) if kept else None
                if term:
                    return Match(word, term, 0.9)
        return None


# New texts of one language are taken apart together: joined with this word between them,
# one normalise and one findall for all. Spaces keep it apart from the words around it (case,
# NFKC and the regular expression see no further than a space); when a text has the letter
# itself, each text is taken apart alone.
_BETWEEN_WORD = "\ua66e"  # ꙮ, a letter of old manuscripts
_BETWEEN = f" {_BETWEEN_WORD} "
_END = "\n"  # a text's end among terms: no term has a line break

# a text taken apart: its words that have a term, in order, and its terms and pairs
_Parts = tuple[list[str], list[str]]


class _TopicParts:
    """A topic's texts gathered by language in the order they are read, in runs (its title,
    a fact's text, its keywords...), each run with what it says for the topic or its fact."""

    def __init__(self) -> None:
        self.texts: list[list[str]] = [[] for _ in LANGS]
        # the unit (one Localized or LocalizedWords) each text is part of, numbered in the
        # order read: written words are listed in order of first use, by unit, then language
        self.units: list[list[int]] = [[] for _ in LANGS]
        self.unit = 0
        # a run's fact number (None: the topic's own texts) and weight (its place in
        # _WEIGHTS; a fact's terms all say FACT_TEXT_TOPIC_WEIGHT for the topic), and where
        # it stops in each language's texts
        self.runs: list[tuple[int | None, int, tuple[int, ...]]] = []

    def add(self, text: str, lang: int) -> None:
        self.texts[lang].append(text)
        self.units[lang].append(self.unit)
        self.unit += 1

    def add_localized(self, value: Localized | None) -> None:
        if value is not None:
            for lang, text in enumerate(map(value.__getattribute__, LANGS)):
                if text:
                    self.texts[lang].append(text)
                    self.units[lang].append(self.unit)
            self.unit += 1

    def add_words(self, value: LocalizedWords) -> None:
        for lang, phrases in enumerate(map(value.__getattribute__, LANGS)):
            self.texts[lang] += phrases
            self.units[lang] += repeat(self.unit, len(phrases))
        self.unit += 1

    def end_run(self, weight: float, fact: int | None = None) -> None:
        """The texts added since the last run's end are a run: of the topic's own texts,
        or of a fact's."""
        self.runs.append((fact, _WEIGHT_CODES[weight], tuple(map(len, self.texts))))

    def weights(
        self, parts: list[list[_Parts]], facts: int
    ) -> tuple[dict[str, int], list[dict[str, int]], Counter[str]]:
        """Each term with the largest weight it is given (its place in _WEIGHTS), for the
        topic and for each fact; how many facts use each term."""
        terms_of = [list(map(itemgetter(1), texts)) for texts in parts]
        topic: dict[int, list[Iterable[str]]] = {}
        each_fact: list[dict[int, list[Iterable[str]]]] = [{} for _ in range(facts)]
        start = (0,) * len(LANGS)
        for fact, weight, stop in self.runs:
            texts = chain.from_iterable(map(getitem, terms_of, map(slice, start, stop)))
            runs = topic if fact is None else each_fact[fact]
            runs.setdefault(weight, []).append(chain.from_iterable(texts))
            start = stop
        fact_weights = list(map(_heaviest, each_fact))
        uses = Counter(chain.from_iterable(fact_weights))
        topic.setdefault(_WEIGHT_CODES[FACT_TEXT_TOPIC_WEIGHT], []).append(uses)
        return _heaviest(topic), fact_weights, uses

    def written(
        self, lang: int, parts: list[_Parts], word_terms: _WordTerms
    ) -> tuple[list[int], list[str], list[str]]:
        """A language's written words that have a term, in order of first use: the unit each
        is first used in, the words, their terms."""
        written = list(map(itemgetter(0), parts))
        first: dict[str, int] = {}
        units = chain.from_iterable(map(mul, zip(self.units[lang]), map(len, written)))
        list(map(first.setdefault, chain.from_iterable(written), units))
        return list(first.values()), list(first), list(map(word_terms.__getitem__, first))


def _compact(numbers: Iterable[int]) -> array:
    """Non-negative integers in the smallest array that holds them."""
    found = list(numbers)
    top = max(found, default=0)
    typecode = "B" if top < 1 << 8 else "H" if top < 1 << 16 else "I"
    packed = array(typecode)
    # packed at once: an array filled from a list converts its items one call each
    packed.frombytes(struct.pack(f"{len(found)}{typecode}", *found))
    return packed


def _heaviest(given: dict[int, list[Iterable[str]]]) -> dict[str, int]:
    """Each term with the largest weight it was given (lighter first, heavier overwrite)."""
    lightest, *heavier = sorted(given)
    out = dict.fromkeys(chain.from_iterable(given[lightest]), lightest)
    for weight in heavier:
        out.update(dict.fromkeys(chain.from_iterable(given[weight]), weight))
    return out


class _WordTerms(dict[str, str | None]):
    """Written word -> its term in one language (None for numbers and stop words), on demand."""

    def __init__(self, lexicon: Lexicon, lang: str) -> None:
        super().__init__()
        self.lexicon, self.lang = lexicon, lang

    def __missing__(self, word: str) -> str | None:
        term = None
        if not (word.isdigit() or word in self.lexicon.stop):
            term = self.lexicon.concept(stem_for(word, self.lang), word)
        self[word] = term
        return term


class _KazakhForms(dict[str, tuple[str, int, str, int]]):
    """Kazakh word -> itself and as typed without Kazakh letters; its skeleton and the
    skeleton's stem (text.skeleton_stems): each one a line, the second only when it differs
    (the first is the one found), with how many lines, on demand."""

    def __missing__(self, word: str) -> tuple[str, int, str, int]:
        forms = skeleton_stems(kazakh_skeleton(word))
        written, skeletons = (
            dict.fromkeys((word, fold_kazakh(word))),
            dict.fromkeys((forms[0], forms[-1])),
        )
        found = self[word] = (
            "\n".join(written),
            len(written),
            "\n".join(skeletons),
            len(skeletons),
        )
        return found


class _Builder:
    """Takes texts apart into terms, remembering words and texts across the topics of a build.

    The heaviest loop of indexing: each step is one call into C (map, filter, dict.fromkeys)
    over all the texts of a topic in one language, or all its new ones.
    """

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.word_terms = [_WordTerms(lexicon, lang) for lang in LANGS]
        self.texts: list[dict[str, _Parts]] = [{} for _ in LANGS]  # per language, text -> parts
        self.kazakh = _KazakhForms()
        self.terms: dict[str, str] = {}  # one string per term, shared by every share

    def take_apart(self, texts: list[str], lang: int) -> None:
        """New texts of one language taken apart into self.texts, all in one pass: each
        text's terms, and the pairs of adjacent ones (never of two texts), in order."""
        joined = normalise(_BETWEEN.join(texts) + _BETWEEN)
        if joined.count(_BETWEEN_WORD) == len(texts):
            between, found = _BETWEEN_WORD, words(joined)
        else:  # some text has the letter: each taken apart alone, "" (no word) after each
            between = ""
            found = list(chain.from_iterable([*words(normalise(text)), ""] for text in texts))
        every = list(map(self.word_terms[lang].__getitem__, found))
        for i in compress(range(len(found)), map(between.__eq__, found)):
            every[i] = _END
        # the words that have a term (not numbers nor stop words), and their terms
        written, terms = list(compress(found, every)), list(filter(None, every))
        ends = compress(range(len(terms)), map(is_, terms, repeat(_END)))
        # adjacent pairs ("security council", "world war") are terms too: rarer, so sharper;
        # pairs[i] is terms[i - 1] and terms[i]
        pairs = list(map(_join_pair, pairwise(chain((_END,), terms))))
        known, start = self.texts[lang], 0
        for text, end in zip(texts, ends, strict=True):
            known[text] = (written[start:end], terms[start:end] + pairs[start + 1 : end])
            start = end + 1

    def shared(self, terms: list[str]) -> tuple[str, ...]:
        """The terms as the strings every share uses, sorted."""
        terms.sort()
        return tuple(map(self.terms.setdefault, terms, terms))

    def share(self, topic: Topic) -> TopicShare:
        """Index every title, summary, keyword and fact text of a topic, in every language."""
        parts = _TopicParts()
        parts.add_localized(topic.title)
        parts.end_run(TOPIC_WEIGHTS["title"])
        parts.add_localized(topic.summary)
        parts.end_run(TOPIC_WEIGHTS["summary"])
        parts.add_words(topic.keywords)
        parts.end_run(TOPIC_WEIGHTS["keywords"])
        # the topic id itself is what people type after a slash or in inline mode
        parts.add(topic.id.replace("_", " "), LANGS.index("en"))
        parts.end_run(TOPIC_WEIGHTS["id"])
        for number, fact in enumerate(topic.facts):
            parts.add_localized(fact.text)
            parts.end_run(FACT_WEIGHTS["text"], number)
            parts.add_words(fact.keywords)
            parts.end_run(FACT_WEIGHTS["keywords"], number)
            for _, detail in fact.details():
                parts.add_localized(detail)
            parts.end_run(FACT_WEIGHTS["detail"], number)
        taken_apart = []
        for lang, (texts, known) in enumerate(zip(parts.texts, self.texts, strict=True)):
            new = list(filterfalse(known.__contains__, dict.fromkeys(texts)))
            if new:
                self.take_apart(new, lang)
            taken_apart.append(list(map(known.__getitem__, texts)))
        topic_weights, fact_weights, uses = parts.weights(taken_apart, len(topic.facts))
        terms = self.shared(list(topic_weights))
        position = dict(zip(terms, range(len(terms)), strict=True))
        fact_offsets, fact_terms, fact_codes = [0], [], []
        for weights in fact_weights:
            own = sorted(map(position.__getitem__, weights))  # in the order of terms
            fact_terms += own
            fact_codes += map(weights.__getitem__, map(terms.__getitem__, own))
            fact_offsets.append(len(fact_terms))
        # the weights used, in a table of the share's own: codes are places in it
        used = sorted(set(topic_weights.values()).union(fact_codes))
        renumber = bytearray(256)  # a place in _WEIGHTS -> its place in the table
        for code, weight in enumerate(used):
            renumber[weight] = code
        # written words in order of first use; a Kazakh word also as typed without Kazakh
        # letters (the two one line apart), and its skeletons
        written: list[tuple[int, str, tuple[str, ...]]] = []
        skeletons, skeleton_terms = "", []
        for lang, texts in enumerate(taken_apart):
            units, found, found_terms = parts.written(lang, texts, self.word_terms[lang])
            if LANGS[lang] == "kk":
                forms = list(map(self.kazakh.__getitem__, found))
                alone = list(zip(found_terms, strict=True))  # each line's term, as many times
                lines = map(mul, alone, map(itemgetter(1), forms))
                written += zip(units, map(itemgetter(0), forms), lines, strict=True)
                skeletons = "\n".join(map(itemgetter(2), forms))
                lines = map(mul, alone, map(itemgetter(3), forms))
                skeleton_terms = list(chain.from_iterable(lines))
            else:
                written += zip(units, found, zip(found_terms, strict=True), strict=True)
        written.sort(key=itemgetter(0))  # stable: in a unit, languages in LANGS order
        return TopicShare(
            topic=topic,
            terms=terms,
            weight_table=tuple(map(_WEIGHTS.__getitem__, used)),
            weights=array("B", bytes(map(topic_weights.__getitem__, terms)).translate(renumber)),
            counts=_compact(map(uses.__getitem__, terms)),
            fact_offsets=_compact(fact_offsets),
            fact_terms=_compact(fact_terms),
            fact_weights=array("B", bytes(fact_codes).translate(renumber)),
            surface_words="\n".join(map(itemgetter(1), written)),
            surface_terms=_compact(
                map(position.__getitem__, chain.from_iterable(map(itemgetter(2), written)))
            ),
            skeleton_words=skeletons,
            skeleton_terms=_compact(map(position.__getitem__, skeleton_terms)),
        )


def share_builder(lexicon: Lexicon) -> Callable[[Topic], TopicShare]:
    """What builds topics' shares one by one, sharing words and terms between them."""
    return _Builder(lexicon).share


def build_index(
    kb: KnowledgeBase,
    lexicon: Lexicon | None = None,
    previous: Index | None = None,
    built: Mapping[str, TopicShare] | None = None,
    terms: dict[str, str] | None = None,
) -> Index:
    """Index a fact base; topics that `previous` indexed (the very same objects) are reused,
    and when only a few changed, their postings are patched into a copy of its arrays.
    `built`: shares made alongside the topics (parallel_load), for a build without `previous`;
    `terms`: every term of them, once (the merge takes it over)."""
    lexicon = lexicon or load_lexicon()
    reusable = previous.shares if previous is not None and previous.lexicon == lexicon else {}
    if built:
        reusable, previous = built, None
    builder: _Builder | None = None
    shares: dict[str, TopicShare] = {}
    changed: list[str] = []
    with paused_gc():
        for topic in kb.topics.values():
            share = reusable.get(topic.id)
            if share is None or share.topic is not topic:
                builder = builder or _Builder(lexicon)
                share = builder.share(topic)
                changed.append(topic.id)
            shares[topic.id] = share
        if (
            previous is not None
            and reusable
            and list(shares) == previous.topic_ids
            and len(changed) <= PATCH_AT_MOST
        ):
            return _patch(previous, shares, changed)
        whole = built is not None and not changed and len(shares) == len(built)
        return _merge(lexicon, shares, terms if whole else None)


def _patch(previous: Index, shares: dict[str, TopicShare], changed: list[str]) -> Index:
    """The previous index with the postings of a few changed topics replaced.

    The topics and their order are the same, so topic numbers hold; only the terms that
    the changed topics use (or used) get new postings, the rest is copied in bulk.
    """
    index = Index(previous.lexicon, shares, previous.topic_ids, previous.topic_numbers)
    index.fact_places = dict(previous.fact_places)
    numbers = {previous.topic_numbers[topic]: topic for topic in changed}
    affected: dict[str, dict[int, float]] = {}  # term -> topic number -> weight
    for topic in changed:
        for fact in previous.shares[topic].topic.facts:
            index.fact_places.pop(fact.id, None)
        affected.update((term, {}) for term in previous.shares[topic].terms)
    for number, topic in numbers.items():
        share = shares[topic]
        for position, fact in enumerate(share.topic.facts):
            index.fact_places[fact.id] = number << _FACT_BITS | position
        affected.update((term, {}) for term in share.terms)
    old = list(previous.shares.values())  # by topic number
    for term, postings in affected.items():
        i = previous.term_id(term)
        if i >= 0:
            for number in previous.topics[previous.offsets[i] : previous.offsets[i + 1]]:
                if number not in numbers:  # the share has the term: its weight there
                    share = old[number]
                    code = share.weights[bisect_left(share.terms, term)]
                    postings[number] = share.weight_table[code]
    for number, topic in numbers.items():
        share = shares[topic]
        for term, weight in zip(share.terms, share.topic_weights(), strict=True):
            affected[term][number] = weight
    rows, evidence = [], []  # in term order: (term, its postings), None when no topic uses it
    for term in sorted(affected):
        items = sorted(affected[term].items())
        rows.append((term, items or None))
        if not items:
            evidence.append((term, None))
            continue
        weights = list(map(itemgetter(1), items))
        total = sum(weights)
        shares_of_term = list(map(truediv, map(mul, weights, weights), repeat(total)))
        strong = map(ge, shares_of_term, repeat(MIN_EVIDENCE))
        evidence.append(
            (
                term,
                list(compress(zip(map(itemgetter(0), items), shares_of_term, strict=True), strong)),
            )
        )
    terms, index.offsets, index.topics, _ = _spliced(
        previous.terms, previous.offsets, previous.topics, None, rows
    )
    index.terms = tuple(terms)
    _, index.evidence_offsets, index.evidence_topics, index.evidence = _spliced(
        previous.terms, previous.evidence_offsets, previous.evidence_topics, previous.evidence,
        evidence,
    )  # fmt: skip
    _add_surfaces(index, shares)
    return index


def _spliced(
    terms: tuple[str, ...],
    offsets: array,
    keys: array,
    values: array | None,
    rows: list[tuple[str, list | None]],
) -> tuple[list[str], array, array, array]:
    """Sorted terms and their flat postings, with some terms' rows replaced (None: the term
    goes); the terms between them are copied in bulk."""
    new_terms: list[str] = []
    new_offsets, new_keys, new_values = array("I", [0]), array(keys.typecode), array("d")
    start = 0  # the next old term not copied yet
    for term, items in [*rows, (None, None)]:
        stop = len(terms) if term is None else bisect_left(terms, term)
        if start < stop:  # old terms start..stop-1 are unchanged
            lo, hi = offsets[start], offsets[stop]
            shift = len(new_keys) - lo
            new_terms += terms[start:stop]
            new_keys += keys[lo:hi]
            if values is not None:
                new_values += values[lo:hi]
            new_offsets += _shifted(offsets[start + 1 : stop + 1], shift)
        if term is None:
            break
        start = stop + 1 if stop < len(terms) and terms[stop] == term else stop
        if items is not None:
            new_terms.append(term)
            new_keys.extend(map(itemgetter(0), items))
            if values is not None:
                new_values.extend(map(itemgetter(1), items))
            new_offsets.append(len(new_keys))
    return new_terms, new_offsets, new_keys, new_values


def _shifted(numbers: array, by: int) -> array:
    """The numbers plus `by` (none ends below 0 or above its type), as one addition of big
    ints, a lane per number: no lane carries."""
    lane, order = numbers.itemsize, sys.byteorder
    ones = int.from_bytes((1).to_bytes(lane, order) * len(numbers), order)
    found = int.from_bytes(numbers, order) + by * ones
    return array(numbers.typecode, found.to_bytes(len(numbers) * lane, order))


def _merge(
    lexicon: Lexicon, shares: dict[str, TopicShare], every: dict[str, str] | None = None
) -> Index:
    """The index over the topics' shares: every term's postings side by side in flat arrays.

    Each step is one call into C over all postings (a sort of plain ints, maps, operations
    on the whole packed array as one big int), so merging a large fact base's shares costs
    a fraction of building one share per topic. `every`: the shares' terms, each once, if
    known already (it is taken over).
    """
    index = Index(lexicon, shares, list(shares))
    index.topic_numbers = dict(zip(index.topic_ids, range(len(shares)), strict=True))
    for number, share in enumerate(shares.values()):
        first, facts = number << _FACT_BITS, share.topic.facts
        index.fact_places.update(zip(map(_fact_id, facts), count(first)))
    # every term once, in order of first use (the shares' sorted runs: they sort faster
    # than a set's order); a term's number is its place among them sorted
    numbers: dict[str, object] = (
        dict.fromkeys(chain.from_iterable(share.terms for share in shares.values()))
        if every is None
        else every  # type: ignore[assignment]
    )
    terms = sorted(numbers)
    index.terms = tuple(terms)
    # a posting is one int: its term's number, its topic's and the code of its weight (its
    # place in `table`), bits side by side. Sorting those plain ints groups the postings by
    # term, each term's topics in order (a base of a thousand topics keeps them under 2**30,
    # which Python sorts fastest).
    table = sorted({weight for share in shares.values() for weight in share.weight_table})
    code_bits = max(1, (len(table) - 1).bit_length())
    low_bits = code_bits + (len(shares) - 1).bit_length()
    dict.update(numbers, zip(terms, range(0, len(terms) << low_bits, 1 << low_bits), strict=True))
    postings: list[int] = []
    for number, share in enumerate(shares.values()):
        codes = [number << code_bits | table.index(weight) for weight in share.weight_table]
        postings += map(
            or_, _looked_up(numbers, share.terms), map(codes.__getitem__, share.weights)
        )
    del numbers
    postings.sort()
    lanes = _Lanes(postings, len(terms) << low_bits)
    del postings
    top = max((n for n, share in enumerate(shares.values()) if share.terms), default=0)
    index.topics = lanes.field(code_bits, low_bits - code_bits, top)
    codes = lanes.low_byte(lanes.field_int(0, (1 << code_bits) - 1))
    firsts = lanes.changes(low_bits)  # 1 at each term's first posting, 0 elsewhere
    index.offsets = array("I", compress(count(), firsts))
    index.offsets.append(len(firsts))
    _add_evidence(index, table, codes, firsts)
    _add_surfaces(index, shares)
    return index


def _looked_up(table: Mapping[str, int], keys: tuple[str, ...]) -> Iterable[int]:
    """table[key] for each key, all in one call into C (faster than a map over them)."""
    return itemgetter(*keys)(table) if len(keys) > 1 else map(table.__getitem__, keys)


class _Lanes:
    """Sorted non-negative ints packed side by side in one big int, a lane of bits each:
    a field of every one of them is taken out with a few operations on the big int, in C,
    with no int object per posting."""

    def __init__(self, numbers: list[int], above: int) -> None:
        assert above < 1 << 63  # a bit of each lane left for a carry (see changes)
        self.size = 4 if above < 1 << 31 else 8  # bytes of a lane
        packed = array("I" if self.size == 4 else "Q", numbers)
        if sys.byteorder == "big":
            packed.byteswap()
        self.count, self.bits = len(packed), self.size * 8
        self.whole = int.from_bytes(packed, "little")

    def repeated(self, lane: int) -> int:
        """One lane's value in every lane."""
        return int.from_bytes(lane.to_bytes(self.size, "little") * self.count, "little")

    def field_int(self, shift: int, mask: int) -> int:
        """(n >> shift) & mask in every lane."""
        return (self.whole >> shift) & self.repeated(mask)

    def bytes_of(self, lanes: int) -> memoryview:
        return memoryview(lanes.to_bytes(self.count * self.size, "little"))

    def low_byte(self, lanes: int) -> bytes:
        """The lowest byte of every lane."""
        return bytes(self.bytes_of(lanes)[:: self.size])

    def field(self, shift: int, bits: int, top: int) -> array:
        """A field of `bits` bits from `shift` up, in the smallest array that holds `top`
        (as _compact makes)."""
        typecode = "B" if top < 1 << 8 else "H" if top < 1 << 16 else "I"
        width = array(typecode).itemsize
        raw = self.bytes_of(self.field_int(shift, (1 << bits) - 1))
        out = bytearray(self.count * width)
        for k in range(width):
            out[k::width] = raw[k :: self.size]
        found = array(typecode, out)
        if sys.byteorder == "big":
            found.byteswap()
        return found

    def changes(self, shift: int) -> bytes:
        """1 where n >> shift differs from the previous number's (and at the first), else 0."""
        high = self.field_int(shift, (1 << self.bits - shift) - 1)
        changed = high ^ (high << self.bits) & ((1 << self.bits * self.count) - 1)
        half = 1 << self.bits - 1  # a lane below it, plus half - 1, carries into its top bit
        ones = self.repeated(1)
        flags = self.low_byte(((changed + self.repeated(half - 1)) >> self.bits - 1) & ones)
        return b"\x01" + flags[1:] if flags else flags


def _add_evidence(index: Index, table: list[float], codes: bytes, firsts: bytes) -> None:
    """What one occurrence of each term says for each topic of its postings: its weight
    there, times its share of the term's total weight (`codes`: each posting's weight, as
    its place in `table`; `firsts`: 1 at each term's first posting). A word spread over
    hundreds of topics says next to nothing for each: it is left out there, so that
    answering never walks long postings.

    Most terms (pairs above all) are one topic's: their one posting says w * w / w, all
    of them at once. Only the others are summed, one term at a time; a term's postings
    have a few weights only, so each one's share is worked out once."""
    offsets, topics = index.offsets, index.topics
    alone = [weight * weight / weight for weight in table]
    evidence = list(map(alone.__getitem__, codes))
    # where a term of several postings starts: a first posting followed by another (with
    # weights so light that one alone says too little, every term: see TOPIC_WEIGHTS)
    several = b"\x01\x00" if min(alone, default=1) >= MIN_EVIDENCE else b"\x01"
    # postings of a term, which of them are kept (None: none)
    weak: list[tuple[int, int, list[bool] | None]] = []
    lo = firsts.find(several)
    while lo >= 0:
        hi = firsts.find(1, lo + 1)
        hi = len(firsts) if hi < 0 else hi
        own = codes[lo:hi]
        total = sum(map(table.__getitem__, own))
        shares_of_term = [weight * weight / total for weight in table]
        evidence[lo:hi] = map(shares_of_term.__getitem__, own)
        present = set(own)
        if min(map(shares_of_term.__getitem__, present)) < MIN_EVIDENCE:
            strong = [share >= MIN_EVIDENCE for share in shares_of_term]
            # mostly a word of hundreds of topics, none of them kept
            keep = (
                list(map(strong.__getitem__, own))
                if any(map(strong.__getitem__, present))
                else None
            )
            weak.append((lo, hi, keep))
        lo = firsts.find(several, hi)
    index.evidence_offsets = evidence_offsets = array("I", offsets)
    if not weak:
        index.evidence = array("d", evidence)
        index.evidence_topics = array(topics.typecode, topics)
        return
    kept: list[float] = []
    kept_topics = array(topics.typecode)
    # a term's evidence starts where its postings do, less those left out before it: the
    # numbers to take off, lane by lane (one run for the terms between two weak ones)
    lane = evidence_offsets.itemsize
    less = [bytes(lane * (bisect_left(offsets, weak[0][0]) + 1))]
    done = left_out = 0  # postings dealt with, and left out
    for (lo, hi, keep), (following, _, _) in pairwise([*weak, (len(firsts), 0, None)]):
        kept += evidence[done:lo]
        kept_topics += topics[done:lo]
        if keep is None:
            left_out += hi - lo
        else:
            kept += compress(evidence[lo:hi], keep)
            kept_topics.extend(compress(topics[lo:hi], keep))
            left_out += keep.count(False)
        done = hi
        terms = bisect_left(offsets, following) - bisect_left(offsets, lo)
        less.append(left_out.to_bytes(lane, sys.byteorder) * terms)
    kept += evidence[done:]
    kept_topics += topics[done:]
    index.evidence = array("d", kept)
    index.evidence_topics = _narrowed(kept_topics)
    # as one subtraction of big ints: no lane borrows, none is less than what it loses
    found = int.from_bytes(evidence_offsets, sys.byteorder)
    found -= int.from_bytes(b"".join(less), sys.byteorder)
    index.evidence_offsets = array("I", found.to_bytes(len(evidence_offsets) * lane, sys.byteorder))


def _narrowed(numbers: array) -> array:
    """The numbers in the smallest array that holds them, as _compact makes, read from their
    bytes: no int object for each."""
    width, raw = numbers.itemsize, memoryview(numbers).cast("B")
    used = width  # bytes of the widest number
    high = range(width - 1, 0, -1) if sys.byteorder == "little" else range(width - 1)
    for k in high:
        if raw[k::width].tobytes().count(0) < len(numbers):
            break
        used -= 1
    typecode = "B" if used == 1 else "H" if used == 2 else "I"
    if typecode == numbers.typecode:
        return numbers
    return array(typecode, numbers)


def _add_surfaces(index: Index, shares: dict[str, TopicShare]) -> None:
    """Each written word's (and Kazakh skeleton's) term is the first topic's to use it: one
    topic's words at a time, so a large base never holds all of them twice."""
    surfaces, skeletons = index.surfaces, index.skeletons
    for share in shares.values():
        for words_of, positions, table in (
            (share.surface_words, share.surface_terms, surfaces),
            (share.skeleton_words, share.skeleton_terms, skeletons),
        ):
            if not len(positions):
                continue
            written = words_of.split("\n")
            # most words some topic before used already: found in one pass in C
            seen = list(map(table.__contains__, written))
            if not all(seen):
                new = compress(zip(written, positions, strict=True), map(not_, seen))
                for word, position in new:
                    table.setdefault(word, share.terms[position])
    index.surfaces_by_initial = _by_initial(surfaces)
    index.skeletons_by_initial = _by_initial(skeletons)


def _by_initial(written: Iterable[str]) -> dict[str, list[str]]:
    """Words by their first letter, in their order."""
    found: defaultdict[str, list[str]] = defaultdict(list)
    _consume(map(list.append, map(found.__getitem__, map(itemgetter(0), written)), written))
    return dict(found)


def _consume(steps: Iterable[object]) -> None:
    """Run an iterator of steps through, keeping none of what they return."""
    deque(steps, maxlen=0)
