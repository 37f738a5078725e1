"""A large fact base read on two cores: the topic files split in two, each half parsed,
validated and indexed (its topics' shares) by its own process, the parent's and a forked
child's, then checked across files and merged in the parent.

Parsing and each topic's share depend on that one file alone, so the halves need nothing
from each other; only what crosses files (duplicate ids, related topics, the term table)
waits for both. A small base is read in-process: forking would cost more than it saves.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import NamedTuple

from .fact_details import FactAlone, fact_alone, topic_events
from .index import TopicShare, share_builder
from .lexicon import Lexicon
from .loader import (
    FileRead,
    KnowledgeBase,
    checked_base,
    knowledge_files,
    load_knowledge,
    paused_gc,
    prepare_reading,
    read_file,
)

log = logging.getLogger(__name__)

PARALLEL_FROM = 50  # topic files: below, one process reads them all
# the child's part of the files: a little less than half, as it also pickles its results
# (about 3% of its half's time); its results are unpickled in the parent either way
CHILD_SHARE = 0.485

Shares = dict[str, TopicShare]


class Built(NamedTuple):
    """What was built of each topic while it was read: its index share, what each of its
    facts says alone (fact_details.fact_alone, by fact id) and the events its facts name."""

    shares: Shares
    facts: dict[str, FactAlone]
    events: dict[str, frozenset[str]]  # by topic id: fact_details.topic_events


def load_built(
    directory: str | Path | None, lexicon: Lexicon
) -> tuple[KnowledgeBase, Built | None]:
    """The fact base of a folder, with what was built of its topics alongside when it is
    large and the machine has two cores or more; else None."""
    # only here: a start from the engine cache (most starts) never loads them (1.5 MB)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    folder, files = knowledge_files(directory)
    if (
        len(files) < PARALLEL_FROM
        or (os.cpu_count() or 1) < 2
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return load_knowledge(folder), None
    prepare_reading()  # imported once, before the fork: both processes have them
    split = len(files) - int(len(files) * CHILD_SHARE)
    with paused_gc():
        context = multiprocessing.get_context("fork")
        try:
            with ProcessPoolExecutor(1, mp_context=context) as pool:
                theirs = pool.submit(_read_and_build, files[split:], lexicon)
                reads, built = _read_and_build(files[:split], lexicon)
                their_reads, their_built = theirs.result()
        except (OSError, BrokenProcessPool) as exc:  # no fork, or the child died (memory)
            log.warning("Reading the fact base in one process: the second failed (%s)", exc)
            return load_knowledge(folder), None
        _share_terms(built.shares, their_built.shares)
        built.shares.update(their_built.shares)
        built.facts.update(their_built.facts)
        built.events.update(their_built.events)
        return checked_base(folder, reads + their_reads), built


def _read_and_build(files: list[Path], lexicon: Lexicon) -> tuple[list[FileRead], Built]:
    """Some topic files read, and what is built of the topics found in them."""
    strings: dict[str, str] = {}
    reads = [read_file(path, {}, strings) for path in files]
    topics = [topic for _, _, topic, _ in reads if topic is not None]
    share = share_builder(lexicon)
    memo: dict[str, str | None] = {}
    return reads, Built(
        {topic.id: share(topic) for topic in topics},
        {fact.id: fact_alone(fact, lexicon, memo) for topic in topics for fact in topic.facts},
        {topic.id: topic_events(topic, lexicon, memo) for topic in topics},
    )


def _share_terms(shares: Shares, theirs: Shares) -> None:
    """Make the child's term strings the parent's where both have one: the index keeps
    each term once."""
    strings: dict[str, str] = {}
    for share in shares.values():
        strings.update(zip(share.terms, share.terms, strict=True))
    for share in theirs.values():
        terms = tuple(map(strings.setdefault, share.terms, share.terms))
        object.__setattr__(share, "terms", terms)
