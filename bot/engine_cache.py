"""A built engine kept on disk, so that the command line answers at once.

Building the engine parses YAML, validates it with pydantic and stems every word of the
fact base. The result depends only on the fact base's files, the lexicon and this code, so
a pickle that records which versions of them it was built from is as good as a fresh
build, and loads in milliseconds. An edited file no longer matches: the engine is rebuilt.
"""

from __future__ import annotations

import os
import pickle
import zlib
from pathlib import Path

from .engine import Engine, freeze_heap
from .lexicon import LEXICON_DIR
from .loader import DEFAULT_KNOWLEDGE_DIR, load_knowledge

PACKAGE_DIR = Path(__file__).resolve().parent
KEEP = 8  # engines kept in the cache folder, the most recently built


def _inputs(knowledge_dir: Path) -> list[Path]:
    """Every file the engine is built from: the fact base, the lexicon and the code."""
    facts = sorted(p for p in knowledge_dir.iterdir() if p.suffix in (".yaml", ".yml"))
    return facts + sorted(LEXICON_DIR.glob("*.yaml")) + sorted(PACKAGE_DIR.glob("*.py"))


def build_stamp(knowledge_dir: Path) -> str:
    """Which versions of the inputs a build comes from: paths, sizes and times, as .pyc do."""
    lines = []
    for path in _inputs(knowledge_dir):
        stat = path.stat()
        lines.append(f"{path.resolve()}\t{stat.st_size}\t{stat.st_mtime_ns}")
    return "\n".join(lines)


def load_engine(knowledge_dir: str | Path | None, cache_dir: Path | None) -> Engine:
    """The engine for a fact base, from the cache when it holds a build of these very files."""
    folder = (Path(knowledge_dir) if knowledge_dir else DEFAULT_KNOWLEDGE_DIR).resolve()
    if cache_dir is None or not folder.is_dir():
        return Engine.load(folder)  # load_knowledge words the error for a missing folder
    stamp = build_stamp(folder)
    path = cache_dir / f"engine-{zlib.crc32(str(folder).encode()):08x}.pickle"
    try:
        with path.open("rb") as file:
            if pickle.load(file) == stamp:
                engine = pickle.load(file)
                if isinstance(engine, Engine):
                    freeze_heap()
                    return engine
    except Exception:  # none yet, or truncated, or from another version: build afresh
        pass
    engine = Engine(load_knowledge(folder))
    _store(stamp, engine, path)
    freeze_heap()
    return engine


def _store(stamp: str, engine: Engine, path: Path) -> None:
    """Write atomically, so that a reader never sees half a file; a read-only place is fine."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        with partial.open("wb") as file:
            pickle.dump(stamp, file, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(engine, file, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(path)
        engines = sorted(path.parent.glob("engine-*.pickle"), key=lambda p: p.stat().st_mtime)
        for stale in engines[:-KEEP]:  # one per fact base in use; tests make many
            stale.unlink(missing_ok=True)
    except OSError:
        pass  # no cache this time: the next start builds again
