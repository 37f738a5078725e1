"""How a question is read: its sentences, the clause that asks, and the lexicon's phrases.

The engine weighs words; this module finds which of them ask. A long message ("My daughter
is writing an essay... Is that true?") asks in one sentence, and a who/which/how-many word
asks about the word beside it ("who is the *secretary*"), which the fact base may not hold.
"""

from __future__ import annotations

import re

from .index import Index, Match
from .lexicon import MAX_PHRASE, Lexicon
from .text import kazakh_skeleton, normalise, stems

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
CONJUNCTIONS = CONJUNCTIONS | {kazakh_skeleton(word) for word in CONJUNCTIONS}  # Latin-typed
# ... and Russian ones in Latin letters, where the text is not plainly English ("irana i sirii")
TRANSLIT_CONJUNCTIONS = CONJUNCTIONS | {"i", "ili"}
# Words that make the next one the asker's own: "my *uncle* says", "мой *сосед*", "менің *ағам*".
POSSESSIVES = frozenset({"my", "our", "мой", "моя", "мои", "моего", "моей", "наш", "наша", "менің"})
# Words that may stand between a role and its country: "the president of Iran".
LINK_WORDS = frozenset({"the", "of", "a", "an", "'s", "s"})
# Possessives that follow what they own: "the council *of my* building", «совет *моего* дома».
_OWNER_AFTER = {"of": frozenset({"my", "our"})}
_GENITIVE_POSSESSIVES = frozenset({"моего", "моей", "моих", "нашего", "нашей", "наших"})
_PHRASE_ENDS = LINK_WORDS | {"in", "at", "on", "for", "to", "about", "в", "на", "о", "об", "по"}


def owned_words(found: list[str]) -> set[int]:
    """Positions of the words a possessive after them makes the asker's own: "the *security
    council* of my building" is the building's council, not the UN's («*совет безопасности*
    моего дома»), and so is "the *next meeting* of" it. At most three words back from each
    "of", up to a link word."""
    owned: set[int] = set()
    if "my" not in found and "our" not in found and _GENITIVE_POSSESSIVES.isdisjoint(found):
        return owned  # most questions: one pass in C
    for position, word in enumerate(found):
        after = found[position + 1] if position + 1 < len(found) else ""
        if not (
            after in _OWNER_AFTER.get(word, ())
            or (word in _GENITIVE_POSSESSIVES and position + 1 < len(found))
        ):
            continue
        end = position  # "of" itself is a link word
        while True:
            start = end
            while start > max(0, end - 3) and found[start - 1] not in _PHRASE_ENDS:
                start -= 1
            owned.update(range(start, end))
            # "the next meeting *of the* council of my building": owned in turn
            link = start - 1
            while link >= 0 and found[link] in ("the", "a", "an"):
                link -= 1
            if link < 1 or found[link] != "of" or start == end:
                break
            end = link
    return owned


_SENTENCE_WORD = re.compile(r"(^|[.!?…:;]\s*|\s+)([^\W\d_][^\W_]*)")


def named_words(question: str) -> set[str]:
    """Capitalised words that do not start a sentence, lower-cased: names of things."""
    named = set()
    for match in _SENTENCE_WORD.finditer(question):
        before, word = match.group(1), match.group(2)
        if word[0].isupper() and before and before.isspace():
            named.add(normalise(word))
    return named


_SENTENCE = re.compile(r"[^.!?…;\n]+([.!?…;\n]*)")


_SPACED_DASH = re.compile(r"\s[-–—]+\s")


def split_sentences(text: str) -> list[tuple[bool, str]]:
    """The sentences of a text, each with whether it ends with a question mark; a dash
    between spaces parts two ("before my exam (so stressed) - what was...")."""
    if "-" in text or "–" in text or "—" in text:
        text = _SPACED_DASH.sub("; ", text)
    return [
        (("?" in m.group(1)), m.group(0)) for m in _SENTENCE.finditer(text) if m.group(0).strip()
    ]


def stemmed(found: tuple[str, ...]) -> tuple[str, ...]:
    """Words as lexicon phrases are also kept: each by its likeliest stem."""
    return tuple(stems(word)[0] for word in found)


def read_phrases(
    keys: list[str], read: list[tuple[str | None, Match | None]], lexicon: Lexicon, index: Index
) -> set[int]:
    """Words that are one entry of the lexicon ("how many", "не үшін", "belarusian capital")
    take its kind, or its concept's term; returns the positions they took."""
    taken: set[int] = set()
    position = 0
    while position < len(keys) - 1:
        for length in range(MAX_PHRASE, 1, -1):
            span = tuple(keys[position : position + length])
            if len(span) < length:
                continue
            kind = lexicon.phrases.get(span) or lexicon.phrases.get(stemmed(span))
            if kind is None or kind.startswith("role:"):  # a role is Engine._role's to read
                continue
            if kind.startswith("="):
                if kind not in index.topic_terms:
                    continue
                phrase = " ".join(keys[position : position + length])
                read[position] = (None, Match(phrase, kind, 1.0))
            else:
                read[position] = (kind, None)
            for other in range(position + 1, position + length):
                read[other] = ("stop", None)
            taken.update(range(position, position + length))
            position += length - 1
            break
        position += 1
    return taken


def word_shape(kind: str | None, match: Match | None, in_clause: bool) -> str:
    """A word as asked_head sees it: 'ask' (a word asking who, which or how many),
    'unknown', 'word' (anything else that carries meaning), or 'fn' (skipped)."""
    if not in_clause:
        return "fn"
    if kind in ("ask:who", "ask:how_many", "which"):  # they ask for a thing, not an event's detail
        return "ask"
    if kind == "loose":
        return "loose"
    if kind in ("stop", "followup") or (kind and kind.startswith("focus:")):
        return "fn"
    if kind is None and match is None:
        return "unknown"
    return "word"


def asked_head(kinds: list[str], kazakh: bool) -> int | None:
    """The position of what a who/which/how-many word asks about: the meaningful word after
    it ("who is the *secretary*", "which *agreements*"), or in Kazakh, where the question
    word closes the question, an unknown word before it ("бас *хатшысы* кім").

    A loose "what" asking first has none: it may ask about anything of the topic ("what's
    the *point*", "what *connects*..."), so no word of it must be a word of the facts."""
    for position, kind in enumerate(kinds):
        if kind == "loose":
            return None
        if kind != "ask":
            continue
        after = next((p for p in range(position + 1, len(kinds)) if kinds[p] != "fn"), None)
        before = next((p for p in range(position - 1, -1, -1) if kinds[p] != "fn"), None)
        if kazakh and before is not None and kinds[before] == "unknown":
            return before
        return after
    return None


def asking_clause(
    sentences: list[tuple[bool, str]],
    where: list[int],
    read: list[tuple[str | None, Match | None]],
) -> tuple[set[int], set[int]]:
    """The sentences that ask, and those whose question words count.

    The question is the last sentence with a question mark (else the last one). When it
    names nothing ("Is that true?", "Who wins?"), it asks about the nearest sentence before
    it that does: that one is the question, and the last one only says what is asked. When
    it names something but points back ("Which format was that?"), the sentence before it
    is part of the question.
    """
    if len(sentences) < 2:
        return set(range(len(sentences))), set(range(len(sentences)))
    asking = [n for n, (question, _) in enumerate(sentences) if question]
    last = asking[-1] if asking else len(sentences) - 1
    named = {where[p] for p, (kind, match) in enumerate(read) if match or kind == "off"}
    if last in named:
        # "Which format was that?" points back: the sentence before is what it asks about
        pointing = any(read[p][0] == "followup" for p in range(len(read)) if where[p] == last)
        clause = {last - 1, last} if pointing and last > 0 else {last}
        return clause, clause
    earlier = [n for n in named if n < last]
    if not earlier:
        return set(range(len(sentences))), set(range(len(sentences)))
    clause = set(range(max(earlier), last))
    # "What did Kazakhstan do there?" asks with its own question word: the context's
    # ("the country *whose* capital is...") only tell
    asks = any(
        where[p] == last and kind and kind.startswith(("ask:", "which", "loose"))
        for p, (kind, _) in enumerate(read)
    )
    return clause, {last} if asks else clause | {last}
