"""The answer engine: a question (and the conversation so far) in, the best topics and facts out.

It weighs the question's words against the index, its dates against the facts' dates,
and declines when too much of the question is about things the fact base does not hold.
Pure Python: nothing here knows about Telegram.
"""

from __future__ import annotations

import gc
import heapq
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .dates import DateQuery, find_dates
from .fact_details import (
    EventWords,
    date_fit,
    date_precision,
    events_in,
    fact_alone,
    fact_detail,
    topic_events,
)
from .index import Index, Match, build_index, pair_term
from .lexicon import Lexicon, lexicon_stamp, load_lexicon
from .loader import KnowledgeBase, load_knowledge, paused_gc
from .parallel_load import Built, load_built
from .reading import (
    CONJUNCTIONS,
    LINK_WORDS,
    POSSESSIVES,
    TRANSLIT_CONJUNCTIONS,
    asked_head,
    asking_clause,
    named_words,
    owned_words,
    read_phrases,
    split_sentences,
    word_shape,
)
from .schema import Fact, Topic
from .text import (
    KAZAKH_APOSTROPHE,
    KAZAKH_LATIN_LETTERS,
    LANGS,
    detect_language,
    is_cyrillic,
    kazakh_latin_skeleton,
    kazakh_skeleton,
    latin_to_cyrillic,
    latin_words,
    normalise,
    skeleton_stems,
    stems,
    words,
)

# One fixed decline threshold on the confidence (0..1) of every answer.
DECLINE_BELOW = 0.6
# Topic evidence that counts as certain: one word that this topic alone uses in a fact.
STRONG_EVIDENCE = 0.6
# A word asking for something the fact base never holds ("population", "recipe") weighs this much.
OFF_DOMAIN_WEIGHT = 3.0
# A capitalised word we do not know, inside a sentence ("talks on Libya"), names what the
# question is about; it weighs this much, however chatty the message.
NAMED_WEIGHT = 2.0
# Past this many content words, a message's foreign words together weigh no more than this many.
CHATTY_LENGTH = 8
# A second topic is answered too when it has its own words and this share of the best's evidence.
SECOND_TOPIC_SHARE = 0.5
# Topics within this share of the best are offered as "did you mean".
CANDIDATE_SHARE = 0.5
# An answer is "unsure" when the best topic holds less than this share of all evidence.
SURE_SHARE = 0.6
# Evidence the conversation's last topic gets in a follow-up.
CONTEXT_PRIOR = 0.6
# The best topic needs one word (or pair) saying at least this much for it, not only generic words.
TOPICAL_EVIDENCE = 0.3
# A fact whose date matches the question's is worth this much evidence for its topic: less
# than a word that names it, so "Iran talks 2015" is about Iran (with a wrong date).
DATE_WEIGHT = 0.7
MAX_TOPICS = 3
# Events (see the lexicon's `events`) that leave a record: a question about one ("What did
# they sign?") is declined by a topic none of whose facts names it.
RECORDED_ACTS = frozenset({"signed"})
# What holding the asked detail (a date for "when"...) is worth to a fact, next to its words.
FOCUS_BONUS = 1.0
# What a fact's date being that of the asked event ("elected", "member") is worth to it, and
# its date being as precise as asked ("on what day", "which years"): more than the last turn's
# pull (0.3), less than a word that names the fact.
EVENT_BONUS = 0.5
# A word of the sentences around the question ("My daughter is writing an essay.") weighs this
# much against the answer, next to a word of the question itself.
CONTEXT_WEIGHT = 0.25
# An unknown word beside two words that name the topic weighs this much: likely chatter.
UNKNOWN_BESIDE_SHARP = 0.5
# What a word of the context says for a topic, next to a word of the question.
CONTEXT_EVIDENCE = 0.3
# ... and all of them together no more than this much.
CONTEXT_CAP = 0.5
# Why a question was declined: nothing of ours was asked about; one of our topics was, but no
# fact holds the asked detail; or the question was on our ground but not clear enough.
DECLINE_REASONS = ("off_topic", "detail_not_in_facts", "unsure")
# Words whose kind (function word, off-domain...) is remembered; past this, forgotten at once.
_MEMO_SIZE = 65536


@dataclass(frozen=True)
class Turn:
    """What one earlier answer was about: all a follow-up needs to know of it."""

    topics: tuple[str, ...] = ()
    facts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answer:
    """The engine's verdict on one question."""

    question: str
    lang: str
    kind: str  # "topic" | "date" | "declined"
    topics: tuple[str, ...] = ()
    facts: tuple[str, ...] = ()
    score: float = 0.0
    candidates: tuple[str, ...] = ()
    focus: str | None = None
    dates: tuple[DateQuery, ...] = ()
    # why a declined answer was declined: one of DECLINE_REASONS, None when answered
    declined: str | None = None
    role: str | None = None  # a "who" question's role: "actor", "host", "parties", "organisers"
    # the matched fact holds a detail of the asked kind, but not for what was asked: its date is
    # another event's ("When was the deal signed?" of talks), its reason is the asked subject's
    # own effort. The lead then says the source does not say.
    detail_withheld: bool = False
    # asked "on what day", the matched fact's date has none: the lead says so, then gives it
    no_day: bool = False

    @property
    def answered(self) -> bool:
        return self.kind != "declined"

    @property
    def topic(self) -> str | None:
        return self.topics[0] if self.topics else None

    @property
    def fact(self) -> str | None:
        return self.facts[0] if self.facts else None

    @property
    def turn(self) -> Turn:
        return Turn(self.topics, self.facts)


@dataclass
class Analysis:
    """A question taken apart: language, asked-for detail, dates, and its words resolved.

    In a message of several sentences, the question is the sentence that asks (with what it
    needs before it); the other sentences are context ("My daughter is writing an essay..."):
    their words say which topic is meant as much as any, but weigh little against the answer.
    """

    lang: str
    focus: str | None = None
    role: str | None = None
    followup: bool = False
    beyond: bool = False  # "anything else?": asks past the last answer (see Engine.answer)
    dates: list[DateQuery] = field(default_factory=list)
    matches: list[Match] = field(default_factory=list)
    pairs: list[Match] = field(default_factory=list)  # adjacent matches that form a known pair
    unknown: list[str] = field(default_factory=list)
    named_unknown: list[str] = field(default_factory=list)  # "Libya", "Messi": the subject
    off_domain: list[str] = field(default_factory=list)
    conjunction: bool = False  # "Iran and Ukraine": the question may be about several topics
    context_matches: set[int] = field(default_factory=set)  # positions in `matches`
    context_pairs: set[int] = field(default_factory=set)  # positions in `pairs`
    context_unknown: int = 0  # unknown words of the context sentences
    context_off_domain: int = 0
    kazakh_latin: bool = False  # Kazakh typed in Latin letters
    words: list[str] = field(default_factory=list)  # as written, lower case
    # the thing a question word asks about is a word the fact base never uses:
    # "Who is the *Secretary* General", "неше *тармақ*"
    unknown_head: bool = False
    # the terms of what a who/which/how-many word asks about: the word after it, and what
    # that one is "of" ("which group of *world powers*")
    head_terms: tuple[str, ...] = ()
    role_words: frozenset[str] = frozenset()  # the words of the role a "who" asks about
    events: frozenset[str] = frozenset()  # the events a "when" asks about: "elected", "signed"
    # how precise a date is asked for: "day" ("on what day"), "years" ("which years")
    precision: set[str] = field(default_factory=set)

    @property
    def empty(self) -> bool:
        return not (
            any(match.word not in self.role_words for match in self.matches)
            or self.unknown
            or self.off_domain
            or self.dates
            or self.context_unknown
            or self.context_off_domain
        )

    @property
    def foreign_weight(self) -> float:
        return len(self.unknown) + OFF_DOMAIN_WEIGHT * len(self.off_domain)


class Engine:
    """Answers questions from one fact base. Immutable once built, so safe to share."""

    def __init__(
        self,
        kb: KnowledgeBase,
        lexicon: Lexicon | None = None,
        previous: Engine | None = None,
        built: Built | None = None,
    ) -> None:
        """`previous`: an engine of an earlier version of the fact base, whose index of the
        topics that did not change is reused; `built`: what was built of each topic while
        it was read (parallel_load)."""
        self.kb = kb
        self.lexicon = lexicon or load_lexicon()
        self.index: Index = build_index(
            kb,
            self.lexicon,
            previous and previous.index,
            built and built.shares,
            built and built.terms,
        )
        self.dated = DatedFacts(kb)
        # the roles some fact names (see Roles): a question for another is declined
        self.held_roles = frozenset(
            role for _, fact in kb.facts.values() if fact.who for role, _ in fact.who.named()
        )
        self._kinds: dict[str, str | None] = {}  # _classify's answers: words to kinds
        # what depends on one fact or topic and the lexicon only is kept from `previous` for
        # the very same topic objects (those of unchanged files), or taken from `built`: an
        # edit costs about one file
        kept = _kept_topics(kb, self.lexicon, previous)
        memo = EventWords(self.lexicon)
        # the facts that state a count (a topic without one cannot answer "how many"), the
        # event each dated fact's date belongs to, and its actor's names that its reason
        # names ("thanks to the efforts of President Nazarbayev")
        self.counted, self.fact_events, self.credit_names = _facts_alone(
            kb, self.lexicon, previous if kept else None, kept, built, memo
        )
        # the events (see the lexicon's `events`) some fact of each topic names: "What did
        # Russia and Turkey *sign*?" asks for an event the topic never records
        named = built.events if built is not None else {}
        kept_events = previous.topic_events if previous is not None and kept else {}
        self.topic_events: dict[str, frozenset[str]] = {}
        for topic in kb.topics.values():
            events = kept_events[topic.id] if topic.id in kept else named.get(topic.id)
            if events is None:
                events = topic_events(topic, self.lexicon, memo)
            self.topic_events[topic.id] = events
        # the terms of those names: a reason crediting the asked actor is no reason for his act
        self.self_credited = {
            fid: terms for fid, names in self.credit_names.items() if (terms := self._terms(names))
        }
        # the look-ups of a build are no question's: answering starts with an empty memo, and
        # a kept engine (engine_cache) is that much smaller
        self.index.cache.clear()

    def _terms(self, names: tuple[str, ...]) -> frozenset[str]:
        """The terms some words resolve to (those the fact base uses)."""
        return frozenset(match.term for name in names if (match := self.index.resolve(name)))

    @classmethod
    def load(
        cls,
        directory: str | Path | None = None,
        previous: Engine | None = None,
        known: Mapping[str, Topic] | None = None,
        on_base: Callable[[KnowledgeBase], object] | None = None,
    ) -> Engine:
        """The engine of a fact base folder. Files `previous` was built from, or whose digest
        is in `known`, are not read again (see load_knowledge); nor is the lexicon, when its
        files are those `previous`'s was read from. `on_base` is given the fact base once
        it is read, before it is indexed (engine_file.BaseWriter writes it meanwhile).

        No garbage collection meanwhile: the build makes objects that live on (and then
        frozen, see freeze_heap), and a collection would walk all of them and `previous`."""
        with paused_gc():
            if previous is None and not known:
                lexicon = load_lexicon()
                kb, built = load_built(directory, lexicon)
                if on_base is not None:
                    on_base(kb)
                engine = cls(kb, lexicon, built=built)
            else:
                kb = load_knowledge(directory, previous and previous.kb, known)
                if on_base is not None:
                    on_base(kb)
                lexicon = previous and previous.lexicon
                if lexicon is None or lexicon.stamp != lexicon_stamp():
                    lexicon = load_lexicon()
                engine = cls(kb, lexicon, previous=previous)
        freeze_heap()
        return engine

    # --- reading the question -----------------------------------------------------------------

    def _classify(self, word: str) -> str | None:
        """'ask:KIND', 'focus:KIND', 'which', 'followup', 'stop' or 'off' for a function word;
        None for content."""
        kinds = self._kinds  # most words of a question were seen in earlier questions
        if word not in kinds:
            if len(kinds) >= _MEMO_SIZE:
                kinds.clear()
            kinds[word] = self._classify_afresh(word)
        return kinds[word]

    def _classify_afresh(self, word: str) -> str | None:
        lex = self.lexicon
        if word in lex.which:  # before the stems: "қайда" is a question word, "қай" is not
            return "loose" if word in lex.loose else "which"
        forms = (word, *stems(word))
        for kind, table in (("ask", lex.asks), ("focus", lex.focus)):
            for form in forms:
                if form in table:
                    return f"{kind}:{table[form]}"
        if word in lex.followup:
            return "followup"
        # the word as written decides before its stems: "founded" is off-domain, "found" is not
        for group in ((word,), forms[1:]):
            if any(form in lex.stop for form in group):
                return "stop"
            if any(form in lex.off_domain for form in group):
                return "off"
        return None

    def _read(self, word: str, english: bool) -> tuple[str | None, Match | None]:
        """A word's kind (see _classify), or else the term it resolves to."""
        if word in self.lexicon.numbers and word not in self.index.surfaces:
            return "stop", None  # "the three Minsk summits": a count, weighed like a date
        kind = self._classify(word)
        if kind is not None:
            return kind, None
        match = self.index.resolve(word)
        if english and match is not None and match.translit:
            match = None  # an English word, not Russian typed in Latin letters
        if (match is None or match.similarity < 1) and _latin(word) and not english:
            # Russian in Latin letters: "kogda", "v", "pogoda" beat a fuzzy guess
            kind = self._classify(latin_to_cyrillic(word))
            match = None if kind else match
        return kind, match

    def _read_kazakh_latin(self, word: str) -> tuple[str, str | None, Match | None]:
        """A word of Kazakh typed in Latin letters: its skeleton, and its kind or term.

        Names and acronyms the fact base writes in Latin letters ("JCPOA", "P5+1") stay as
        they are; every other word is read as Kazakh.
        """
        lex, index = self.lexicon.kazakh_latin, self.index
        skeleton = kazakh_latin_skeleton(word)
        kind = lex.get(skeleton)
        if kind is not None and not kind.startswith("="):
            return skeleton, kind, None
        match = index.resolve_kazakh(skeleton, fuzzy=False)
        if match is None and word in index.surfaces:
            match = index.resolve(word)
        if match is None:
            for form in skeleton_stems(skeleton)[1:]:
                kind = lex.get(form)
                if kind is not None and not kind.startswith("="):
                    return skeleton, kind, None
            match = index.resolve_kazakh(skeleton)
        if match is None and word.isalpha():
            kind = self._classify(word)  # an English word among the Kazakh ones
            kind = kind if kind in ("stop", "off") else None
        return skeleton, kind, match

    def reads_kazakh_latin(self, text: str) -> bool:
        """Whether a Latin-letter text is Kazakh: more of its words are Kazakh than English
        or Russian typed in Latin letters, or it uses letters only Kazakh Latin has; or its
        one word that is not a name is Kazakh with a Kazakh ending ("minsk *sammitteri*
        nazarbaev")."""
        if is_cyrillic(text):
            return False
        lex, index = self.lexicon, self.index
        special = any(ch in KAZAKH_LATIN_LETTERS for ch in text) or bool(
            KAZAKH_APOSTROPHE.search(text)
        )
        kazakh = 2 if special else 0
        english = inflected = 0
        others: list[str] = []  # neither Kazakh nor English: Russian? (asked only if need be)
        for word in latin_words(text):
            if word.isdigit():
                continue
            skeleton = kazakh_latin_skeleton(word)
            kind = self._classify(word)
            is_english = kind is not None or (
                word in index.surfaces and not is_cyrillic(index.surfaces[word])
            )
            forms = skeleton_stems(skeleton)
            is_kazakh = forms[0] in lex.kazakh_markers or (
                len(forms) > 1 and forms[-1] in lex.kazakh_markers
            )
            if not is_kazakh and kind is None:  # a content word, or a name both write alike
                is_kazakh = index.resolve_kazakh(skeleton, fuzzy=False) is not None
            if is_kazakh and is_english:
                continue  # a name both write alike ("Astana"), or a word of both
            if is_kazakh:
                kazakh += 1
                inflected += len(forms) > 1
            elif is_english:
                english += 1
            elif word.isalpha():
                others.append(word)
        if not kazakh:
            return False
        russian = sum(map(self._russian_in_latin, others))
        if inflected and not english and not russian:
            return True
        return kazakh >= 2 and kazakh > english and kazakh > russian

    def _russian_in_latin(self, word: str) -> bool:
        """A Russian word typed in Latin letters: a function word, or one the base writes
        ("islamskoe", "sblizhenie")."""
        cyrillic = latin_to_cyrillic(word)
        written = len(word) > 3 and self.index.exact(cyrillic) is not None
        return written or self._classify(cyrillic) == "stop"

    def reads_kazakh_cyrillic(self, text: str) -> bool:
        """Whether a Cyrillic text without Kazakh letters is Kazakh typed on a Russian keyboard
        ("сирия астана келисоз"): more of its words are Kazakh words only (the Kazakh lexicon
        spells them with Kazakh letters: "келіссөз") than Russian ones (names both write
        alike, "Сирия", count for neither)."""
        kazakh = russian = 0
        for word in words(text):
            if not word.isalpha():
                continue
            skeleton = kazakh_skeleton(word)
            if not self.lexicon.kazakh_lettered.isdisjoint(skeleton_stems(skeleton)):
                kazakh += 1
            elif self.index.resolve_kazakh(skeleton, fuzzy=False) is None:  # "Сирия": both
                match = self.index.resolve(word)
                exact = match is not None and match.similarity == 1
                russian += exact or self._classify(word) is not None
        return kazakh > russian

    def analyse(self, question: str) -> Analysis:
        text = normalise(question)
        analysis = Analysis(lang=detect_language(question))
        analysis.dates, rest = find_dates(text)
        analysis.kazakh_latin = self.reads_kazakh_latin(rest)
        if analysis.kazakh_latin or (analysis.lang == "ru" and self.reads_kazakh_cyrillic(rest)):
            analysis.lang = "kk"
        sentences = split_sentences(rest)
        found: list[str] = []  # the words as written
        read: list[tuple[str | None, Match | None]] = []
        keys: list[str] = []  # the words as the lexicon's phrases spell them
        where: list[int] = []  # each word's sentence
        english = False
        if not analysis.kazakh_latin:
            found = [w for _, ws in sentences for w in words(ws)]
            english = self._plainly_english(found)
        for number, (_, sentence) in enumerate(sentences):
            if analysis.kazakh_latin:
                for word in latin_words(sentence):
                    skeleton, kind, match = self._read_kazakh_latin(word)
                    found.append(word)
                    keys.append(skeleton)
                    read.append((kind, match))
                    where.append(number)
            else:
                for word in words(sentence):
                    keys.append(word)
                    read.append(self._read(word, english))
                    where.append(number)
        phrased = read_phrases(keys, read, self.lexicon, self.index)
        clause, asking = asking_clause(sentences, where, read)
        named = named_words(question)
        analysis.words = found
        joining = CONJUNCTIONS if english or analysis.kazakh_latin else TRANSLIT_CONJUNCTIONS
        analysis.conjunction = "," in rest or "&" in rest or bool(joining.intersection(keys))
        foreign_roles = set() if analysis.kazakh_latin else self._foreign_roles(found) - phrased
        owned = owned_words(found)
        kinds: list[str] = []  # each word as the question's shape sees it: see reading.word_shape
        asked: list[str] = []  # question words in the clause, in order
        nouns: list[str] = []  # focus nouns in the clause
        last_match: Match | None = None  # pairs are made of adjacent content words only
        skip = False
        for position, word in enumerate(found):
            kind, match = read[position]
            in_clause = where[position] in clause
            in_asking = where[position] in asking
            if position in foreign_roles:
                kind, match = "off", None
            elif not in_asking and kind and kind.startswith(("ask:", "which", "loose")):
                kind = "stop"  # "the country *whose* capital..." told before the question
            elif (
                position
                and found[position - 1] in POSSESSIVES
                and kind is None
                # "my *Syria* essay" names Syria; "my *building*" is no "build" of the base
                and (match is None or match.similarity < 1 or word not in self.index.surfaces)
            ) or (position in owned and kind is None):
                kind, match = "stop", None  # "my *uncle* says": the asker's own, not asked about
            if skip:
                skip = False
                kinds.append("word")
                continue
            number = word in self.lexicon.numbers or keys[position] in self.lexicon.numbers
            kinds.append("fn" if number else word_shape(kind, match, in_clause))
            # "which year", "қай жылы", "how many years": the next word says what is asked
            if kind in ("which", "loose", "ask:how_many"):
                after = position + 1
                while after in phrased and read[after][0] == "stop":  # "many" of "how many"
                    after += 1
                following = read[after][0] if after < len(read) else None
                if following and following.startswith(("ask:", "focus:")):
                    kind, skip = "ask:" + following.split(":", 1)[1], after == position + 1
                elif kind in ("which", "loose"):
                    kind = "stop"
            if kind and kind.startswith(("ask:", "focus:")):
                if in_asking:
                    (asked if kind.startswith("ask:") else nouns).append(kind.split(":", 1)[1])
            elif kind == "followup":
                analysis.followup = analysis.followup or in_asking
                # "anything *else*" asks past the last answer; "who else" for more of it
                asker = position and (read[position - 1][0] or "").startswith(("ask:", "which"))
                beyond = in_asking and word in self.lexicon.beyond and not asker
                analysis.beyond = analysis.beyond or beyond
            elif kind == "off":
                if in_clause:
                    analysis.off_domain.append(word)
                else:
                    analysis.context_off_domain += 1
            elif keys[position] in joining:
                pass  # "Ресей мен Түркия", as "Russia and Turkey": two names, no pair
            elif kind == "stop" or word.isdigit():
                continue  # function words do not break a pair: "council of security"
            elif match is not None:
                if not in_clause:
                    analysis.context_matches.add(len(analysis.matches))
                analysis.matches.append(match)
                previous = analysis.matches[-2] if len(analysis.matches) > 1 else None
                if previous is not None and previous is last_match:
                    pair = pair_term(previous.term, match.term)
                    if pair in self.index.topic_terms:
                        similarity = min(previous.similarity, match.similarity)
                        if not in_clause:
                            analysis.context_pairs.add(len(analysis.pairs))
                        analysis.pairs.append(Match(f"{previous.word} {word}", pair, similarity))
                last_match = match
                continue
            elif in_clause:
                analysis.unknown.append(word)
                if word in named:
                    analysis.named_unknown.append(word)
            else:
                analysis.context_unknown += 1
            last_match = None
        head = asked_head(kinds, analysis.lang == "kk")
        if head is not None:
            analysis.unknown_head = kinds[head] == "unknown"
            analysis.head_terms = self._head_terms(found, read, head)
        # the question word nearest the verb decides: Kazakh puts the verb last, the others
        # ask first ("When and where..." asks when)
        if asked:
            analysis.focus = asked[-1] if analysis.lang == "kk" else asked[0]
        elif nouns:
            analysis.focus = nouns[0]
        analysis.role, role_words = self._role(found, analysis.focus)
        if analysis.role:
            # "who was on the other *side*": the role word says what is asked, not about what,
            # and is no unknown word either ("who *attended*": no fact says "attended")
            analysis.role_words = role_words
            if head is not None and found[head] in role_words:
                analysis.unknown_head = False  # "who *attended*" asks for a role, not a thing
            analysis.unknown = [w for w in analysis.unknown if w not in role_words]
            analysis.named_unknown = [w for w in analysis.named_unknown if w not in role_words]
        # a question word may stand inside the event's phrase: "Кеңесінде *қашан* болды"
        plain = [w for w in found if not (self._classify(w) or "").startswith("ask:")]
        analysis.events = events_in(plain, self.lexicon)
        analysis.precision = {
            name for name, group in self.lexicon.precision.items() if not group.isdisjoint(found)
        }
        which = any(kind in ("which", "loose") for kind, _ in read)
        if analysis.focus is None and analysis.precision and which:
            analysis.focus = "when"  # «в какой день»: «день» is a stop word, for «добрый день»
        return analysis

    def _role(self, found: list[str], focus: str | None) -> tuple[str | None, frozenset[str]]:
        """For "who", the role asked about: the one whose word stands nearest a "who" word;
        and the words that name a role ("took part", "вёл переговоры": what is asked, not
        about what).

        "кім қабылдады" asks for the host, "who took part" for the parties.
        """
        if focus != "who":
            return None, frozenset()
        lex = self.lexicon
        kinds = [self._classify(word) or "" for word in found]
        whos = [i for i, kind in enumerate(kinds) if kind in ("ask:who", "focus:who")]
        roles = []
        said: set[str] = set()
        for position, word in enumerate(found):
            ahead = (tuple(found[position : position + n]) for n in (3, 2, 1))
            key = next((key for key in ahead if key in lex.phrases), None)
            label = lex.phrases[key] if key is not None else None
            if label is None and self._role_word(word):
                form = next(f for f in (word, *stems(word)) if f in lex.asked_roles)
                label, key = f"role:{lex.asked_roles[form]}", (word,)
            if label and label.startswith("role:") and key is not None:
                roles.append((position, label.removeprefix("role:")))
                said.update(key)
        if not roles:
            return None, frozenset()
        nearest = min(roles, key=lambda r: min((abs(r[0] - w) for w in whos), default=r[0]))
        return nearest[1], frozenset(said)

    def _head_terms(
        self, found: list[str], read: list[tuple[str | None, Match | None]], head: int
    ) -> tuple[str, ...]:
        """What the asked head names: its term, and that of its "of" phrase ("which *group of
        world powers*"). A role word ("who was on the other *side*") names no thing: the role
        is Engine._role's to read."""
        word = found[head]
        if self._role_word(word):
            return ()
        terms = [match.term] if (match := read[head][1]) is not None else []
        if found[head + 1 : head + 2] == ["of"] and head + 2 < len(read):
            after = read[head + 2][1]
            terms += [after.term] if after is not None else []
        return tuple(terms)

    def _role_word(self, word: str) -> bool:
        """Whether a word names a role a "who" asks about: "hosted", "side", "қатысты"."""
        return any(form in self.lexicon.asked_roles for form in (word, *stems(word)))

    def _plainly_english(self, found: list[str]) -> bool:
        """An English function word that is no Russian one in Latin letters ("the", "does",
        but not "pro"): then an unknown word is English, not Russian typed in Latin."""
        return any(
            len(word) >= 3
            and _latin(word)
            and self._classify(word) == "stop"
            and self._classify(latin_to_cyrillic(word)) != "stop"
            for word in found
        )

    def _foreign_roles(self, found: list[str]) -> set[int]:
        """Positions of role words beside a foreign country: "president of Iran", "Turkish PM"."""
        lex = self.lexicon
        linked = [(i, w) for i, w in enumerate(found) if w not in LINK_WORDS]

        def has(word: str, group: frozenset[str]) -> bool:
            return word in group or any(stem in group for stem in stems(word))

        roles = set()
        for j, (position, word) in enumerate(linked):
            if has(word, lex.roles):
                beside = linked[max(0, j - 1) : j] + linked[j + 1 : j + 2]
                if any(has(other, lex.countries) for _, other in beside):
                    roles.add(position)
        return roles

    # --- weighing -----------------------------------------------------------------------------

    def _topic_scores(self, analysis: Analysis) -> dict[str, float]:
        scores: dict[str, float] = {}
        # the question's own words first; the context's then weigh in only for the topics the
        # question points at, or for any when it names none ("Did he?")
        context_scores: dict[str, float] = {}
        for found, context in (
            (analysis.matches, analysis.context_matches),
            (analysis.pairs, analysis.context_pairs),
        ):
            for position, match in enumerate(found):
                if match.word in analysis.role_words:
                    continue
                target = context_scores if position in context else scores
                for topic, evidence in self.index.topic_evidence.get(match.term, {}).items():
                    target[topic] = target.get(topic, 0.0) + match.similarity * evidence
        pointed = set(scores)
        for topic, evidence in context_scores.items():
            if topic in pointed or not pointed:
                scores[topic] = scores.get(topic, 0.0) + CONTEXT_EVIDENCE * evidence
        if analysis.dates:
            fits: dict[str, float] = {}  # the best fit per topic, topics in file order
            for topic, fact in self.dated.candidates(analysis.dates):
                fits[topic.id] = max(fits.get(topic.id, 0.0), date_fit(analysis.dates, fact))
            for topic_id, best in fits.items():
                if best:
                    scores[topic_id] = scores.get(topic_id, 0.0) + DATE_WEIGHT * min(best, 1.0)
        return scores

    def _sharpest(self, topic: str, analysis: Analysis) -> float:
        """The most any single word or pair of the question says for a topic."""
        evidence = self.index.topic_evidence
        return max(
            (
                m.similarity * evidence.get(m.term, {}).get(topic, 0.0)
                for m in analysis.matches + analysis.pairs
            ),
            default=0.0,
        )

    def _own_terms(self, topic: str, analysis: Analysis, least: float) -> bool:
        """Whether the question uses a word that points at this topic more than at any other."""
        for position, match in enumerate(analysis.matches):
            if position in analysis.context_matches:
                continue
            evidence = self.index.topic_evidence.get(match.term, {})
            if evidence.get(topic, 0.0) >= least and max(evidence, key=evidence.get) == topic:
                return True
        return False

    def _best_fact(self, topic: Topic, analysis: Analysis, context: Turn | None) -> Fact:
        def score(fact: Fact) -> float:
            total = 0.0
            for match in analysis.matches + analysis.pairs:
                weight = self.index.fact_terms.get(match.term, {}).get(fact.id)
                if weight:
                    shared = self.index.facts_per_term_in_topic.get((match.term, topic.id), 1)
                    total += match.similarity * weight / shared
            total += 2.0 * date_fit(analysis.dates, fact)
            if analysis.focus and fact_detail(fact, analysis.focus, analysis.role):
                fits = self._answers(fact, analysis) and not self._no_day(fact, analysis)
                total += FOCUS_BONUS if fits else 0.0
            if analysis.focus == "when" and fact.date:
                if self.fact_events.get(fact.id) in analysis.events:
                    total += EVENT_BONUS
                if analysis.precision and analysis.precision <= date_precision(fact.date):
                    total += EVENT_BONUS
            if context and fact.id in context.facts:
                total += 0.3
            return total

        return max(topic.facts, key=score)  # max keeps the first of equals: file order

    def _answers(self, fact: Fact, analysis: Analysis) -> bool:
        """Whether the fact's detail of the asked kind answers what was asked.

        A fact's date is that of its main event (see main_event): "When was the deal signed?"
        is not answered by the date of talks. A reason that credits the fact's own actor says
        why others acted: "Why did Nazarbayev reconcile them?" is not answered by "thanks to
        Nazarbayev's efforts".
        """
        if analysis.focus == "when":
            event = self.fact_events.get(fact.id)
            return not (analysis.events and event and event not in analysis.events)
        if analysis.focus == "why":
            names = self.self_credited.get(fact.id)
            return not (names and any(m.term in names for m in analysis.matches))
        return True

    @staticmethod
    def _no_day(fact: Fact, analysis: Analysis) -> bool:
        """Whether "on what day" is asked of a fact whose date gives no day: it answers only
        when no fact dated to the day fits the question (then the lead says so)."""
        return bool(
            analysis.focus == "when"
            and fact.date
            and "day" in analysis.precision
            and "day" not in date_precision(fact.date)
        )

    def _covers(self, fact: Fact, analysis: Analysis) -> bool:
        """Whether every content word of the question is a word of this fact."""
        return all(
            fact.id in self.index.fact_terms.get(match.term, {})
            for position, match in enumerate(analysis.matches)
            if position not in analysis.context_matches
        )

    def _role_holder(
        self, answered: list[str], ranked: list[str], analysis: Analysis, last: Turn | None
    ) -> list[str]:
        """A "who" question that asks for a role the best topic's fact lacks is answered first
        by a topic the question also points at whose fact holds that role and covers the
        question: "Who organised the Astana talks?" is answered by Russia and Turkey."""
        role = analysis.role
        if analysis.focus != "who" or not role:
            return answered
        first = self._best_fact(self.kb.topics[answered[0]], analysis, last)
        if fact_detail(first, "who", role):
            return answered
        for topic in ranked:
            if topic in answered:
                continue
            fact = self._best_fact(self.kb.topics[topic], analysis, last)
            if fact_detail(fact, "who", role) and self._covers(fact, analysis):
                return [topic, *answered][:MAX_TOPICS]
        return answered

    # --- answering ----------------------------------------------------------------------------

    def answer(
        self, question: str, lang: str | None = None, context: Sequence[Turn] = ()
    ) -> Answer:
        """Answer one question; `context` holds the conversation's earlier turns, oldest first."""
        analysis = self.analyse(question)
        reply_lang = lang if lang in LANGS else analysis.lang
        last = next((turn for turn in reversed(context) if turn.topics), None)
        base = {"question": question, "lang": reply_lang, "focus": analysis.focus}
        base["role"] = analysis.role
        base["dates"] = tuple(analysis.dates)

        if analysis.empty:
            thanks = "?" not in question and self.lexicon.closing.intersection(analysis.words)
            if last and (analysis.focus or analysis.followup) and not thanks:
                if analysis.role and analysis.role not in self.held_roles:  # "who led it?"
                    return Answer(
                        kind="declined",
                        candidates=last.topics[:1],
                        declined="detail_not_in_facts",
                        **base,
                    )
                return self._topic_answer(list(last.topics[:1]), analysis, last, 0.8, (), base)
            return Answer(kind="declined", declined="off_topic", **base)
        # a date with nothing else, or with only words many topics use ("What did Kazakhstan
        # achieve diplomatically in 2016?"), asks what happened then
        if (
            analysis.dates
            and not analysis.foreign_weight
            and all(self._generic(match.term) for match in analysis.matches)
        ):
            return self._date_answer(analysis, base)

        scores = self._topic_scores(analysis)
        followed: str | None = None  # the earlier topic this question follows up on
        # a follow-up asks for a detail or points back; otherwise it must share words with it
        if last and (
            analysis.focus
            or analysis.followup
            or (not analysis.unknown and last.topics[0] in scores)
        ):
            followed = last.topics[0]
            scores[followed] = scores.get(followed, 0.0) + CONTEXT_PRIOR
        if not scores:
            return Answer(kind="declined", declined="off_topic", **base)
        # only the leaders matter: a large fact base gives many topics a little evidence
        ranked = heapq.nsmallest(
            2 * MAX_TOPICS, scores, key=lambda t: (-scores[t], self.kb.topics[t].order)
        )
        if analysis.beyond and followed is not None:
            ranked = self._beyond(ranked, followed, analysis)
            followed = ranked[0]  # what the follow-up is about, from here on
        best = scores[ranked[0]]
        answered = [ranked[0]]
        # "list all the talks Kazakhstan hosted": every topic that names all the best one does
        listing = "all" in analysis.precision and not analysis.conjunction
        terms = self.index.topic_terms if listing else {}
        named_by_best = (
            {m.term for m in analysis.matches if ranked[0] in terms.get(m.term, {})}
            if listing
            else set()
        )
        for topic in ranked[1:MAX_TOPICS] if analysis.conjunction or listing else ():
            if scores[topic] < min(SECOND_TOPIC_SHARE * best, STRONG_EVIDENCE):
                continue
            if listing:
                own = all(topic in terms.get(t, {}) for t in named_by_best)
            else:
                own = self._own_terms(topic, analysis, STRONG_EVIDENCE)
            if own:
                answered.append(topic)
        coverage = self._coverage(analysis, {*answered, followed})
        confidence = coverage * min(1.0, best / STRONG_EVIDENCE)
        sharpest = self._sharpest(ranked[0], analysis)
        if not analysis.dates and ranked[0] != followed and sharpest < TOPICAL_EVIDENCE:
            confidence = min(confidence, DECLINE_BELOW * 0.9)  # only generic words: not sure
        close = [t for t in ranked if scores[t] >= CANDIDATE_SHARE * best]

        named = sharpest >= TOPICAL_EVIDENCE and not analysis.off_domain
        heads = analysis.head_terms
        if named and (
            analysis.unknown_head
            or (heads and not any(answered[0] in self.index.topic_terms.get(h, {}) for h in heads))
        ):
            confidence = min(confidence, DECLINE_BELOW * 0.9)  # asks about what we never name
            coverage = 0.0
        # asks what was signed or founded, where no fact of the topic records such an act
        # (other events are told loosely: "sat down with Iran" is talks, not membership)
        acts = analysis.events & RECORDED_ACTS if analysis.focus != "when" else frozenset()
        if named and acts and not self._records(answered[0], acts, analysis.dates):
            confidence = min(confidence, DECLINE_BELOW * 0.9)  # an event no fact of it names
            coverage = 0.0
        counts = analysis.focus != "how_many" or self._counts(answered[0])
        if named and not counts:
            confidence = min(confidence, DECLINE_BELOW * 0.9)  # no fact of it states a count
            coverage = 0.0  # an answer would not speak to what was asked
        # "Why did Turkey shoot down the Russian jet?": the countries are ours, what they did
        # is not: two words no fact uses, and every word we know only names a country
        own = [m for i, m in enumerate(analysis.matches) if i not in analysis.context_matches]
        if named and len(analysis.unknown) >= 2 and own and all(map(self._country, own)):
            confidence = min(confidence, DECLINE_BELOW * 0.9)
            coverage = 0.0
        role = analysis.role
        if role and role not in self.held_roles:
            confidence = min(confidence, DECLINE_BELOW * 0.9)  # "who headed the delegation?":
            coverage = 0.0  # a role no fact names
        if confidence < DECLINE_BELOW:
            base["score"] = round(confidence * 100, 1)
            if coverage >= 0.75:  # on our ground, just not clear: "did you mean"
                return Answer(
                    kind="declined", candidates=tuple(close[:MAX_TOPICS]), declined="unsure", **base
                )
            if named and ranked[0] != followed:
                # it names a topic of ours but asks what no fact of it holds
                return Answer(
                    kind="declined",
                    candidates=tuple(answered),
                    declined="detail_not_in_facts",
                    **base,
                )
            return Answer(kind="declined", declined="off_topic", **base)
        unsure = best < SURE_SHARE * sum(scores.values())
        answered = self._role_holder(answered, ranked, analysis, last)
        candidates = tuple(t for t in close if t not in answered)[:MAX_TOPICS] if unsure else ()
        return self._topic_answer(answered, analysis, last, confidence, candidates, base)

    def _beyond(self, ranked: list[str], followed: str, analysis: Analysis) -> list[str]:
        """ "Do they cooperate on anything else?", "what else in Syria?": another topic whose
        fact speaks to every word of the question goes before the one just answered."""
        for topic in ranked:
            fact = self._best_fact(self.kb.topics[topic], analysis, None)
            if topic != followed and analysis.matches and self._covers(fact, analysis):
                return [topic, *(t for t in ranked if t != topic)]
        return ranked

    def _generic(self, term: str) -> bool:
        """Whether half the topics or more use a term ("talks", "war"): it names none."""
        return len(self.index.topic_terms.get(term, {})) >= max(2, len(self.kb.topics) // 2)

    def _records(self, topic: str, acts: frozenset[str], dates: Sequence[DateQuery]) -> bool:
        """Whether a fact of the topic names one of the acts; with dates, one dated within
        them ("What was signed on 23 January 2017?" is not answered by 2015's agreements)."""
        if not acts & self.topic_events[topic]:
            return False
        return not dates or any(
            date_fit(dates, fact) and acts & events_in(words(normalise(fact.text.en)), self.lexicon)
            for fact in self.kb.topics[topic].facts
        )

    def _country(self, match: Match) -> bool:
        """Whether a word only names a country ("Turkey", "Russian", «турецкий»)."""
        countries = self.lexicon.countries
        return any(form in countries for form in (match.word, *stems(match.word)))

    def _counts(self, topic: str) -> bool:
        """Whether some fact of a topic states a count: what "how many" needs."""
        return any(fact.id in self.counted for fact in self.kb.topics[topic].facts)

    def _coverage(self, analysis: Analysis, topics: set[str | None]) -> float:
        """The share of the question the answer speaks to.

        A word the answered topics never use counts against the answer like an unknown
        word, even when another topic uses it: "the president of Iran" is not about
        Kazakhstan's president, whom only other topics mention. A generic word ("talks",
        "war") the answer does not use counts half. So does a date: it counts for the
        answer only when one of its facts has that date, and a date no fact has is never
        chatter. Words of the context sentences weigh CONTEXT_WEIGHT.
        """
        known, foreign, missed_date = 0.0, 0.0, 0.0
        unknown = float(len(analysis.unknown))
        if analysis.dates:
            fits = any(
                date_fit(analysis.dates, fact)
                for topic in topics
                if topic in self.kb.topics
                for fact in self.kb.topics[topic].facts
            )
            known, missed_date = (known + 1.0, 0.0) if fits else (known, 1.0)
        sharp = 0
        # the context's words that the answer does not speak to: chatter, however many
        context = float(analysis.context_unknown + analysis.context_off_domain)
        for position, match in enumerate(analysis.matches):
            postings = self.index.topic_terms.get(match.term, {})
            evidence = self.index.topic_evidence.get(match.term, {})
            if match.word in analysis.role_words and not topics.intersection(postings):
                continue  # what is asked, not what it is asked about
            if topics.intersection(postings):
                weight = CONTEXT_WEIGHT if position in analysis.context_matches else 1.0
                known += weight * match.similarity
                sharp += max(evidence.get(t, 0.0) for t in topics if t) >= TOPICAL_EVIDENCE
            elif position in analysis.context_matches:
                context += 1
            elif self._generic(match.term):
                known += match.similarity / 2
                foreign += match.similarity / 2
            else:
                foreign += match.similarity
        # chatter: in a long message, or around two words that name the topic, foreign words
        # are mostly pleasantries; words asking for what we never hold keep their full weight
        content = len(analysis.matches) + len(analysis.unknown) + len(analysis.off_domain)
        content += analysis.context_unknown + analysis.context_off_domain
        chatty = min(1.0, CHATTY_LENGTH / content) if content else 1.0
        if sharp >= 2:
            foreign /= 2
            unknown *= UNKNOWN_BESIDE_SHARP
        foreign = (foreign + unknown) * chatty
        foreign += missed_date
        foreign += OFF_DOMAIN_WEIGHT * len(analysis.off_domain)
        foreign += (NAMED_WEIGHT - 1) * len(analysis.named_unknown)  # never chatter
        foreign += min(CONTEXT_CAP, CONTEXT_WEIGHT * context)
        return known / (known + foreign) if known else 0.0

    def _topic_answer(
        self,
        topics: list[str],
        analysis: Analysis,
        last: Turn | None,
        confidence: float,
        candidates: tuple[str, ...],
        base: dict,
    ) -> Answer:
        chosen = [self._best_fact(self.kb.topics[t], analysis, last) for t in topics]
        no_day = self._no_day(chosen[0], analysis)
        date = chosen[0].date
        if (
            no_day
            and date
            and analysis.dates
            and all(q.label("en") == date.label("en") for q in analysis.dates)
        ):
            # "What exact day in May 2015…?": it knows the month; the day is what no fact gives
            base["score"] = round(confidence * 100, 1)
            return Answer(
                kind="declined", candidates=tuple(topics), declined="detail_not_in_facts", **base
            )
        return Answer(
            kind="topic",
            topics=tuple(topics),
            facts=tuple(fact.id for fact in chosen),
            detail_withheld=bool(analysis.focus) and not self._answers(chosen[0], analysis),
            no_day=no_day,
            score=round(confidence * 100, 1),
            candidates=candidates,
            **base,
        )

    def _date_answer(self, analysis: Analysis, base: dict) -> Answer:
        """List every fact dated within the asked period; decline when there is none."""
        fits = {
            fact.id: date_fit(analysis.dates, fact)
            for _, fact in self.dated.candidates(analysis.dates)
        }
        top = max(fits.values(), default=0.0)
        if not top:
            return Answer(kind="declined", declined="off_topic", **base)
        chosen = [fid for fid, fit in fits.items() if fit >= min(top, 1.0)]
        best_first = sorted(chosen, key=lambda fid: -fits[fid])
        topics = tuple(dict.fromkeys(self.kb.topic_of(fid).id for fid in best_first))
        chosen.sort(key=lambda fid: self.kb.fact(fid).date.first_day)
        return Answer(kind="date", topics=topics, facts=tuple(chosen), score=100.0, **base)


class DatedFacts:
    """Dated facts by year and by month, so a date in a question looks at few facts, not all.

    A fact left out of `candidates` could only fit the dates with 0 (see DateQuery.overlap).
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        self.facts = list(kb.facts.values())  # file order: topics in order, then their facts
        self.by_year: dict[int, list[int]] = defaultdict(list)
        self.by_month: dict[int | None, list[int]] = defaultdict(list)  # points without a year
        for position, (_, fact) in enumerate(self.facts):
            if fact.date is None:
                continue
            for year in range(fact.date.first_day.year, fact.date.last_day.year + 1):
                self.by_year[year].append(position)
            if fact.date.end is None:
                self.by_month[fact.date.start.month].append(position)

    def candidates(self, dates: Sequence[DateQuery]) -> list[tuple[Topic, Fact]]:
        """The facts that may fit any of the dates, in file order."""
        found: set[int] = set()
        for query in dates:
            if query.first_day is None or query.last_day is None:
                found.update(self.by_month.get(query.month, ()))
                continue
            for year in range(query.first_day.year, query.last_day.year + 1):
                found.update(self.by_year.get(year, ()))
        return [self.facts[position] for position in sorted(found)]


def freeze_heap() -> None:
    """Keep the garbage collector from walking the index again and again.

    The index lives as long as the process; on a large fact base the collector's walks over
    it are the slowest moments of answering.
    """
    gc.freeze()


def _latin(word: str) -> bool:
    return word.isalpha() and not is_cyrillic(word)


def _facts_alone(
    kb: KnowledgeBase,
    lexicon: Lexicon,
    previous: Engine | None,
    kept: set[str],
    built: Built | None,
    memo: EventWords,
) -> tuple[frozenset[str], dict[str, str], dict[str, tuple[str, ...]]]:
    """What each fact says alone (fact_alone), as the engine keeps it: the facts that state a
    count, each fact's event, each fact's credited names. `previous`'s for the facts of the
    `kept` topics, `built`'s or worked out for the others."""
    counted: set[str] = set()
    events: dict[str, str] = {}
    names: dict[str, tuple[str, ...]] = {}
    if previous is not None:
        gone = [f.id for t in previous.kb.topics.values() if t.id not in kept for f in t.facts]
        counted.update(previous.counted.difference(gone))
        events.update(previous.fact_events)
        names.update(previous.credit_names)
        for fid in gone:
            events.pop(fid, None)
            names.pop(fid, None)
    ready = built.facts if built is not None else {}
    for topic in kb.topics.values():
        if topic.id in kept:
            continue
        for fact in topic.facts:
            alone = ready.get(fact.id) or fact_alone(fact, lexicon, memo)
            if alone.counted:
                counted.add(fact.id)
            if alone.event:
                events[fact.id] = alone.event
            if alone.names:
                names[fact.id] = alone.names
    return frozenset(counted), events, names


def _kept_topics(kb: KnowledgeBase, lexicon: Lexicon, previous: Engine | None) -> set[str]:
    """Ids of the topics `previous` knew as these very objects (so their facts too), with
    the same lexicon."""
    if previous is None or previous.lexicon != lexicon or not hasattr(previous, "credit_names"):
        return set()
    known = previous.kb.topics
    return {tid for tid, topic in kb.topics.items() if known.get(tid) is topic}
