"""The engine kept on disk: used when it matches the files, rebuilt when it does not."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from bot import engine_cache
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

    monkeypatch.setattr(engine_cache, "load_knowledge", no_build)
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
