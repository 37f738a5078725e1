"""The one way the project reads YAML: libyaml's events turned into plain Python data.

PyYAML's loader spends most of a large fact base's parse in Python-level construction (a node
object, a resolver call and a constructor call for every scalar). A topic file is plain
mappings, lists and strings, so one loop over libyaml's events builds the same data at a
fraction of that cost. Whatever it does not build plainly (explicit tags, merge keys, a
collection or an alias as a key, a recursive or duplicate anchor, a scalar its constructor
refuses, a second document) sends the whole text to the standard safe loader instead, so the
result is always exactly `yaml.safe_load`'s.
"""

from __future__ import annotations

from functools import cache
from types import MethodType
from typing import Any

# yaml is imported only when a file is read: a start from the engine cache never parses YAML


class _NotPlain(Exception):
    """The text holds something the fast loop leaves to the standard loader."""


def parse_yaml(text: str, strings: dict[str, str] | None = None) -> Any:
    """YAML data, parsed by libyaml; broken YAML is parsed again by the pure parser for its
    wording, so error messages are the same wherever libyaml is missing.

    With `strings`, equal strings (keys and values) become one object (that dict's), across
    every file parsed with it: a large fact base repeats its keywords and sources thousands of
    times.
    """
    import yaml

    tables = _tables()
    shared = {} if strings is None else strings
    try:
        if tables.parser is not None:
            try:
                return _build(tables.parser(text).get_event, shared.setdefault, tables)
            except _NotPlain:
                pass
        return _standard_load(text, shared)
    except yaml.YAMLError:
        return yaml.safe_load(text)


def prepare() -> None:
    """Import yaml and build the tables now, ahead of reading any file (before a fork)."""
    _tables()


def _standard_load(text: str, shared: dict[str, str]) -> Any:
    """PyYAML's own safe loader (libyaml's where there is one), sharing strings as well."""
    loader = _loader_class()(text)
    loader.strings = shared
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


class _Tables:
    """What the fast loop looks up, made once: event classes, implicit resolvers, constructors."""

    def __init__(self) -> None:
        import yaml

        self.loader = _loader_class()
        # libyaml's parser; None without libyaml: then the standard (pure) loader reads
        self.parser = yaml.cyaml.CParser if yaml.__with_libyaml__ else None
        self.events = (
            yaml.ScalarEvent,
            yaml.MappingStartEvent,
            yaml.SequenceStartEvent,
            yaml.MappingEndEvent,
            yaml.SequenceEndEvent,
            yaml.DocumentEndEvent,
            yaml.StreamEndEvent,
            yaml.AliasEvent,
        )
        self.scalar_node = yaml.ScalarNode
        # the resolver's implicit types, by a plain scalar's first character ('' when empty):
        # a plain scalar starting with any other character is a string
        found = self.loader.yaml_implicit_resolvers
        anywhere = tuple(found.get(None, ()))
        self.implicit = {first: tuple(pairs) + anywhere for first, pairs in found.items()}
        self.implicit.pop(None, None)
        self.anywhere = anywhere
        if self.loader.yaml_path_resolvers:  # never in PyYAML's safe loader: stay exact anyway
            self.parser = None
        # the standard constructors of the implicit scalar types that are not strings; a
        # merge key ('<<'), a value key ('=') or a type added elsewhere is left to the loader
        constructor = yaml.constructor.SafeConstructor()
        self.construct = {
            tag: MethodType(self.loader.yaml_constructors[tag], constructor)
            for tag in (
                "tag:yaml.org,2002:null",
                "tag:yaml.org,2002:bool",
                "tag:yaml.org,2002:int",
                "tag:yaml.org,2002:float",
                "tag:yaml.org,2002:timestamp",
            )
        }


@cache
def _tables() -> _Tables:
    return _Tables()


def _build(get_event: Any, share: Any, tables: _Tables) -> Any:
    """The document of one stream of events, built as yaml.safe_load builds it; _NotPlain
    where the standard loader must decide."""
    (
        scalar_event,
        mapping_start,
        sequence_start,
        mapping_end,
        sequence_end,
        document_end,
        stream_end,
        alias_event,
    ) = tables.events
    implicit, anywhere = tables.implicit, tables.anywhere
    get_event()  # the stream's start
    if type(get_event()) is stream_end:  # else the document's start
        return None
    # the collections being built, outermost first: the items so far (a mapping's as key,
    # value, key, ...), whether it is a mapping, its anchor
    outer: list[tuple[list[Any], bool, str | None]] = []
    items: list[Any] = []
    in_mapping = False
    anchor = None
    anchors: dict[str, Any] = {}  # an alias is the very object of its anchor, as PyYAML's
    while True:
        event = get_event()
        kind = type(event)
        if kind is scalar_event:
            if event.tag is not None:
                raise _NotPlain
            value = event.value
            if event.implicit[0] and (value[:1] in implicit or anywhere):
                value = _plain_scalar(value, tables, share)
            else:
                value = share(value, value)
            if event.anchor is not None:
                _set_anchor(anchors, event.anchor, value)
            items.append(value)
        elif kind is mapping_start or kind is sequence_start:
            if event.tag is not None or (in_mapping and not len(items) % 2):
                raise _NotPlain  # an explicit tag; a collection as a key
            outer.append((items, in_mapping, anchor))
            items = []
            in_mapping = kind is mapping_start
            anchor = event.anchor
            if anchor is not None:
                _set_anchor(anchors, anchor, _PENDING)
        elif kind is mapping_end or kind is sequence_end:
            if in_mapping:
                pairs = iter(items)
                done: Any = dict(zip(pairs, pairs, strict=False))
            else:
                done = items
            if anchor is not None:
                anchors[anchor] = done
            items, in_mapping, anchor = outer.pop()
            items.append(done)
        elif kind is alias_event:
            value = anchors.get(event.anchor, _PENDING)
            if value is _PENDING or (in_mapping and not len(items) % 2):
                raise _NotPlain  # unknown, or inside itself; an alias as a key
            items.append(value)
        elif kind is document_end:
            break
        else:
            raise _NotPlain
    if type(get_event()) is not stream_end:  # a second document: the loader words it
        raise _NotPlain
    return items[0]


_PENDING = object()  # an anchored collection not yet complete


def _set_anchor(anchors: dict[str, Any], name: str, value: Any) -> None:
    if name in anchors:  # the loader words the duplicate
        raise _NotPlain
    anchors[name] = value


def _plain_scalar(value: str, tables: _Tables, share: Any) -> Any:
    """A plain scalar as the resolver types it: a string, or its standard constructor's value."""
    for tag, pattern in tables.implicit.get(value[:1], tables.anywhere):
        if pattern.match(value):
            construct = tables.construct.get(tag)
            if construct is None:
                raise _NotPlain
            try:
                return construct(tables.scalar_node(tag, value))
            except Exception as exc:  # e.g. 2015-02-30: raised where the loader raises it
                raise _NotPlain from exc
    return share(value, value)


@cache
def _loader_class() -> type:
    import yaml

    class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
        strings: dict[str, str]

        def construct_shared_str(self, node: yaml.ScalarNode) -> str:
            value = self.construct_scalar(node)
            return self.strings.setdefault(value, value)

    Loader.add_constructor("tag:yaml.org,2002:str", Loader.construct_shared_str)
    return Loader
