"""A built engine kept on disk, so that the command line answers at once.

Building the engine parses YAML, validates it with pydantic and stems every word of the
fact base. The result depends only on the fact base's files, the lexicon and this code, so
a pickle that records which versions of them it was built from is as good as a fresh
build, and loads in a fraction of the time. When topic files changed, the kept engine is
still the starting point: only the files whose bytes changed are read again (see
Engine.load), and the new engine replaces it.

Loading a pickle runs whatever code it names, so the folder must be the user's own: owned
by the user running the bot and writable by nobody else (it is created with mode 0700).
Any other folder, such as a shared temporary one, is not used: the engine is built instead,
and a warning says why, once.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import stat
import zlib
from pathlib import Path
from typing import Any

from . import engine_file
from .engine import Engine, freeze_heap
from .index import PATCH_AT_MOST
from .lexicon import LEXICON_DIR
from .loader import DEFAULT_KNOWLEDGE_DIR, paused_gc, topic_files
from .schema import Topic

log = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).resolve().parent
KEEP = 8  # engines kept in the cache folder, the most recently built
_warned: set[Path] = set()  # folders refused so far: each is warned about once


def _stamp(paths: list[Path]) -> str:
    """Which versions of some files a build comes from: paths, sizes and times, as .pyc do.
    The paths are taken as given (their folder is resolved): resolving 1,000 of them again
    cost up to 0.08 s of every start."""
    lines = []
    for path in paths:
        status = path.stat()
        lines.append(f"{path}\t{status.st_size}\t{status.st_mtime_ns}")
    return "\n".join(lines)


def code_stamp() -> str:
    """The versions of the lexicon and the code: a build from others is of no use at all."""
    return _stamp(sorted(LEXICON_DIR.glob("*.yaml")) + sorted(PACKAGE_DIR.glob("*.py")))


def build_stamp(knowledge_dir: Path) -> str:
    """The versions of a fact base's topic files."""
    return _stamp(topic_files(knowledge_dir))


def private_folder(folder: Path) -> Path | None:
    """The folder, created with mode 0700 if missing, when only this user can write to it;
    otherwise None (with a warning, once, when it exists but others could write to it)."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        status = folder.stat()
    except OSError:
        return None  # a read-only place: no cache, only slower starts
    if _is_private(status):
        return folder
    if folder not in _warned:
        _warned.add(folder)
        log.warning(
            "Not using the engine cache in %s: it must belong to this user and be writable "
            "by nobody else (chmod 700 it, or set BOT_CACHE_DIR to a private folder); "
            "the fact base is built from its files instead",
            folder,
        )
    return None


def _is_private(status: os.stat_result) -> bool:
    owner = os.getuid() if hasattr(os, "getuid") else status.st_uid
    return status.st_uid == owner and not status.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def load_engine(knowledge_dir: str | Path | None, cache_dir: Path | None) -> Engine:
    """The engine for a fact base, from the cache when it holds a build of these very files,
    else built from the kept one (only changed files are read), else from scratch.

    After an edit of a few topic files, only those topics are kept, beside the engine
    (`.edits`): the next start patches them into it again, without parsing anything.
    """
    folder = (Path(knowledge_dir) if knowledge_dir else DEFAULT_KNOWLEDGE_DIR).resolve()
    cache = private_folder(cache_dir) if cache_dir is not None else None
    if cache is None or not folder.is_dir():
        return Engine.load(folder)  # load_knowledge words the error for a missing folder
    code, files = code_stamp(), build_stamp(folder)
    path = cache / f"engine-{zlib.crc32(str(folder).encode()):08x}.pickle"
    edits_path = path.with_suffix(".edits")
    kept = _read(path, code)
    if kept is not None and kept[0] == files:
        freeze_heap()
        return kept[1]
    if kept is None:  # the fact base is written by another process while it is indexed
        with engine_file.BaseWriter(_partial(path), (code, files)) as writer:
            engine = Engine.load(folder, on_base=writer.start)
            _store(path, (code, files), engine, writer)
        return engine
    base_files, base = kept
    del kept
    _shed(base)
    edits = _read(edits_path, code, base_files)
    known: dict[str, Topic] = edits[1] if edits is not None else {}
    engine = Engine.load(folder, previous=base, known=known)
    base_digests = set(base.kb.digests.values())
    changed = {
        d: engine.kb.topics[t] for t, d in engine.kb.digests.items() if d not in base_digests
    }
    if len(changed) > PATCH_AT_MOST or list(engine.kb.topics) != list(base.kb.topics):
        _store(path, (code, files), engine)  # too far from the kept engine: keep this one
        edits_path.unlink(missing_ok=True)
    elif not changed.keys() <= known.keys():  # something was parsed: keep it for next time
        _store(edits_path, (code, base_files), changed)
    return engine


def _shed(base: Engine) -> None:
    """Drop what a build from this kept engine does not read (all but its fact base, its
    index's shares and arrays, and what it knows of each fact alone), so that it and the new
    engine are not both in memory."""
    kept = ("kb", "lexicon", "index", "counted", "fact_events", "credit_names", "topic_events")
    for name in list(vars(base)):
        if name not in kept:
            delattr(base, name)
    base.index.cache.clear()
    base.index.surfaces, base.index.surfaces_by_initial = {}, {}
    base.index.skeletons, base.index.skeletons_by_initial = {}, {}


def _read(path: Path, code: str, files: str | None = None) -> tuple[str, Any] | None:
    """What was kept at a path, if this code kept it (and from these files, if given)."""
    try:
        with path.open("rb") as file:
            if not _is_private(os.fstat(file.fileno())):
                return None
            with paused_gc():  # the collector would walk the growing heap again and again
                found = engine_file.read(file, code)
    except Exception:  # none yet, or truncated, or from another version: build afresh
        return None
    if found is None:
        return None
    kept_files, kept = found
    if not isinstance(kept_files, str) or (files is not None and kept_files != files):
        return None
    if isinstance(kept, Engine) or (files is not None and isinstance(kept, dict)):
        return kept_files, kept
    return None


def _partial(path: Path) -> Path:
    """Where a file is written before it takes its place."""
    return path.with_name(f"{path.name}.{os.getpid()}.tmp")


def _store(
    path: Path,
    stamps: engine_file.Stamps,
    kept: object,
    writer: engine_file.BaseWriter | None = None,
) -> None:
    """Write atomically, so that a reader never sees half a file; a read-only place is
    fine. An engine's fact base may be written already (`writer`)."""
    partial = _partial(path)
    try:
        if writer is None or not writer.finish(kept):  # type: ignore[arg-type]
            with partial.open("wb") as file:
                engine_file.write(file, stamps, kept)
        partial.replace(path)
        engines = sorted(path.parent.glob("engine-*.pickle"), key=lambda p: p.stat().st_mtime)
        for stale in engines[:-KEEP]:  # one per fact base in use; tests make many
            stale.unlink(missing_ok=True)
            stale.with_suffix(".edits").unlink(missing_ok=True)
    except (OSError, pickle.PicklingError) as exc:  # no cache this time: the next start builds
        if isinstance(exc, pickle.PicklingError):  # a bug (see engine_file): say so, answer on
            log.warning("The engine cache was not written: %s", exc)
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
