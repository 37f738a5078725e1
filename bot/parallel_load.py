"""A large fact base read on two cores: the topic files split in two, each half parsed,
validated and indexed (its topics' shares) by its own process, the parent's and a forked
child's, then checked across files and merged in the parent.

Parsing and each topic's share depend on that one file alone, so the halves need nothing
from each other; only what crosses files (duplicate ids, related topics, the term table)
waits for both. A small base is read in-process: forking would cost more than it saves.

The child's results come back pickled through a pipe, unpickled by the parent as they come
while the child is still pickling them: the handing over costs about the longer of the two,
not their sum.
"""

from __future__ import annotations

import logging
import os
import pickle
import signal
from pathlib import Path
from typing import BinaryIO, NamedTuple

from .fact_details import EventWords, FactAlone, fact_alone
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
# the child's part of the files: half. Measured on 10,000 facts, the child then ends 0.1 to
# 0.7 s before the parent (which streams in its results as soon as its own half is done);
# with 53% it ended 0.2 to 1.2 s after
CHILD_SHARE = 0.5

PIPE_SIZE = 1 << 20  # bytes: the most a user's pipe may hold by default on Linux

Shares = dict[str, TopicShare]


class Built(NamedTuple):
    """What was built of each topic while it was read: its index share, what each of its
    facts says alone (fact_details.fact_alone, by fact id) and the events its facts name;
    and every term of the shares, once (found while the two halves' strings were made one:
    the merge need not look for them again)."""

    shares: Shares
    facts: dict[str, FactAlone]
    events: dict[str, frozenset[str]]  # by topic id: fact_details.topic_events
    terms: dict[str, str]


def load_built(
    directory: str | Path | None, lexicon: Lexicon
) -> tuple[KnowledgeBase, Built | None]:
    """The fact base of a folder, with what was built of its topics alongside when it is
    large and the machine has two cores or more; else None."""
    folder, files = knowledge_files(directory)
    if len(files) < PARALLEL_FROM or (os.cpu_count() or 1) < 2 or not hasattr(os, "fork"):
        return load_knowledge(folder), None
    prepare_reading()  # imported once, before the fork: both processes have them
    split = len(files) - int(len(files) * CHILD_SHARE)
    with paused_gc():
        try:
            child, stream = _fork(files[split:], lexicon)
        except OSError as exc:  # no fork (memory, process limit)
            return _one_process(folder, str(exc))
        theirs = None
        try:
            reads, built = _read_and_build(files[:split], lexicon)
            theirs = _received(stream)
        finally:
            status = _end(child, stream, stop=theirs is None)
        if theirs is None:
            return _one_process(folder, f"it ended with {_status(status)} and no results")
        their_reads, their_built = theirs
        built = built._replace(terms=_share_terms(built.shares, their_built.shares))
        built.shares.update(their_built.shares)
        built.facts.update(their_built.facts)
        built.events.update(their_built.events)
        return checked_base(folder, reads + their_reads), built


def _one_process(folder: Path, failure: str) -> tuple[KnowledgeBase, None]:
    log.warning("Reading the fact base in one process: the second failed (%s)", failure)
    return load_knowledge(folder), None


def _fork(files: list[Path], lexicon: Lexicon) -> tuple[int, BinaryIO]:
    """A child process reading and building some files, and the pipe its results come by
    (pickled, see _read_and_build): its id, and the pipe's end to read them from.

    A plain fork and pipe, not a process pool: nothing more to import or start, and the
    parent unpickles while the child still pickles, rather than after it."""
    readable, writable = os.pipe()
    _widen(writable)
    try:
        child = os.fork()
    except OSError:
        os.close(readable)
        os.close(writable)
        raise
    if child == 0:  # the child: its results into the pipe, then gone at once, whatever happens
        code = 1
        try:
            os.close(readable)
            with open(writable, "wb") as out:
                pickle.dump(_read_and_build(files, lexicon), out, pickle.HIGHEST_PROTOCOL)
            code = 0
        finally:
            os._exit(code)  # no clean-up of the parent's objects: they are the parent's
    os.close(writable)
    return child, open(readable, "rb")


def _widen(pipe: int) -> None:
    """A pipe holding more than the usual 64 kB where the system allows (Linux): the child
    and the parent then wait on each other a few times rather than hundreds."""
    try:
        import fcntl

        fcntl.fcntl(pipe, fcntl.F_SETPIPE_SZ, PIPE_SIZE)
    except (ImportError, AttributeError, OSError):
        pass  # the usual size: only more waits


def _received(stream: BinaryIO) -> tuple[list[FileRead], Built] | None:
    """The child's results, unpickled as the child pickles them: the two run side by side.
    None when it died before the end of them (memory)."""
    try:
        return pickle.load(stream)  # made by our own child: safe to load
    except (OSError, EOFError, pickle.UnpicklingError):
        return None


def _end(child: int, stream: BinaryIO, stop: bool) -> int:
    """The child's pipe closed and its exit status collected; stopped first if it is still
    at work for nothing (the parent failed, or could not read its results)."""
    stream.close()
    if stop:  # not yet collected, so still ours: no other process has its id
        os.kill(child, signal.SIGKILL)
    return os.waitpid(child, 0)[1]


def _status(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"status {os.waitstatus_to_exitcode(status)}"


def _read_and_build(files: list[Path], lexicon: Lexicon) -> tuple[list[FileRead], Built]:
    """Some topic files read, and what is built of the topics found in them."""
    strings: dict[str, str] = {}
    reads = [read_file(path, {}, strings) for path in files]
    topics = [topic for _, _, topic, _ in reads if topic is not None]
    share = share_builder(lexicon)
    memo = EventWords(lexicon)
    built = Built({topic.id: share(topic) for topic in topics}, {}, {}, {})
    for topic in topics:
        alone = [fact_alone(fact, lexicon, memo) for fact in topic.facts]
        built.facts.update(zip([fact.id for fact in topic.facts], alone, strict=True))
        built.events[topic.id] = frozenset().union(*(found.events for found in alone))
    return reads, built


def _share_terms(shares: Shares, theirs: Shares) -> dict[str, str]:
    """Make the child's term strings the parent's where both have one: the index keeps
    each term once. Every term of both, once each."""
    strings: dict[str, str] = {}
    for share in shares.values():
        strings.update(zip(share.terms, share.terms, strict=True))
    for share in theirs.values():
        terms = tuple(map(strings.setdefault, share.terms, share.terms))
        object.__setattr__(share, "terms", terms)
    return strings
