"""The engine cache file in two sections: the fact base, written by a forked process while
the index is built, then the rest of the engine. Read back, it is the engine that was built."""

from __future__ import annotations

import io
import os
import pickle
import shutil
from pathlib import Path

import pytest

from bot import column_pickle, engine, engine_cache, engine_file
from bot.engine import Engine
from bot.engine_cache import load_engine
from bot.engine_file import BaseWriter
from bot.loader import DEFAULT_KNOWLEDGE_DIR
from tests.test_index_layout import _contents

QUESTIONS = [
    "When did Kazakhstan host the Syria talks?",
    "Iran talks 2013",
    "Who mediated between Russia and Turkey?",
    "что было в 2016 году?",
    "Минск",
]


@pytest.fixture
def writers(monkeypatch: pytest.MonkeyPatch) -> list[int | None]:
    """The child each BaseWriter had when its engine was finished (None: none)."""
    found: list[int | None] = []
    finish = BaseWriter.finish

    def noted(self: BaseWriter, built: Engine) -> bool:
        found.append(self.child)
        return finish(self, built)

    monkeypatch.setattr(BaseWriter, "finish", noted)
    return found


def _no_build(*_args, **_kwargs):
    raise AssertionError("the fact base was read again")


def assert_same_engine(kept: Engine, built: Engine) -> None:
    assert kept.kb.topics == built.kb.topics
    assert list(kept.kb.facts) == list(built.kb.facts)
    assert _contents(kept.index) == _contents(built.index)
    assert kept.index.terms == built.index.terms
    for derived in ("counted", "fact_events", "topic_events", "self_credited"):
        assert getattr(kept, derived) == getattr(built, derived), derived
    # what the rest held by id is the fact base's very objects again
    for topic_id, share in kept.index.shares.items():
        assert share.topic is kept.kb.topics[topic_id]
    assert kept.dated.facts == list(kept.kb.facts.values())
    assert all(a is b for a, b in zip(kept.dated.facts, kept.kb.facts.values(), strict=True))
    assert kept.dated.by_year == built.dated.by_year
    for question in QUESTIONS:
        assert kept.answer(question) == built.answer(question), question


def test_a_second_process_writes_the_fact_base_and_it_is_read_back_whole(
    large_knowledge: Path, tmp_path: Path, writers: list[int | None], monkeypatch
) -> None:
    cache = tmp_path / "cache"
    built = load_engine(large_knowledge, cache)
    assert len(writers) == 1 and writers[0] is not None  # a child wrote the fact base
    assert not list(cache.glob("*.tmp"))
    monkeypatch.setattr(engine_cache.Engine, "load", _no_build)
    kept = load_engine(large_knowledge, cache)
    assert kept is not built
    assert_same_engine(kept, built)


def test_a_small_fact_base_is_written_by_this_process(
    tmp_path: Path, writers: list[int | None], monkeypatch
) -> None:
    folder = tmp_path / "large_knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, folder)
    built = load_engine(folder, tmp_path / "cache")
    assert writers == [None]  # six topics: a fork would cost more than it saves
    monkeypatch.setattr(engine_cache.Engine, "load", _no_build)
    assert_same_engine(load_engine(folder, tmp_path / "cache"), built)


def test_when_the_writer_fails_this_process_writes_it_all(
    large_knowledge: Path, tmp_path: Path, writers: list[int | None], monkeypatch
) -> None:
    parent, write_base = os.getpid(), engine_file.write_base

    def failing_in_the_child(file, stamps, kb) -> None:
        if os.getpid() != parent:
            raise OSError("disk full")
        write_base(file, stamps, kb)

    monkeypatch.setattr(engine_file, "write_base", failing_in_the_child)
    built = load_engine(large_knowledge, tmp_path / "cache")
    assert writers[0] is not None  # there was a child, and it failed
    monkeypatch.setattr(engine_cache.Engine, "load", _no_build)
    assert_same_engine(load_engine(large_knowledge, tmp_path / "cache"), built)


def test_a_failed_build_stops_the_writer_and_leaves_no_file(
    large_knowledge: Path, tmp_path: Path, monkeypatch
) -> None:
    children: list[int] = []
    start = BaseWriter.start

    def noted(self: BaseWriter, kb) -> None:
        start(self, kb)
        children.append(self.child)  # type: ignore[arg-type]

    def broken(*_args, **_kwargs):
        raise RuntimeError("a bug in the index")

    monkeypatch.setattr(BaseWriter, "start", noted)
    monkeypatch.setattr(engine, "build_index", broken)
    cache = tmp_path / "cache"
    with pytest.raises(RuntimeError, match="a bug in the index"):
        load_engine(large_knowledge, cache)
    assert children and children[0] is not None
    with pytest.raises(ChildProcessError):  # stopped and waited for: no zombie left
        os.waitpid(children[0], os.WNOHANG)
    assert not list(cache.iterdir())


def test_the_rest_of_the_engine_refuses_an_object_of_the_fact_base(large_knowledge: Path) -> None:
    built = Engine.load(large_knowledge)
    built.stray = built.kb.fact("nuclear_talks_2013")  # type: ignore[attr-defined]
    with pytest.raises(pickle.PicklingError, match="Fact of the fact base"):
        engine_file.write_rest(io.BytesIO(), built)


def test_a_cache_that_cannot_be_pickled_is_skipped_with_a_warning(
    large_knowledge: Path, tmp_path: Path, monkeypatch, caplog
) -> None:
    def unpicklable(file, built) -> None:
        raise pickle.PicklingError("a Fact of the fact base outside its section")

    monkeypatch.setattr(engine_file, "write_rest", unpicklable)
    engine = load_engine(large_knowledge, tmp_path / "cache")
    assert engine.answer("Iran talks 2013").topic == "iran"
    assert "engine cache was not written" in caplog.text
    assert not list((tmp_path / "cache").glob("engine-*"))


def test_sections_are_read_one_after_the_other(tmp_path: Path) -> None:
    path = tmp_path / "two.pickle"
    with path.open("wb") as file:
        column_pickle.dump(file, ["first", [1, 2]], ())
        column_pickle.dump(file, [{"second": 3}], ())
    with path.open("rb") as file:
        one = column_pickle.Loader(file)
        assert [one.load(), one.load()] == ["first", [1, 2]]
        one.finish()
        two = column_pickle.Loader(file)
        assert two.load() == {"second": 3}
        two.finish()
        assert file.read() == b""
