"""An engine in a file: its fact base, then the rest of it, each a section (column pickle).

The two are pickled apart so that they can be pickled side by side. On a cold start the
fact base is final before the index is built (Engine.load's `on_base`): a forked process
writes it (BaseWriter) while the parent builds the index, and the parent then adds the
rest. The rest holds the fact base's objects by id only (the engine's kb, each share's
topic, the dated facts), and they are put back as it is read.
"""

from __future__ import annotations

import copyreg
import os
import pickle
import signal
import threading
from pathlib import Path
from typing import IO, Any

from . import column_pickle, parallel_load
from .dates import DatePoint, DateSpan
from .engine import DatedFacts, Engine
from .index import TopicShare
from .loader import KnowledgeBase
from .schema import Fact, Localized, LocalizedWords, Roles, Topic

# the fact base's many small dataclasses: kept by column, they load without a dict each
COLUMNS = (Topic, Fact, Localized, LocalizedWords, Roles, DateSpan, DatePoint)

Stamps = tuple[str, str]  # the versions of the code and of the files a build comes from


def write(file: IO[bytes], stamps: Stamps, kept: object) -> None:
    """An engine (both sections) or anything else (one section), after the stamps."""
    if isinstance(kept, Engine):
        write_base(file, stamps, kept.kb)
        write_rest(file, kept)
    else:
        column_pickle.dump(file, (*stamps, kept), COLUMNS)


def write_base(file: IO[bytes], stamps: Stamps, kb: KnowledgeBase) -> None:
    column_pickle.dump(file, (*stamps, kb), COLUMNS)


def write_rest(file: IO[bytes], engine: Engine) -> None:
    column_pickle.dump(file, (engine,), (), _DETACHED)


def read(file: IO[bytes], code: str) -> tuple[Any, Any] | None:
    """The files' stamp and what was kept after it, if this code kept it; a fact base is
    followed by the rest of its engine, which is returned whole."""
    loader = column_pickle.Loader(file)
    if loader.load() != code:
        return None
    files, kept = loader.load(), loader.load()
    loader.finish()
    if isinstance(kept, KnowledgeBase):
        rest = column_pickle.Loader(file)
        engine = rest.load()
        rest.finish()
        _attach(engine, kept)
        kept = engine
    return files, kept


def _without(obj: object, *names: str, **ids: str) -> tuple[Any, ...]:
    """obj pickled without some attributes, and with others as the given ids."""
    state = {k: v for k, v in vars(obj).items() if k not in names}
    state.update(ids)
    return copyreg.__newobj__, (type(obj),), state  # type: ignore[attr-defined]


def _refused(obj: object) -> tuple[Any, ...]:
    raise pickle.PicklingError(f"a {type(obj).__name__} of the fact base outside its section")


_DETACHED = {
    Engine: lambda engine: _without(engine, "kb"),
    TopicShare: lambda share: _without(share, topic=share.topic.id),
    DatedFacts: lambda dated: _without(dated, "facts"),
    **{cls: _refused for cls in COLUMNS},
}


def _attach(engine: Engine, kb: KnowledgeBase) -> None:
    """Put back what the rest of the engine holds of the fact base (see _DETACHED)."""
    engine.kb = kb
    for share in engine.index.shares.values():
        object.__setattr__(share, "topic", kb.topics[share.topic])  # type: ignore[index]
    engine.dated.facts = list(kb.facts.values())


class BaseWriter:
    """Writes an engine's fact base to a file in a forked process, while this one builds
    the index; the rest of the engine is then added after it (finish).

    Only for a large fact base (a fork costs more than a small one's pickle), and only while
    this is the one thread of the process: a fork copies no other thread, whose locks
    could stay held in the child."""

    def __init__(self, path: Path, stamps: Stamps) -> None:
        self.path, self.stamps = path, stamps
        self.child: int | None = None

    def start(self, kb: KnowledgeBase) -> None:
        if (
            len(kb.topics) < parallel_load.PARALLEL_FROM
            or not hasattr(os, "fork")
            or threading.active_count() > 1
        ):
            return
        try:
            child = os.fork()
        except OSError:
            return  # finish writes it all
        if child == 0:  # the child: the fact base into the file, then gone at once
            code = 1
            try:
                with self.path.open("wb") as file:
                    write_base(file, self.stamps, kb)
                code = 0
            finally:
                os._exit(code)  # no clean-up of the parent's objects: they are the parent's
        self.child = child

    def finish(self, engine: Engine) -> bool:
        """Add the rest of the engine after the fact base the child wrote; False (and
        nothing written) when there was no child or it failed."""
        if self.child is None:
            return False
        _, status = os.waitpid(self.child, 0)
        self.child = None
        if status != 0:
            return False
        with self.path.open("r+b") as file:
            file.seek(0, os.SEEK_END)
            write_rest(file, engine)
        return True

    def __enter__(self) -> BaseWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        """A child not waited for (the build failed) is stopped, and its file removed."""
        if self.child is not None:
            os.kill(self.child, signal.SIGKILL)  # not yet waited for, so still ours
            os.waitpid(self.child, 0)
            self.child = None
            self.path.unlink(missing_ok=True)
