"""An edited topic file costs about one file: what depends on one fact, one file or the
lexicon alone is kept from the previous engine for everything the edit did not touch, and
the engine equals a fresh build's all the same."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers_core import copy_knowledge, edit_data

from benchmarks.synthetic import generate
from bot import engine as engine_module
from bot import loader
from bot.engine import Engine
from bot.loader import load_knowledge

DERIVED = ("counted", "fact_events", "credit_names", "self_credited", "topic_events")


@pytest.fixture
def large(tmp_path: Path) -> Path:
    """A base of many topics whose facts credit their actors ("thanks to his efforts")."""
    folder = tmp_path / "large"
    generate(folder, 200)
    return folder


def _uncredit(folder: Path, topic_id: str, fact_id: str) -> None:
    """Make a fact's reason name nobody: it no longer credits its actor."""

    def change(data: dict) -> None:
        fact = next(fact for fact in data["facts"] if fact["id"] == fact_id)
        fact["reason"] = {"en": "for peace.", "ru": "ради мира.", "kk": "бейбітшілік үшін."}

    edit_data(folder, topic_id, change)


def test_an_edit_keeps_what_each_untouched_fact_says_and_works_out_the_edited_ones(
    large: Path,
) -> None:
    live = Engine.load(large)
    assert len(live.self_credited) > 10
    edited_fact = next(iter(live.self_credited))
    topic = live.kb.topic_of(edited_fact)
    assert (large / f"{topic.id}.yaml").is_file()
    _uncredit(large, topic.id, edited_fact)
    referred = {ref for t in live.kb.topics.values() for ref in t.related}
    removed = next(
        t
        for t in reversed(live.kb.topics.values())
        if t.id not in referred and t is not topic and t.facts[0].id in live.credit_names
    )
    (large / f"{removed.id}.yaml").unlink()  # its facts are gone
    patched = Engine.load(large, previous=live)
    rebuilt = Engine.load(large)
    for derived in DERIVED:
        assert getattr(patched, derived) == getattr(rebuilt, derived), derived
    assert edited_fact in live.self_credited and edited_fact not in patched.self_credited
    assert not any(fact.id in patched.kb.facts for fact in removed.facts)
    untouched = [fid for fid in live.credit_names if live.kb.topic_of(fid) not in (topic, removed)]
    assert untouched
    for fid in untouched:  # the very objects, not worked out again
        assert patched.credit_names[fid] is live.credit_names[fid]
        assert patched.self_credited[fid] == live.self_credited[fid]


def test_warnings_after_an_edit_are_those_of_a_fresh_build(
    large: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = sorted(large.glob("*.yaml"))
    renamed, unchanged, edited = files[1], files[-2], files[len(files) // 2]

    def drop_short_title(data: dict) -> None:
        data["short_title"].pop("kk")

    for path in (renamed, unchanged):
        edit_data(large, path.stem, drop_short_title)
    live = Engine.load(large)
    assert len(live.kb.warnings) == 2
    edit_data(large, edited.stem, drop_short_title)
    moved = renamed.rename(renamed.with_name(f"zz_{renamed.name}"))  # same bytes, new name
    worked_out: list[str] = []
    real = loader._translation_warnings

    def counting(topic, shown: str) -> list[str]:
        worked_out.append(shown)
        return real(topic, shown)

    monkeypatch.setattr(loader, "_translation_warnings", counting)
    patched = Engine.load(large, previous=live)
    assert sorted(worked_out) == sorted([str(edited), str(moved)])
    fresh = load_knowledge(large)
    assert patched.kb.warnings == fresh.warnings
    assert len(patched.kb.warnings) == 3 and any(str(moved) in w for w in patched.kb.warnings)


def test_the_lexicon_is_read_again_only_when_its_files_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = copy_knowledge(tmp_path / "kb")
    live = Engine.load(folder)
    reads: list[object] = []
    real = engine_module.load_lexicon

    def counting():
        reads.append(1)
        return real()

    monkeypatch.setattr(engine_module, "load_lexicon", counting)
    assert Engine.load(folder, previous=live).lexicon is live.lexicon
    assert not reads
    monkeypatch.setattr(engine_module, "lexicon_stamp", lambda: "edited since")
    Engine.load(folder, previous=live)
    assert reads == [1]
