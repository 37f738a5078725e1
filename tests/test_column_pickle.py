"""The engine cache's pickle: dataclasses by column, arrays out of band, read back equal."""

from __future__ import annotations

import dataclasses
import pickle
from array import array
from pathlib import Path

import pytest

from bot import column_pickle
from bot.dates import DatePoint, DateSpan
from bot.engine_file import COLUMNS
from bot.loader import load_knowledge
from bot.schema import Localized, LocalizedWords, Roles


def _round_trip(tmp_path: Path, *parts: object) -> list[object]:
    path = tmp_path / "kept.pickle"
    with path.open("wb") as file:
        column_pickle.dump(file, parts, COLUMNS)
    with path.open("rb") as file:
        loader = column_pickle.Loader(file)
        back = [loader.load() for _ in parts]
        loader.finish()
    return back


def test_the_fact_base_comes_back_equal(tmp_path: Path) -> None:
    kb = load_knowledge()
    code, topics = _round_trip(tmp_path, "a stamp", kb.topics)
    assert code == "a stamp"
    assert list(topics) == list(kb.topics)  # type: ignore[arg-type]
    for name, topic in kb.topics.items():
        assert topics[name] == topic  # type: ignore[index]
        assert repr(topics[name]) == repr(topic)  # type: ignore[index]


def test_instances_stay_frozen_shared_and_compute_their_cached_values(tmp_path: Path) -> None:
    text = Localized("Astana", kk="Астана")
    span = DateSpan(DatePoint(2017, 1, 23), DatePoint(2017, 2, 16))
    assert span.first_day.day == 23  # cached on the instance: not what is kept
    roles = Roles(host=text, parties=text)
    [(back_roles, back_span, words)] = _round_trip(
        tmp_path, (roles, span, LocalizedWords(en=("talks",)))
    )
    assert back_roles == roles and back_roles.host is back_roles.parties  # one object, as kept
    assert back_roles.host.ru is None and back_roles.host.get("ru") == "Astana"
    assert back_span == span and back_span.last_day.day == 16 and back_span.first_day.day == 23
    assert words.ru == () and words.items() == [("en", "talks")]
    with pytest.raises(dataclasses.FrozenInstanceError):
        back_roles.host = text  # type: ignore[misc]


def test_arrays_are_read_back_whatever_their_size(tmp_path: Path) -> None:
    arrays = [array("B", b"\x01\x02"), array("I", range(200_000)), array("d"), array("H", [7])]
    [back] = _round_trip(tmp_path, arrays)
    assert back == arrays
    assert [a.typecode for a in back] == ["B", "I", "d", "H"]  # type: ignore[attr-defined]


def test_a_file_of_another_kind_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.pickle"
    path.write_bytes(pickle.dumps("a plain pickle") * 3)
    with path.open("rb") as file, pytest.raises(pickle.UnpicklingError):
        column_pickle.Loader(file)


def test_a_file_cut_short_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "kept.pickle"
    with path.open("wb") as file:
        column_pickle.dump(file, [[array("I", range(1000))]], COLUMNS)
    whole = path.read_bytes()
    for cut in (4, 8, 4000):
        path.write_bytes(whole[:-cut])
        with path.open("rb") as file, pytest.raises(pickle.UnpicklingError):
            loader = column_pickle.Loader(file)
            loader.load()
            loader.finish()
