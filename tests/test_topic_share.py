"""What a topic's share of the index holds: its terms and pairs, their weights for the topic
and each fact, the written words and Kazakh forms that lead to them. Texts are taken apart
many at a time, so these pin down that no pair spans two texts and nothing moves between
texts, languages or facts."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.index import TopicShare, _Builder, pair_term, share_builder
from bot.lexicon import load_lexicon
from bot.schema import Fact, Localized, LocalizedWords, Topic
from bot.text import LANGS, normalise, words

LEXICON = load_lexicon()


def _topic() -> Topic:
    return Topic(
        id="un_council",
        title=Localized(en="Security Council", ru="Совет Безопасности", kk="Қауіпсіздік Кеңесі"),
        summary=Localized(en="Kazakhstan in the Council"),
        source=Localized(en="Source"),
        keywords=LocalizedWords(en=("world", "war"), kk=("кеңес",)),
        facts=(
            Fact(
                id="seat",
                text=Localized(en="Kazakhstan won a seat in 2016", kk="Қазақстан орын алды"),
                place=Localized(en="New York"),
            ),
            Fact(
                id="vote", text=Localized(en="The vote"), keywords=LocalizedWords(en=("seat vote",))
            ),
        ),
    )


def _fact_weights(share: TopicShare, fact: int) -> dict[str, float]:
    lo, hi = share.fact_offsets[fact], share.fact_offsets[fact + 1]
    return {
        share.terms[t]: share.weight_table[w]
        for t, w in zip(share.fact_terms[lo:hi], share.fact_weights[lo:hi], strict=True)
    }


def _lines(words_of: str, positions, share: TopicShare) -> list[tuple[str, str]]:
    return [(w, share.terms[p]) for w, p in zip(words_of.split("\n"), positions, strict=True)]


def test_a_topic_share_holds_its_terms_pairs_weights_and_written_forms() -> None:
    share = share_builder(LEXICON)(_topic())
    assert list(share.terms) == sorted(share.terms)
    assert dict(zip(share.terms, share.topic_weights(), strict=True)) == {
        # title, keywords and the topic id say 1.0; the summary 0.5, but its one term is
        # in the title too; the facts' terms 0.6
        "=council": 1.0,
        "=security": 1.0,
        "=security|=council": 1.0,
        "=council|=security": 1.0,  # "Совет Безопасности": the other order
        "world": 1.0,
        "=war": 1.0,  # a keyword of its own: no "world|war" pair across two keywords
        "un": 1.0,
        "un|=council": 1.0,
        "won": 0.6,
        "=member": 0.6,
        "won|=member": 0.6,
        "алд": 0.6,
        "=member|алд": 0.6,
        "new": 0.6,
        "york": 0.6,
        "new|york": 0.6,
        "=elected": 0.6,
        "=member|=elected": 0.6,
    }
    assert share.weight_table == (0.6, 0.8, 1.0)  # only the weights in use
    # a fact's text and keywords say 1.0 for it, its details 0.8
    assert _fact_weights(share, 0) == {
        "won": 1.0,
        "=member": 1.0,
        "won|=member": 1.0,
        "алд": 1.0,
        "=member|алд": 1.0,
        "new": 0.8,
        "york": 0.8,
        "new|york": 0.8,
    }
    assert _fact_weights(share, 1) == {"=elected": 1.0, "=member": 1.0, "=member|=elected": 1.0}
    assert share.count("=member") == 2 and share.count("new") == 1 and share.count("world") == 0
    # written words in order of first use (by text, languages in turn); a Kazakh word also as
    # typed on a Russian keyboard, when that differs (the first topic's term of a word is the
    # index's: a line repeated would say nothing more)
    assert _lines(share.surface_words, share.surface_terms, share) == [
        ("security", "=security"),
        ("council", "=council"),
        ("совет", "=council"),
        ("безопасности", "=security"),
        ("қауіпсіздік", "=security"),
        ("кауипсиздик", "=security"),
        ("кеңесі", "=council"),
        ("кенеси", "=council"),
        ("world", "world"),
        ("war", "=war"),
        ("кеңес", "=council"),
        ("кенес", "=council"),
        ("un", "un"),
        ("won", "won"),
        ("seat", "=member"),
        ("орын", "=member"),
        ("алды", "алд"),
        ("new", "new"),
        ("york", "york"),
        ("vote", "=elected"),
    ]
    # and each Kazakh word's skeleton and the skeleton's stem (when it differs), for Latin
    # spellings
    assert _lines(share.skeleton_words, share.skeleton_terms, share) == [
        ("кауипсиздик", "=security"),
        ("кауипсиз", "=security"),
        ("кенеси", "=council"),
        ("кене", "=council"),
        ("кенес", "=council"),
        ("орин", "=member"),
        ("алди", "алд"),
        ("алд", "алд"),
    ]


def test_a_text_with_the_letter_between_texts_is_taken_apart_as_any_other() -> None:
    """Texts are joined with "ꙮ" between them to be taken apart at once; one that has the
    letter itself must not be split or joined to its neighbours."""
    topic = _topic()
    odd = Topic(
        id=topic.id,
        title=topic.title,
        summary=topic.summary,
        source=topic.source,
        keywords=LocalizedWords(en=("world ꙮ war", "seat", "ꙮvote")),
        facts=topic.facts,
    )
    share = share_builder(LEXICON)(odd)
    weights = dict(zip(share.terms, share.topic_weights(), strict=True))
    assert weights["ꙮ"] == 1.0 and weights["world|ꙮ"] == 1.0 and weights["ꙮ|=war"] == 1.0
    assert weights["ꙮvote"] == 1.0
    assert "=war|=member" not in weights and "=member|ꙮvote" not in weights


def _alone(text: str, lang: str) -> list[str]:
    """One text's terms and pairs, as the index defines them: its words' terms (numbers and
    stop words have none), then each two adjacent terms."""
    found = words(normalise(text))
    terms = [
        term for term in (_Builder(LEXICON).word_terms[LANGS.index(lang)][w] for w in found) if term
    ]
    return terms + [pair_term(a, b) for a, b in pairwise(terms)]


_TEXT = st.text(
    alphabet=st.sampled_from(list("ab +_-'’ꙮΣσ\u0301\u200b\nÅЁёқәworldwarсоветкеңес2016")),
    max_size=24,
)


@settings(max_examples=300, deadline=None)
@given(texts=st.lists(_TEXT, min_size=1, max_size=6, unique=True), lang=st.sampled_from(LANGS))
def test_texts_taken_apart_together_are_each_taken_apart_alone(texts: list[str], lang: str) -> None:
    builder = _Builder(LEXICON)
    builder.take_apart(texts, LANGS.index(lang))
    for text in texts:
        written, terms = builder.texts[LANGS.index(lang)][text]
        assert terms == _alone(text, lang), text
        word_terms = builder.word_terms[LANGS.index(lang)]
        assert written == [w for w in words(normalise(text)) if word_terms[w]], text
