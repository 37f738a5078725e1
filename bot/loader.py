"""Load and validate a fact base folder: every problem becomes one message naming file and line."""

from __future__ import annotations

import gc
import hashlib
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .locales import t
from .schema import Fact, Localized, Topic
from .text import LANGS
from .yaml_reader import parse_yaml
from .yaml_reader import prepare as prepare_yaml

if TYPE_CHECKING:
    import yaml

DEFAULT_KNOWLEDGE_DIR = Path(__file__).resolve().parent.parent / "knowledge"


class KnowledgeError(Exception):
    """The fact base cannot be used; the message says where and why, one problem a line."""


@dataclass(frozen=True)
class KnowledgeBase:
    """The validated topics, in display order, with a lookup of every fact by id."""

    topics: dict[str, Topic]
    warnings: tuple[str, ...] = ()
    directory: Path | None = None
    # topic id -> digest of the bytes of its file: an unchanged file is not parsed again
    digests: dict[str, str] = field(default_factory=dict)
    # file as named in messages -> (its digest, its warnings): an unchanged file's warnings
    # are not worked out again
    file_warnings: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    facts: dict[str, tuple[Topic, Fact]] = field(init=False)

    def __post_init__(self) -> None:
        facts = {fact.id: (topic, fact) for topic in self.topics.values() for fact in topic.facts}
        object.__setattr__(self, "facts", facts)

    def topic_of(self, fact_id: str) -> Topic:
        return self.facts[fact_id][0]

    def fact(self, fact_id: str) -> Fact:
        return self.facts[fact_id][1]

    def languages(self) -> list[str]:
        """Languages in which every text of the fact base is written."""
        missing = {
            lang
            for topic in self.topics.values()
            for _, text in _texts(topic)
            for lang in text.missing()
        }
        return [lang for lang in LANGS if lang not in missing]

    def summary(self, lang: str = "en", languages: list[str] | None = None) -> str:
        """How large it is and which languages it is complete in, in words of `lang`
        (`languages`: those, when known already)."""
        found = self.languages() if languages is None else languages
        return t(
            lang,
            "kb_summary",
            topics=len(self.topics),
            facts=len(self.facts),
            languages=", ".join(found) or t(lang, "kb_no_language"),
        )


def _line_of(node: yaml.Node | None, loc: tuple[str | int, ...]) -> int | None:
    """The 1-based line of a value at a pydantic error location, found in the YAML node tree."""
    import yaml  # here and below: a start from the engine cache never parses YAML

    line = node.start_mark.line + 1 if node is not None else None
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            found = next((v for k, v in node.value if getattr(k, "value", None) == key), None)
            if found is None:
                # a missing key: point at the mapping that should hold it
                return node.start_mark.line + 1
            node = found
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            break
        line = node.start_mark.line + 1
    return line


def _format_loc(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _read_topic(
    path: Path, shown: str, raw: bytes, strings: dict[str, str] | None = None
) -> tuple[Topic | None, list[str]]:
    """Parse one topic file's bytes; return the topic or the problems found in it."""
    import yaml

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [f"{shown}:{line}: not valid UTF-8 (byte {exc.start}); save the file as UTF-8"]
    try:
        data = parse_yaml(text, strings)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f"{shown}:{mark.line + 1}" if mark else shown
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, [f"{where}: YAML syntax error: {problem}"]
    if data is None:
        return None, [f"{shown}: the file is empty; a topic needs id, title, summary, facts"]
    if not isinstance(data, dict):
        kind = type(data).__name__
        return None, [
            f"{shown}:1: the top level must be a mapping (id: ..., title: ...), not a {kind}"
        ]
    if "id" not in data:
        return None, [f"{shown}:1: missing topic id (add 'id: {path.stem}')"]
    from pydantic import ValidationError  # only when files are parsed: answering never needs it

    try:
        topic = _topic_validator().validate_python(data)
    except ValidationError as exc:
        node = yaml.compose(text, Loader=yaml.SafeLoader)  # only now: for the lines
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            line = _line_of(node, loc)
            where = f"{shown}:{line}" if line else shown
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "missing":
                msg = "missing required field"
            elif err["type"] in ("extra_forbidden", "unexpected_keyword_argument"):
                msg = "unknown field (check the spelling)"
            problems.append(f"{where}: {_format_loc(loc)}: {msg}")
        return None, problems
    return topic, []


def prepare_reading() -> None:
    """Import and set up what parsing and validating need, ahead of reading any file."""
    _topic_validator()
    prepare_yaml()


@cache
def _topic_validator() -> Any:
    from pydantic import TypeAdapter

    return TypeAdapter(Topic)


def topic_files(folder: Path) -> list[Path]:
    """The topic files of a fact base folder, in name order (names compared as strings, as
    paths in one folder compare: a large base is listed at every start)."""
    with os.scandir(folder) as entries:
        names = sorted(
            entry.name
            for entry in entries
            if os.path.splitext(entry.name)[1] in (".yaml", ".yml") and entry.is_file()
        )
    return [folder / name for name in names]


def digest(raw: bytes) -> str:
    """What identifies a file's content: equal digests, equal files."""
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


@contextmanager
def paused_gc() -> Iterator[None]:
    """No garbage collection while a fact base is built: it makes only objects that live on,
    and the collector's walks over them would cost a third of the build."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def knowledge_files(directory: str | Path | None) -> tuple[Path, list[Path]]:
    """A fact base folder and its topic files; KnowledgeError when there are none."""
    folder = Path(directory) if directory else DEFAULT_KNOWLEDGE_DIR
    if not folder.is_dir():
        raise KnowledgeError(f"{folder}: no such fact base folder")
    files = topic_files(folder)
    if not files:
        raise KnowledgeError(f"{folder}: no topic files (*.yaml) in the fact base folder")
    return folder, files


def load_knowledge(
    directory: str | Path | None = None,
    previous: KnowledgeBase | None = None,
    known: Mapping[str, Topic] | None = None,
) -> KnowledgeBase:
    """Load every *.yaml topic file of a folder; raise KnowledgeError listing all problems.

    A file whose bytes are those a topic of `previous` was read from (or whose digest is in
    `known`) is not parsed again: that topic is reused as it is. The checks across files run
    over the whole base anyway.
    """
    folder, files = knowledge_files(directory)
    reused = dict(known or {})
    if previous is not None:
        reused.update((previous.digests[t], previous.topics[t]) for t in previous.digests)
    strings: dict[str, str] = {}
    with paused_gc():
        reads = [read_file(path, reused, strings) for path in files]
        return checked_base(folder, reads, previous)


# one file read: its name as shown in messages, its digest, its topic or its problems
FileRead = tuple[str, str, "Topic | None", list[str]]


def read_file(path: Path, known: Mapping[str, Topic], strings: dict[str, str]) -> FileRead:
    """One topic file, parsed and validated unless its digest is in `known`."""
    shown = str(path)
    raw = path.read_bytes()
    key = digest(raw)
    topic = known.get(key)
    if topic is not None:
        return shown, key, topic, []
    topic, problems = _read_topic(path, shown, raw, strings)
    return shown, key, topic, problems


def checked_base(
    folder: Path, reads: list[FileRead], previous: KnowledgeBase | None = None
) -> KnowledgeBase:
    """The fact base of the files read, in name order, after the checks across files.
    The warnings of a file `previous` read with the same bytes are its."""
    problems: list[str] = []
    topics: dict[str, tuple[Topic, str]] = {}
    digests: dict[str, str] = {}
    fact_files: dict[str, str] = {}
    unreadable: set[str] = set()  # ids of files that failed: not also blamed on their referrers
    for shown, key, topic, found in reads:
        problems += found
        if topic is None:
            unreadable.add(Path(shown).stem)
            continue
        if topic.id in topics:
            problems.append(
                f"{shown}: duplicate topic id {topic.id!r} (also in {topics[topic.id][1]})"
            )
            continue
        topics[topic.id] = (topic, shown)
        digests[topic.id] = key
        for fact in topic.facts:
            if fact.id in fact_files:
                problems.append(
                    f"{shown}: duplicate fact id {fact.id!r} (also in {fact_files[fact.id]})"
                )
            fact_files[fact.id] = shown
    for topic, shown in topics.values():
        for ref in topic.related:
            if ref not in topics and ref not in unreadable:
                problems.append(f"{shown}: related topic {ref!r} does not exist")
    if problems:
        raise KnowledgeError("\n".join(problems))
    ordered = sorted(topics.values(), key=lambda pair: (pair[0].order, pair[0].id))
    kept = previous.file_warnings if previous is not None else {}
    file_warnings = {}
    for topic, shown in ordered:
        key = digests[topic.id]
        known = kept.get(shown)
        found = known[1] if known is not None and known[0] == key else None
        if found is None:
            found = tuple(_translation_warnings(topic, shown))
        file_warnings[shown] = (key, found)
    warnings = tuple(w for _, found in file_warnings.values() for w in found)
    return KnowledgeBase({t.id: t for t, _ in ordered}, warnings, folder, digests, file_warnings)


def _texts(topic: Topic, named: bool = True) -> list[tuple[str, Localized]]:
    """Every translatable text of a topic, named for messages (not `named`: each named "",
    for a check that needs no names)."""
    texts = [("title", topic.title), ("summary", topic.summary), ("source", topic.source)]
    if topic.short_title is not None:
        texts.append(("short_title", topic.short_title))
    for fact in topic.facts:
        prefix = f"fact {fact.id} " if named else ""
        texts.append((f"{prefix}text" if named else "", fact.text))
        texts += [(prefix + name if named else "", value) for name, value in fact.details()]
        if fact.source is not None:
            texts.append((f"{prefix}source" if named else "", fact.source))
    return texts


_EVERY_LANGUAGE = attrgetter(*LANGS)


def _translation_warnings(topic: Topic, shown: str) -> list[str]:
    """Russian or Kazakh texts that fall back to English."""
    # most topics are translated throughout: checked first without naming each text
    if all(map(all, map(_EVERY_LANGUAGE, map(itemgetter(1), _texts(topic, named=False))))):
        return []
    return [
        f"{shown}: {what}: missing {lang} text, English is used instead"
        for what, value in _texts(topic)
        for lang in value.missing()
    ]
