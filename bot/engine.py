"""The answer engine: a question (and the conversation so far) in, the best topics and facts out.

It weighs the question's words against the index, its dates against the facts' dates,
and declines when too much of the question is about things the fact base does not hold.
Pure Python: nothing here knows about Telegram.
"""

from __future__ import annotations

import gc
import heapq
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .dates import DateQuery, find_dates
from .index import Index, Match, build_index, pair_term
from .lexicon import Lexicon, load_lexicon
from .loader import KnowledgeBase, load_knowledge
from .schema import Fact, Topic
from .text import LANGS, detect_language, is_cyrillic, latin_to_cyrillic, normalise, stems, words

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
# A fact whose date matches the question's is worth this much evidence for its topic: a little
# less than a topic's own name, so "Iran talks 2015" is about Iran (with a wrong date).
DATE_WEIGHT = 0.9
MAX_TOPICS = 3
# Words whose kind (function word, off-domain...) is remembered; past this, forgotten at once.
_MEMO_SIZE = 65536
# Words that join two subjects: "Iran and Ukraine", "Иран и Украина", "Иран мен Украина".
CONJUNCTIONS = frozenset(
    {
        "and",
        "or",
        "also",
        "plus",
        "vs",
        "и",
        "или",
        "также",
        "және",
        "мен",
        "бен",
        "пен",
        "әрі",
        "немесе",
    }
)
# Words that may stand between a role and its country: "the president of Iran".
LINK_WORDS = frozenset({"the", "of", "a", "an", "'s", "s"})


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
    role: str | None = None  # a "who" question's role: "actor", "host", "parties", "organisers"

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
    """A question taken apart: language, asked-for detail, dates, and its words resolved."""

    lang: str
    focus: str | None = None
    role: str | None = None
    followup: bool = False
    dates: list[DateQuery] = field(default_factory=list)
    matches: list[Match] = field(default_factory=list)
    pairs: list[Match] = field(default_factory=list)  # adjacent matches that form a known pair
    unknown: list[str] = field(default_factory=list)
    named_unknown: list[str] = field(default_factory=list)  # "Libya", "Messi": the subject
    off_domain: list[str] = field(default_factory=list)
    conjunction: bool = False  # "Iran and Ukraine": the question may be about several topics

    @property
    def empty(self) -> bool:
        return not (self.matches or self.unknown or self.off_domain or self.dates)

    @property
    def foreign_weight(self) -> float:
        return len(self.unknown) + OFF_DOMAIN_WEIGHT * len(self.off_domain)


class Engine:
    """Answers questions from one fact base. Immutable once built, so safe to share."""

    def __init__(self, kb: KnowledgeBase, lexicon: Lexicon | None = None) -> None:
        self.kb = kb
        self.lexicon = lexicon or load_lexicon()
        self.index: Index = build_index(kb, self.lexicon)
        self.dated = DatedFacts(kb)
        self._kinds: dict[str, str | None] = {}  # _classify's answers: words to kinds

    @classmethod
    def load(cls, directory: str | Path | None = None) -> Engine:
        engine = cls(load_knowledge(directory))
        freeze_heap()
        return engine

    # --- reading the question -----------------------------------------------------------------

    def _classify(self, word: str) -> str | None:
        """'focus:KIND', 'followup', 'stop' or 'off' for a function word; None for content."""
        kinds = self._kinds  # most words of a question were seen in earlier questions
        if word not in kinds:
            if len(kinds) >= _MEMO_SIZE:
                kinds.clear()
            kinds[word] = self._classify_afresh(word)
        return kinds[word]

    def _classify_afresh(self, word: str) -> str | None:
        lex = self.lexicon
        forms = (word, *stems(word))
        for form in forms:
            if form in lex.focus:
                return f"focus:{lex.focus[form]}"
        if word in lex.followup:
            return "followup"
        # the word as written decides before its stems: "founded" is off-domain, "found" is not
        for group in ((word,), forms[1:]):
            if any(form in lex.stop for form in group):
                return "stop"
            if any(form in lex.off_domain for form in group):
                return "off"
        return None

    def analyse(self, question: str) -> Analysis:
        text = normalise(question)
        analysis = Analysis(lang=detect_language(question))
        analysis.dates, rest = find_dates(text)
        last_match: Match | None = None  # pairs are made of adjacent content words only
        found = words(rest)
        named = _named_words(question)
        analysis.conjunction = "," in rest or "&" in rest or bool(CONJUNCTIONS.intersection(found))
        foreign_roles = self._foreign_roles(found)
        english = self._plainly_english(found)
        for position, word in enumerate(found):
            kind = "off" if position in foreign_roles else self._classify(word)
            match = None
            if kind is None:
                match = self.index.resolve(word)
                if english and match is not None and match.translit:
                    match = None  # an English word, not Russian typed in Latin letters
                if (match is None or match.similarity < 1) and _latin(word) and not english:
                    # Russian in Latin letters: "kogda", "v", "pogoda" beat a fuzzy guess
                    kind = self._classify(latin_to_cyrillic(word))
                    match = None if kind else match
            if kind and kind.startswith("focus:"):
                analysis.focus = analysis.focus or kind.removeprefix("focus:")
            elif kind == "followup":
                analysis.followup = True
            elif kind == "off":
                analysis.off_domain.append(word)
            elif kind == "stop" or word.isdigit():
                continue  # function words do not break a pair: "council of security"
            elif match is not None:
                analysis.matches.append(match)
                previous = analysis.matches[-2] if len(analysis.matches) > 1 else None
                if previous is not None and previous is last_match:
                    pair = pair_term(previous.term, match.term)
                    if pair in self.index.topic_terms:
                        similarity = min(previous.similarity, match.similarity)
                        analysis.pairs.append(Match(f"{previous.word} {word}", pair, similarity))
                last_match = match
                continue
            else:
                analysis.unknown.append(word)
                if word in named:
                    analysis.named_unknown.append(word)
            last_match = None
        analysis.focus, analysis.role = self._asked(found, analysis.focus)
        return analysis

    def _asked(self, found: list[str], focus: str | None) -> tuple[str | None, str | None]:
        """The asked detail and, for "who", the role, from phrases and role words.

        A phrase ("how many") decides the detail when it comes before every focus word.
        A "who" question asks for the role whose word stands nearest a "who" word:
        "кім қабылдады" asks for the host, "who took part" for the parties.
        """
        lex = self.lexicon
        kinds = [self._classify(word) or "" for word in found]
        first_focus = next((i for i, k in enumerate(kinds) if k.startswith("focus:")), len(found))
        whos = [i for i, kind in enumerate(kinds) if kind == "focus:who"]
        roles = []
        for position, word in enumerate(found):
            ahead = (tuple(found[position : position + n]) for n in (3, 2, 1))
            label = next((lex.phrases[key] for key in ahead if key in lex.phrases), None)
            if label is None:
                form = next((f for f in (word, *stems(word)) if f in lex.asked_roles), None)
                label = f"role:{lex.asked_roles[form]}" if form else None
            if label and label.startswith("role:"):
                roles.append((position, label.removeprefix("role:")))
            elif label and position < first_focus:
                focus, first_focus = label.removeprefix("focus:"), position
        if focus != "who" or not roles:
            return focus, None
        nearest = min(roles, key=lambda r: min((abs(r[0] - w) for w in whos), default=r[0]))
        return focus, nearest[1]

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
        for match in analysis.matches + analysis.pairs:
            for topic, evidence in self.index.topic_evidence.get(match.term, {}).items():
                scores[topic] = scores.get(topic, 0.0) + match.similarity * evidence
        if analysis.dates:
            fits: dict[str, float] = {}  # the best fit per topic, topics in file order
            for topic, fact in self.dated.candidates(analysis.dates):
                fits[topic.id] = max(fits.get(topic.id, 0.0), _date_fit(analysis.dates, fact))
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
        for match in analysis.matches:
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
            total += 2.0 * _date_fit(analysis.dates, fact)
            if analysis.focus and fact_detail(fact, analysis.focus, analysis.role):
                total += 0.5
            if context and fact.id in context.facts:
                total += 0.3
            return total

        return max(topic.facts, key=score)  # max keeps the first of equals: file order

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
            if last and (analysis.focus or analysis.followup):
                return self._topic_answer(list(last.topics[:1]), analysis, last, 0.8, (), base)
            return Answer(kind="declined", **base)
        if not analysis.matches and analysis.dates and not analysis.foreign_weight:
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
            return Answer(kind="declined", **base)
        # only the leaders matter: a large fact base gives many topics a little evidence
        ranked = heapq.nsmallest(
            2 * MAX_TOPICS, scores, key=lambda t: (-scores[t], self.kb.topics[t].order)
        )
        best = scores[ranked[0]]
        answered = [ranked[0]]
        for topic in ranked[1:MAX_TOPICS] if analysis.conjunction else ():
            enough = min(SECOND_TOPIC_SHARE * best, STRONG_EVIDENCE)
            if scores[topic] >= enough and self._own_terms(topic, analysis, STRONG_EVIDENCE):
                answered.append(topic)
        coverage = self._coverage(analysis, {*answered, followed})
        confidence = coverage * min(1.0, best / STRONG_EVIDENCE)
        sharpest = self._sharpest(ranked[0], analysis)
        if not analysis.dates and ranked[0] != followed and sharpest < TOPICAL_EVIDENCE:
            confidence = min(confidence, DECLINE_BELOW * 0.9)  # only generic words: not sure
        close = [t for t in ranked if scores[t] >= CANDIDATE_SHARE * best]

        if confidence < DECLINE_BELOW:
            # offer "did you mean" only when the question was on our ground, just not clear
            candidates = tuple(close[:MAX_TOPICS]) if coverage >= 0.75 else ()
            return Answer(
                kind="declined", score=round(confidence * 100, 1), candidates=candidates, **base
            )
        unsure = best < SURE_SHARE * sum(scores.values())
        candidates = tuple(t for t in close if t not in answered)[:MAX_TOPICS] if unsure else ()
        return self._topic_answer(answered, analysis, last, confidence, candidates, base)

    def _coverage(self, analysis: Analysis, topics: set[str | None]) -> float:
        """The share of the question the answer speaks to.

        A word the answered topics never use counts against the answer like an unknown
        word, even when another topic uses it: "the president of Iran" is not about
        Kazakhstan's president, whom only other topics mention. A generic word ("talks",
        "war") the answer does not use counts half. So does a date: it counts for the
        answer only when one of its facts has that date.
        """
        generic = max(2, len(self.kb.topics) // 2)
        known, foreign = 0.0, float(len(analysis.unknown))
        if analysis.dates:
            fits = any(
                _date_fit(analysis.dates, fact)
                for topic in topics
                if topic in self.kb.topics
                for fact in self.kb.topics[topic].facts
            )
            known, foreign = (known + 1.0, foreign) if fits else (known, foreign + 1.0)
        sharp = 0
        for match in analysis.matches:
            postings = self.index.topic_terms.get(match.term, {})
            evidence = self.index.topic_evidence.get(match.term, {})
            if topics.intersection(postings):
                known += match.similarity
                sharp += max(evidence.get(t, 0.0) for t in topics if t) >= TOPICAL_EVIDENCE
            elif len(postings) >= generic:
                known += match.similarity / 2
                foreign += match.similarity / 2
            else:
                foreign += match.similarity
        # chatter: in a long message, or around two words that name the topic, foreign words
        # are mostly pleasantries; words asking for what we never hold keep their full weight
        content = len(analysis.matches) + len(analysis.unknown) + len(analysis.off_domain)
        foreign *= min(1.0, CHATTY_LENGTH / content) if content else 1.0
        if sharp >= 2:
            foreign /= 2
        foreign += OFF_DOMAIN_WEIGHT * len(analysis.off_domain)
        foreign += (NAMED_WEIGHT - 1) * len(analysis.named_unknown)  # never chatter
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
        facts = tuple(self._best_fact(self.kb.topics[t], analysis, last).id for t in topics)
        return Answer(
            kind="topic",
            topics=tuple(topics),
            facts=facts,
            score=round(confidence * 100, 1),
            candidates=candidates,
            **base,
        )

    def _date_answer(self, analysis: Analysis, base: dict) -> Answer:
        """List every fact dated within the asked period; decline when there is none."""
        fits = {
            fact.id: _date_fit(analysis.dates, fact)
            for _, fact in self.dated.candidates(analysis.dates)
        }
        top = max(fits.values(), default=0.0)
        if not top:
            return Answer(kind="declined", **base)
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


_SENTENCE_WORD = re.compile(r"(^|[.!?…:;]\s*|\s+)([^\W\d_][^\W_]*)")


def _named_words(question: str) -> set[str]:
    """Capitalised words that do not start a sentence, lower-cased: names of things."""
    named = set()
    for match in _SENTENCE_WORD.finditer(question):
        before, word = match.group(1), match.group(2)
        if word[0].isupper() and before and before.isspace():
            named.add(normalise(word))
    return named


def _latin(word: str) -> bool:
    return word.isalpha() and not is_cyrillic(word)


def _date_fit(dates: Sequence[DateQuery], fact: Fact) -> float:
    if not dates or fact.date is None:
        return 0.0
    return max(query.overlap(fact.date) for query in dates)


def fact_detail(fact: Fact, focus: str, role: str | None = None) -> object:
    """The part of a fact that answers a focus: its date, place, role(s), reason or count.

    None when the fact does not hold it: then the answer must say so, never borrow it.
    """
    if focus == "who":
        return fact.who and (getattr(fact.who, role) if role else fact.who)
    fields = {"when": "date", "where": "place", "why": "reason", "how_many": "count"}
    return getattr(fact, fields[focus]) if focus in fields else None
