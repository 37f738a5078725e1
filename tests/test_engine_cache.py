"""The engine kept on disk: used when it matches the files, rebuilt when it does not."""

from __future__ import annotations

import logging
import os
import pickle
import shutil
import stat
from pathlib import Path

import pytest

from bot import column_pickle, engine_cache, loader
from bot.engine_cache import load_engine
from bot.loader import DEFAULT_KNOWLEDGE_DIR, KnowledgeError


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    folder = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, folder)
    return folder


def test_a_second_load_comes_from_the_cache(knowledge: Path, tmp_path: Path, monkeypatch) -> None:
    cache = tmp_path / "cache"
    first = load_engine(knowledge, cache)
    assert list(cache.glob("engine-*.pickle"))

    def no_build(*_args):
        raise AssertionError("the fact base was parsed again")

    monkeypatch.setattr(engine_cache.Engine, "load", no_build)
    second = load_engine(knowledge, cache)
    assert second is not first
    assert second.answer("Iran talks 2013").topic == first.answer("Iran talks 2013").topic == "iran"


def test_an_edited_fact_base_is_rebuilt(knowledge: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load_engine(knowledge, cache)
    path = knowledge / "iran.yaml"
    path.write_text(path.read_text().replace("P5+1", "P5 plus 1"), encoding="utf-8")
    os.utime(path, ns=(1, 1))  # a different time, whatever the clock's resolution
    engine = load_engine(knowledge, cache)
    assert "P5 plus 1" in engine.kb.fact("nuclear_talks_2013").text.en


def test_a_broken_edit_is_refused_not_served_from_the_cache(
    knowledge: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    load_engine(knowledge, cache)
    (knowledge / "iran.yaml").write_text("id: iran\ntitle: [unclosed\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"iran\.yaml:\d+: YAML syntax error"):
        load_engine(knowledge, cache)


def test_a_corrupt_cache_file_is_rebuilt(knowledge: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load_engine(knowledge, cache)
    for path in cache.glob("engine-*.pickle"):
        path.write_bytes(b"not a pickle")
    assert load_engine(knowledge, cache).answer("syria").topic == "syria"


def test_an_unwritable_cache_folder_only_costs_speed(knowledge: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder should be")
    assert load_engine(knowledge, blocker / "cache").answer("minsk").topic == "ukraine"


def _count_parses(monkeypatch) -> list[str]:
    parsed: list[str] = []
    read_topic = loader._read_topic

    def counting(path: Path, *args):
        parsed.append(path.name)
        return read_topic(path, *args)

    monkeypatch.setattr(loader, "_read_topic", counting)
    return parsed


def test_an_edit_reads_only_the_edited_file(knowledge: Path, tmp_path: Path, monkeypatch) -> None:
    cache = tmp_path / "cache"
    first = load_engine(knowledge, cache)
    parsed = _count_parses(monkeypatch)
    path = knowledge / "iran.yaml"
    path.write_text(path.read_text().replace("P5+1", "P5 plus 1"), encoding="utf-8")
    os.utime(path, ns=(1, 1))
    os.utime(knowledge / "syria.yaml", ns=(1, 1))  # touched, not changed: not read again
    engine = load_engine(knowledge, cache)
    assert parsed == ["iran.yaml"]
    assert "P5 plus 1" in engine.kb.fact("nuclear_talks_2013").text.en
    # the same answers as a build from scratch, the edited topic's included
    fresh = engine_cache.Engine.load(knowledge)
    questions = ("Iran talks 2013", "P5 plus 1", "Astana Syria", "Minsk", "UNSC 2017")
    assert [engine.answer(q) for q in questions] == [fresh.answer(q) for q in questions]
    # the next start parses nothing: the edited topic was kept beside the engine
    assert sorted(p.suffix for p in cache.iterdir()) == [".edits", ".pickle"]
    parsed.clear()
    again = load_engine(knowledge, cache)
    assert parsed == []
    assert [again.answer(q) for q in questions] == [fresh.answer(q) for q in questions]
    # a second edit: both edited topics are kept, the first is not parsed again
    _edit = knowledge / "oic.yaml"
    text = _edit.read_text(encoding="utf-8")
    _edit.write_text(text.replace("  en: Islamic rapp", "  en: The Islamic rapp", 1), "utf-8")
    load_engine(knowledge, cache)
    assert parsed == ["oic.yaml"]
    third = load_engine(knowledge, cache)
    assert parsed == ["oic.yaml"]
    assert (
        third.kb.topics["oic"].title == engine_cache.Engine.load(knowledge).kb.topics["oic"].title
    )
    assert first.kb.topics["oic"].title != third.kb.topics["oic"].title


def test_a_live_engine_reloads_one_file_and_keeps_cross_file_checks(
    knowledge: Path, monkeypatch
) -> None:
    live = engine_cache.Engine.load(knowledge)
    parsed = _count_parses(monkeypatch)
    path = knowledge / "oic.yaml"
    path.write_text(path.read_text() + "related: [no_such_topic]\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"oic\.yaml: related topic 'no_such_topic'"):
        engine_cache.Engine.load(knowledge, previous=live)
    assert parsed == ["oic.yaml"]
    shutil.copy(knowledge / "iran.yaml", knowledge / "iran_copy.yaml")  # same bytes, same ids
    path.write_text(path.read_text().replace("related: [no_such_topic]\n", ""), "utf-8")
    with pytest.raises(KnowledgeError, match=r"iran_copy\.yaml: duplicate topic id 'iran'"):
        engine_cache.Engine.load(knowledge, previous=live)
    (knowledge / "iran_copy.yaml").unlink()
    again = engine_cache.Engine.load(knowledge, previous=live)
    assert again.kb.topics["iran"] is live.kb.topics["iran"]
    assert again.index.shares["iran"] is live.index.shares["iran"]
    assert again.answer("Islamic cooperation").topic == "oic"


def test_the_cache_folder_is_created_private(knowledge: Path, tmp_path: Path) -> None:
    cache = tmp_path / "new" / "cache"
    load_engine(knowledge, cache)
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    assert list(cache.glob("engine-*.pickle"))


def test_a_cache_folder_others_can_write_is_not_loaded(
    knowledge: Path, tmp_path: Path, monkeypatch, caplog
) -> None:
    cache = tmp_path / "world_writable"
    load_engine(knowledge, cache)  # a good engine is there: it must not be loaded
    cache.chmod(0o777)
    loads: list[object] = []
    real_loader = column_pickle.Loader
    monkeypatch.setattr(
        column_pickle, "Loader", lambda file: loads.append(file) or real_loader(file)
    )
    built: list[Path] = []
    real_build = engine_cache.Engine.load
    monkeypatch.setattr(
        engine_cache.Engine, "load", lambda folder, **kw: built.append(folder) or real_build(folder)
    )
    monkeypatch.setattr(engine_cache, "_warned", set())
    with caplog.at_level(logging.WARNING, logger="bot.engine_cache"):
        first = load_engine(knowledge, cache)
        second = load_engine(knowledge, cache)
    assert loads == []
    assert len(built) == 2
    assert first.answer("minsk").topic == second.answer("minsk").topic == "ukraine"
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and str(cache) in warnings[0].getMessage()


def test_a_shared_temporary_folder_is_never_used(knowledge: Path, tmp_path: Path) -> None:
    shared = tmp_path / "tmp"
    shared.mkdir()
    shared.chmod(0o1777)  # like /tmp: sticky, writable by all
    assert engine_cache.private_folder(shared) is None
    assert load_engine(knowledge, shared).answer("syria").topic == "syria"
    assert not list(shared.glob("engine-*"))


def test_the_kept_index_leaves_its_look_ups_behind(knowledge: Path) -> None:
    engine = engine_cache.Engine.load(knowledge)
    assert engine.index.resolve("syria") is not None and engine.index.cache
    kept = pickle.loads(pickle.dumps(engine, protocol=pickle.HIGHEST_PROTOCOL))
    assert kept.index.cache == {} and engine.index.cache  # the live engine keeps its own
    for question in ("When did Astana host the Syria talks?", "sammity v minske", "UNSC 2017"):
        assert kept.answer(question) == engine.answer(question)
