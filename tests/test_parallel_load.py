"""A large fact base read on two cores (parallel_load) gives the very engine a build in one
process gives, and the same messages, file and line, for the files the child process read."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot import parallel_load
from bot.engine import Engine
from bot.lexicon import Lexicon, load_lexicon
from bot.loader import KnowledgeError, load_knowledge
from tests.test_index_layout import _contents


def test_two_processes_build_the_engine_one_builds(large_knowledge: Path) -> None:
    kb, built = parallel_load.load_built(large_knowledge, load_lexicon())
    assert built is not None and set(built.shares) == set(kb.topics)
    for topic in kb.topics.values():
        assert built.shares[topic.id].topic is topic  # the share of this very topic object
    parallel = Engine.load(large_knowledge)
    serial = Engine(load_knowledge(large_knowledge))
    assert _contents(parallel.index) == _contents(serial.index)
    assert parallel.index.terms == serial.index.terms
    for derived in ("counted", "fact_events", "topic_events", "self_credited"):
        assert getattr(parallel, derived) == getattr(serial, derived), derived
    assert parallel.kb.digests == serial.kb.digests
    assert parallel.kb.warnings == serial.kb.warnings
    question = "When did Kazakhstan host the Syria talks?"
    assert parallel.answer(question) == serial.answer(question)


def test_each_term_is_one_string_across_the_processes(large_knowledge: Path) -> None:
    engine = Engine.load(large_knowledge)
    index_terms = {term: term for term in engine.index.terms}
    for share in engine.index.shares.values():
        assert all(index_terms[term] is term for term in share.terms)


def test_broken_files_of_the_child_process_are_named_with_their_lines(
    large_knowledge: Path,
) -> None:
    files = sorted(large_knowledge.glob("*.yaml"))
    child_files = files[len(files) - int(len(files) * parallel_load.CHILD_SHARE) :]
    assert len(child_files) >= 2
    syntax, invalid = child_files[-1], child_files[-2]
    lines = syntax.read_text(encoding="utf-8").splitlines()
    lines[4] = '    en: "an unterminated string'
    syntax.write_text("\n".join(lines) + "\n", encoding="utf-8")
    text = invalid.read_text(encoding="utf-8")
    invalid.write_text(text.replace("\n- id: ", "\n- idd: ", 1), encoding="utf-8")
    with pytest.raises(KnowledgeError) as serial:
        load_knowledge(large_knowledge)
    with pytest.raises(KnowledgeError) as parallel:
        Engine.load(large_knowledge)
    assert str(parallel.value) == str(serial.value)
    assert f"{syntax}:" in str(parallel.value) and f"{invalid}:" in str(parallel.value)
    assert all(line.split(":")[1].isdigit() for line in str(parallel.value).splitlines())


_PARENT = os.getpid()
_READ_AND_BUILD = parallel_load._read_and_build


def _dying(files: list[Path], lexicon: Lexicon) -> object:
    """The child process ends at once, as the kernel's out-of-memory killer would end it."""
    if os.getpid() != _PARENT:
        os._exit(9)
    return _READ_AND_BUILD(files, lexicon)


def test_a_child_that_dies_leaves_the_build_to_one_process(
    large_knowledge: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(parallel_load, "_read_and_build", _dying)
    kb, built = parallel_load.load_built(large_knowledge, load_lexicon())
    assert built is None and list(kb.topics) == list(load_knowledge(large_knowledge).topics)
    assert "one process" in caplog.text


def test_answering_never_imports_multiprocessing() -> None:
    """The build forks by itself (os.fork and a pipe); nothing a start from the engine cache
    (most starts) imports should bring in multiprocessing or concurrent.futures: 1.5 MB."""
    code = (
        "import sys, bot.cli, bot.engine, bot.engine_cache\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('multiprocessing', 'concurrent')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
