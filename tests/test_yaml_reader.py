"""The fast YAML reader gives exactly what PyYAML's safe loader gives, errors included."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import yaml_reader
from bot.lexicon import LEXICON_DIR
from bot.loader import DEFAULT_KNOWLEDGE_DIR
from bot.yaml_reader import parse_yaml


def reference(text: str) -> Any:
    """What the project read before the fast reader: libyaml, the pure parser for errors."""
    try:
        return yaml.load(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        return yaml.safe_load(text)


def typed(value: Any) -> Any:
    """A value with its types and order spelled out: 1, 1.0 and True are not equal here."""
    if isinstance(value, dict):
        return ("dict", [(typed(k), typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [typed(v) for v in value])
    if isinstance(value, float):
        return ("float", "nan" if math.isnan(value) else repr(value))
    return (type(value).__name__, repr(value))


def outcome(read: Any, text: str) -> tuple[Any, ...]:
    try:
        return ("ok", typed(read(text)))
    except Exception as exc:  # errors must match too: same type, same words
        return ("error", type(exc).__name__, str(exc))


def strings_in(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in strings_in(k) + strings_in(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return [value] if isinstance(value, str) else []


def project_files() -> list[Path]:
    """The fact base, its quiz, the lexicon and the question sets: all read by parse_yaml."""
    questions = Path(__file__).parent / "data"
    folders = (DEFAULT_KNOWLEDGE_DIR, DEFAULT_KNOWLEDGE_DIR / "quiz", LEXICON_DIR, questions)
    return [path for folder in folders for path in sorted(folder.glob("*.yaml"))]


@pytest.fixture(scope="module")
def synthetic_files(tmp_path_factory) -> list[Path]:
    from benchmarks.synthetic import generate

    folder = tmp_path_factory.mktemp("synthetic")
    generate(folder, 300)
    return sorted(folder.glob("*.yaml"))


def test_every_file_of_the_project_reads_as_the_safe_loader_reads_it(monkeypatch) -> None:
    files = project_files()
    assert len(files) > 15
    # and by the fast path: the standard loader is never needed for the project's own files
    monkeypatch.setattr(yaml_reader, "_standard_load", None)
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert typed(parse_yaml(text)) == typed(reference(text)), path


def test_without_libyaml_the_standard_loader_reads_the_same(monkeypatch) -> None:
    monkeypatch.setattr(yaml_reader._tables(), "parser", None)
    for path in project_files():
        text = path.read_text(encoding="utf-8")
        assert typed(parse_yaml(text)) == typed(reference(text)), path


def test_every_file_of_the_synthetic_base_reads_as_the_safe_loader_reads_it(
    synthetic_files, monkeypatch
) -> None:
    monkeypatch.setattr(yaml_reader, "_standard_load", None)
    strings: dict[str, str] = {}
    for path in synthetic_files:
        text = path.read_text(encoding="utf-8")
        assert typed(parse_yaml(text, strings)) == typed(reference(text)), path


def test_equal_strings_are_one_object_across_files(synthetic_files) -> None:
    strings: dict[str, str] = {}
    first, second = (
        parse_yaml(p.read_text(encoding="utf-8"), strings) for p in synthetic_files[:2]
    )
    found = strings_in(first) + strings_in(second)
    objects: dict[str, set[int]] = {}
    for value in found:
        objects.setdefault(value, set()).add(id(value))
        assert strings[value] is value
    assert all(len(ids) == 1 for ids in objects.values())
    both = set(strings_in(first)) & set(strings_in(second))
    assert {"id", "en", "Astana"} <= both or {"id", "en", "ru"} <= both
    assert len(objects) < len(found)  # keys and values repeat: shared, not copied


def test_what_the_fast_path_leaves_alone_still_shares_strings() -> None:
    strings: dict[str, str] = {}
    data = parse_yaml(
        "base: &b {en: Astana, ru: Астана}\nplace:\n  <<: *b\n  kk: Астана\n", strings
    )
    assert data == {
        "base": {"en": "Astana", "ru": "Астана"},
        "place": {"en": "Astana", "ru": "Астана", "kk": "Астана"},
    }
    assert data["place"]["kk"] is data["base"]["ru"]


@pytest.mark.parametrize(
    "text",
    [
        "id: iran\ntitle: [unclosed\n",
        "id: iran\n\ttitle: tab\n",
        "a: 1\n---\nb: 2\n",
        "a: *nowhere\n",
        "a: &x 1\nb: &x 2\nc: *x\n",
        "? [a, b]\n: c\n",
        "date: 2015-02-30\n",
        "a: !!python/name:os.system x\n",
        "a: b: c\n",
        "= : x\n",
        "a: &x [1]\n? *x\n: 2\n",
        "a: &x k\n*x : 2\n",
        "a: &x [1, *x]\n",
        "a: &x\n  <<: {b: 1}\n  c: 2\nd: *x\n",
    ],
)
def test_broken_or_unusual_yaml_gives_the_same_value_or_the_same_error(text: str) -> None:
    assert outcome(parse_yaml, text) == outcome(reference, text)


def test_an_alias_is_the_very_object_of_its_anchor_as_with_the_safe_loader() -> None:
    text = "place: &p {en: Astana}\nfacts:\n- place: *p\n- place: *p\n"
    data, expected = parse_yaml(text), reference(text)
    assert data == expected
    assert data["facts"][0]["place"] is data["facts"][1]["place"] is data["place"]
    assert expected["facts"][0]["place"] is expected["place"]


def test_a_syntax_error_is_worded_by_the_pure_parser_with_its_line() -> None:
    with pytest.raises(yaml.YAMLError) as caught:
        parse_yaml("id: iran\nfacts:\n  - id: a\n   text: x\n")
    with pytest.raises(yaml.YAMLError) as pure:
        yaml.safe_load("id: iran\nfacts:\n  - id: a\n   text: x\n")
    assert str(caught.value) == str(pure.value)
    assert caught.value.problem_mark.line == 3


# generated documents: the project's shapes (mappings of mappings and lists of short texts)
# with the scalars a resolver types differently, anchors, aliases and merge keys
BOOLS = ["yes", "Yes", "YES", "no", "NO", "on", "On", "off", "OFF", "y", "n", "True", "FALSE"]
NULLS = ["~", "null", "Null", "NULL"]
INTS = ["0", "1", "-1", "+1", "007", "0o17", "0x1F", "0b101", "1_000", "12:30", "190:20:30"]
FLOATS = ["1.5", ".5", "-0.0", "1e3", "1.0e+3", "6.8523015e+5", ".inf", "-.Inf", ".NaN", "0."]
DATES = ["2015-01-01", "2015-1-1", "2001-12-14t21:59:43.10-05:00", "2015-02-30", "2015-05"]
OTHERS = ["=", "<<", "-", "--", ".", "a.b", "Iran", "Астана", "Қазақстан", "P5+1", "«5+1»"]
TRICKY = [
    *BOOLS,
    *NULLS,
    *INTS,
    *FLOATS,
    *DATES,
    *OTHERS,
    "'2015'",
    '"yes"',
    "'~'",
    '"1.5"',
    "''",
    '""',
    '"line\\nbreak"',
    "'it''s'",
    "!!str 12",
    "!!int '7'",
    "!!float 1",
    "! 12",
    "!!binary aGk=",
    "!!set {a, b}",
]
WORDS = st.text(alphabet="abcxyzабвқ12 .-+:#'\"", min_size=0, max_size=8)
KEYS = st.sampled_from(["id", "en", "ru", "kk", "text", "date", "yes", "1", "~", "'no'", "<<"])
ANCHORS = st.sampled_from(["a", "b"])


def plain_or_quoted(word: str) -> list[str]:
    return [word, "'" + word.replace("'", "''") + "'", '"' + word.replace('"', '\\"') + '"']


SCALAR = st.one_of(
    st.sampled_from(TRICKY),
    WORDS.flatmap(lambda w: st.sampled_from(plain_or_quoted(w))),
)
# a node: ("scalar", text), ("lines", style, [line]), ("alias", name), ("map" | "seq", anchor, [..])
NODE = st.recursive(
    st.one_of(
        SCALAR.map(lambda s: ("scalar", s)),
        st.tuples(
            st.just("lines"),
            st.sampled_from(["|", ">", "|-", ">+", ""]),
            st.lists(WORDS.filter(lambda w: w.strip() == w and w), min_size=1, max_size=3),
        ),
        ANCHORS.map(lambda a: ("alias", a)),
    ),
    lambda inner: st.one_of(
        st.tuples(
            st.just("map"),
            st.none() | ANCHORS,
            st.lists(st.tuples(KEYS | SCALAR, inner), max_size=4),
        ),
        st.tuples(st.just("seq"), st.none() | ANCHORS, st.lists(inner, max_size=4)),
    ),
    max_leaves=12,
)


def render(node: tuple, indent: int) -> tuple[str, list[str]]:
    """The text after a key or a dash, and the lines below it at `indent`."""
    pad = " " * indent
    kind = node[0]
    if kind == "scalar":
        return " " + node[1], []
    if kind == "alias":
        return f" *{node[1]}", []
    if kind == "lines":
        style, lines = node[1], node[2]
        if not style:  # a plain scalar over several lines
            return " " + lines[0], [pad + line for line in lines[1:]]
        return " " + style, [pad + line for line in lines]
    anchor = f" &{node[1]}" if node[1] else ""
    if not node[2]:
        return anchor + (" {}" if kind == "map" else " []"), []
    lines = []
    for item in node[2]:
        head, key = (f"{item[0]}:", item[1]) if kind == "map" else ("-", item)
        after, below = render(key, indent + 2)
        lines.append(pad + head + after)
        lines.extend(below)
    return anchor, lines


def document(node: tuple) -> str:
    after, below = render(node, 0)
    return "\n".join(([after.strip()] if after.strip() else []) + below) + "\n"


@settings(max_examples=400, deadline=None)
@given(NODE)
def test_generated_documents_read_as_the_safe_loader_reads_them(node: tuple) -> None:
    text = document(node)
    expected = outcome(reference, text)
    assert outcome(parse_yaml, text) == expected, text
    if (
        expected[0] == "ok"
        and outcome(lambda t: yaml.load(t, Loader=yaml.CSafeLoader), text)[0] == "ok"
    ):
        strings: dict[str, str] = {}
        for value in strings_in(parse_yaml(text, strings)):
            assert strings[value] is value, text
