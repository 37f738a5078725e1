"""The lean index: a few edited topics patched into the previous index give the very index a
fresh build gives, so reloading one file never changes an answer."""

from __future__ import annotations

import shutil
from array import array
from dataclasses import replace
from pathlib import Path

import pytest

from benchmarks.synthetic import generate
from bot.engine import Engine
from bot.index import MIN_EVIDENCE, Index, TopicShare, _compact, _merge
from bot.lexicon import load_lexicon
from bot.loader import DEFAULT_KNOWLEDGE_DIR


def _contents(index: Index) -> dict:
    """Everything answering reads from an index, as plain data."""
    return {
        "topic_terms": {t: list(p.items()) for t, p in index.topic_terms.items()},
        "evidence": {t: list(p.items()) for t, p in index.topic_evidence.items()},
        "fact_terms": {t: sorted(p.items()) for t, p in index.fact_terms.items()},
        "counts": dict(index.facts_per_term_in_topic.items()),
        "surfaces": list(index.surfaces.items()),
        "by_initial": index.surfaces_by_initial,
        "facts": {f: index.fact_places[f] for f in index.fact_places},
    }


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    folder = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, folder)
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_patched_index_equals_a_fresh_merge(knowledge: Path) -> None:
    live = Engine.load(knowledge)
    # new words, a removed fact, a renamed one: terms appear, vanish and move
    _edit(knowledge / "iran.yaml", "P5+1", "P5+1 zanzibarian quokka")
    _edit(knowledge / "syria.yaml", "a neutral mediator", "a neutral and patient mediator")
    text = (knowledge / "oic.yaml").read_text(encoding="utf-8")
    (knowledge / "oic.yaml").write_text(text.replace("  - id: ", "  - id: x_", 1), "utf-8")
    patched = Engine.load(knowledge, previous=live)
    assert patched.index.offsets is not live.index.offsets  # patched, the live one untouched
    fresh = _merge(patched.lexicon, patched.index.shares)
    assert _contents(patched.index) == _contents(fresh)
    rebuilt = Engine.load(knowledge)
    assert _contents(patched.index) == _contents(rebuilt.index)
    # kept per unchanged fact or topic
    for derived in ("counted", "fact_events", "topic_events", "self_credited"):
        assert getattr(patched, derived) == getattr(rebuilt, derived), derived
    assert patched.index.resolve("quokka") is not None
    assert live.index.resolve("quokka") is None
    for question in ("Iran talks 2013", "P5+1 quokka", "patient mediator Syria", "OIC summit"):
        assert patched.answer(question) == fresh_engine_answer(knowledge, question)


def fresh_engine_answer(knowledge: Path, question: str):
    return Engine.load(knowledge).answer(question)


def test_a_term_no_topic_uses_any_more_is_gone(knowledge: Path) -> None:
    _edit(knowledge / "iran.yaml", "P5+1", "P5+1 quokka")
    live = Engine.load(knowledge)
    assert live.index.resolve("quokka") is not None
    _edit(knowledge / "iran.yaml", "P5+1 quokka", "P5+1")
    patched = Engine.load(knowledge, previous=live)
    assert patched.index.resolve("quokka") is None
    assert not any("quokka" in term for term in patched.index.topic_terms)
    assert _contents(patched.index) == _contents(_merge(patched.lexicon, patched.index.shares))


def _merged_plainly(shares: dict) -> dict:
    """The flat arrays of _merge, computed the plain way: a dict of postings per term,
    filled topic by topic."""
    postings: dict[str, list[tuple[int, float]]] = {}
    for number, share in enumerate(shares.values()):
        for term, weight in zip(share.terms, share.topic_weights(), strict=True):
            postings.setdefault(term, []).append((number, weight))
    terms = sorted(postings)
    offsets, topics, evidence_offsets, evidence_topics, evidence = [0], [], [0], [], []
    for term in terms:
        total = sum(weight for _, weight in postings[term])
        for number, weight in postings[term]:
            topics.append(number)
            if weight * weight / total >= MIN_EVIDENCE:
                evidence_topics.append(number)
                evidence.append(weight * weight / total)
        offsets.append(len(topics))
        evidence_offsets.append(len(evidence))
    surfaces: dict[str, str] = {}
    skeletons: dict[str, str] = {}
    for share in shares.values():
        for words_of, positions, table in (
            (share.surface_words, share.surface_terms, surfaces),
            (share.skeleton_words, share.skeleton_terms, skeletons),
        ):
            written = words_of.split("\n") if len(positions) else []
            for word, position in zip(written, positions, strict=True):
                table.setdefault(word, share.terms[position])
    by_initial: dict[str, list[str]] = {}
    for word in surfaces:
        by_initial.setdefault(word[0], []).append(word)
    skeletons_by_initial: dict[str, list[str]] = {}
    for word in skeletons:
        skeletons_by_initial.setdefault(word[0], []).append(word)
    return {
        "terms": tuple(terms),
        "offsets": offsets,
        "topics": topics,
        "evidence_offsets": evidence_offsets,
        "evidence_topics": evidence_topics,
        "evidence": evidence,
        "surfaces": list(surfaces.items()),
        "skeletons": list(skeletons.items()),
        "by_initial": list(by_initial.items()),
        "skeletons_by_initial": list(skeletons_by_initial.items()),
    }


def _merged(index: Index) -> dict:
    """The same of a merged index."""
    return {
        "terms": index.terms,
        "offsets": list(index.offsets),
        "topics": list(index.topics),
        "evidence_offsets": list(index.evidence_offsets),
        "evidence_topics": list(index.evidence_topics),
        "evidence": list(index.evidence),
        "surfaces": list(index.surfaces.items()),
        "skeletons": list(index.skeletons.items()),
        "by_initial": list(index.surfaces_by_initial.items()),
        "skeletons_by_initial": list(index.skeletons_by_initial.items()),
    }


@pytest.mark.parametrize("base", ["shipped", "synthetic"])
def test_merged_arrays_are_those_of_a_plain_build(base: str, tmp_path: Path) -> None:
    folder = DEFAULT_KNOWLEDGE_DIR
    if base == "synthetic":  # many topics: terms shared by many, others by one
        folder = tmp_path / "kb"
        generate(folder, 300)
    shares = Engine.load(folder).index.shares
    index = _merge(load_lexicon(), shares)
    assert _merged(index) == _merged_plainly(shares)
    assert index.topics.typecode == _compact(index.topics).typecode  # the smallest that holds
    assert index.evidence_topics.typecode == _compact(index.evidence_topics).typecode


def _made_share(topic, terms: list[str], weights: list[float], words: list[str]) -> TopicShare:
    """A share of the given terms (sorted here) and weights, its written words leading to
    its first terms."""
    order = sorted(range(len(terms)), key=terms.__getitem__)
    table = tuple(sorted(set(weights)))
    empty = array("B")
    return TopicShare(
        topic=topic,
        terms=tuple(terms[i] for i in order),
        weight_table=table,
        weights=array("B", [table.index(weights[i]) for i in order]),
        counts=array("B", bytes(len(terms))),
        fact_offsets=array("B", [0] * (len(topic.facts) + 1)),
        fact_terms=empty,
        fact_weights=empty,
        surface_words="\n".join(words),
        surface_terms=array("B", range(len(words))),
        skeleton_words="\n".join(reversed(words)),
        skeleton_terms=array("B", range(len(words))),
    )


@pytest.mark.parametrize("light", [1.0, 0.005])
def test_terms_of_many_topics_lose_evidence_where_they_say_too_little(light: float) -> None:
    """A term in hundreds of topics says too little for each (left out of the evidence), a
    term in a few says enough, some of its postings not (left out one by one); terms of
    one topic say their weight, or (a weight below MIN_EVIDENCE) nothing."""
    topic = Engine.load(DEFAULT_KNOWLEDGE_DIR).kb.topics["iran"]
    shares = {}
    for n in range(300):
        terms = ["common", f"own{n:03}", f"z{n:03}"]
        weights = [1.0, 1.0, light]
        if n % 5 == 0:  # in 60 topics: heavy in one, light in the rest
            terms.append("mixed")
            weights.append(1.0 if n == 0 else 0.5)
        if n % 100 == 0:  # in 3 topics: enough in each
            terms.append("few")
            weights.append(0.8)
        shares[f"t{n}"] = _made_share(
            replace(topic, id=f"t{n}"), terms, weights, [f"w{n % 7}", f"own{n}"]
        )
    index = _merge(load_lexicon(), shares)
    assert _merged(index) == _merged_plainly(shares)
    assert len(index.topic_terms["common"]) == 300 and not index.topic_evidence["common"]
    mixed = index.topic_evidence["mixed"]
    assert list(mixed) == ["t0"] and len(index.topic_terms["mixed"]) == 60
    assert len(index.topic_evidence["few"]) == 3
    assert len(index.topic_evidence["z000"]) == (1 if light >= MIN_EVIDENCE else 0)


def test_more_topics_than_two_bytes_number(tmp_path: Path) -> None:
    """Past 65,536 topics a topic number takes four bytes of a posting: merged alike."""
    topic = Engine.load(DEFAULT_KNOWLEDGE_DIR).kb.topics["iran"]
    empty = array("B")
    shares = {
        f"t{n}": TopicShare(
            topic=topic if n == 0 else replace(topic, id=f"t{n}", facts=topic.facts[:1]),
            terms=("shared", f"term{n % 1000:03}"),
            weight_table=(0.5, 1.0),
            weights=array("B", [n % 2, 1]),
            counts=array("B", [0, 0]),
            fact_offsets=array("B", [0, 0]),
            fact_terms=empty,
            fact_weights=empty,
            surface_words=f"word{n % 7}",
            surface_terms=array("B", [1]),
            skeleton_words="",
            skeleton_terms=empty,
        )
        for n in range((1 << 16) + 3)
    }
    index = _merge(load_lexicon(), shares)
    assert index.topics.typecode == "I" and max(index.topics) == (1 << 16) + 2
    plain = _merged_plainly(shares)
    assert index.terms == plain["terms"]
    assert list(index.offsets) == plain["offsets"] and list(index.topics) == plain["topics"]
    assert list(index.evidence_topics) == plain["evidence_topics"]
    assert list(index.evidence) == plain["evidence"]
    assert list(index.surfaces.items()) == plain["surfaces"]
