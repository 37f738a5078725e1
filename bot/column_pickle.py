"""A pickle whose dataclass instances are kept by column: lean to load, and in memory.

Pickle's own way with an instance keeps its attributes as a dict, which the loader builds,
copies into the instance (giving the instance a dict of its own) and holds to the end of
the load. A fact base is tens of thousands of small dataclasses (a text in three
languages, a date...): on 10,000 facts, 78,000 of them, whose dicts cost 5 MB of the
loaded engine's resident memory and 9 MB more at the peak of the load. Here each instance
is pickled bare, and its class's field values follow after all the parts, one tuple per
field; loading sets them one field at a time over all instances, in C (object.__setattr__,
as a frozen dataclass's own __init__ does), and the instances keep no dict.

Values computed on demand (functools.cached_property) are not kept: only the fields.

Arrays (the index's) are kept out of the pickle, after it in the file: pickle's own way
copies each into a bytes object that it holds to the end of the load (9 MB on 10,000
facts, most of which stayed resident); here each is read straight into its array.

A file may hold several such pickles one after the other (sections): each is read from
where the one before it ends.
"""

from __future__ import annotations

import copyreg
import os
import pickle
import struct
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import fields
from itertools import repeat
from operator import attrgetter
from typing import IO, Any

_END = "end of the columns"
_CHUNK = 1 << 18  # bytes of arrays read at once
# where the arrays' bytes start, where the table of their sizes starts, and where it ends
_HEADER = struct.Struct("<QQQ")


class _Pickler(pickle.Pickler):
    """Pickles the instances of some dataclasses bare, remembering them by class."""

    def __init__(
        self,
        file: IO[bytes],
        classes: Iterable[type],
        reducers: Mapping[type, Callable[[Any], tuple[Any, ...]]],
    ) -> None:
        self.buffers: list[pickle.PickleBuffer] = []
        super().__init__(file, protocol=5, buffer_callback=self.buffers.append)
        self.found: dict[type, list[object]] = {cls: [] for cls in classes}
        table = copyreg.dispatch_table.copy()
        table.update(reducers)
        table.update({cls: _bare(cls, found) for cls, found in self.found.items()})
        table[array] = _array
        self.dispatch_table = table

    def columns(self) -> None:
        """The field values of every instance pickled bare, a batch at a time: a batch's
        values may hold more instances (a fact's text), which the next batch fills."""
        while any(self.found.values()):
            batch = []
            for cls, found in self.found.items():
                if found:
                    objects = found.copy()
                    found.clear()
                    # the class last in each row, so that zip never makes a field of none
                    rows = map(attrgetter(*_names(cls), "__class__"), objects)
                    batch.append((cls, objects, list(zip(*rows, strict=True))[:-1]))
            self.dump(batch)
        self.dump(_END)


def _bare(cls: type, found: list[object]) -> Callable[[object], tuple[Any, ...]]:
    """What pickles an instance of a class bare (and notes it): pickle calls it for each."""
    reduced = (copyreg.__newobj__, (cls,))  # type: ignore[attr-defined]
    note = found.append

    def reduce(obj: object) -> tuple[Any, ...]:
        note(obj)
        return reduced

    return reduce


def _array(obj: array) -> tuple[Any, ...]:
    """An array pickled empty, its bytes out of band (see dump), read in with frombytes."""
    new = copyreg.__newobj__  # type: ignore[attr-defined]
    return new, (array, obj.typecode), pickle.PickleBuffer(obj), None, None, array.frombytes


def dump(
    file: IO[bytes],
    parts: Iterable[object],
    classes: Iterable[type],
    reducers: Mapping[type, Callable[[Any], tuple[Any, ...]]] | None = None,
) -> None:
    """Pickle parts one after the other (each read back by Loader.load), the instances of
    `classes` in them by column, other classes by `reducers` (as copyreg's); then the
    arrays' bytes, and their sizes. Written from the file's position on."""
    start = file.tell()
    file.write(_HEADER.pack(0, 0, 0))
    pickler = _Pickler(file, classes, reducers or {})
    for part in parts:
        pickler.dump(part)
    pickler.columns()
    buffers = file.tell()
    for buffer in pickler.buffers:
        file.write(buffer)
    sizes = file.tell()
    file.write(array("Q", [buffer.raw().nbytes for buffer in pickler.buffers]))
    end = file.tell()
    file.seek(start)
    file.write(_HEADER.pack(buffers, sizes, end))
    file.seek(end)


class Loader:
    """Reads back what `dump` wrote, from the file's position on: the parts, then
    (`finish`) their instances' fields; the file is then where the next section starts.

    Until `finish`, the instances of the column classes in the parts are bare: they must
    not be keys of a dict or members of a set there (hashing one would fail)."""

    def __init__(self, file: IO[bytes]) -> None:
        buffers, sizes, end = _HEADER.unpack(file.read(_HEADER.size))
        size = os.fstat(file.fileno()).st_size
        if not file.tell() <= buffers <= sizes <= end <= size or (end - sizes) % 8:
            raise pickle.UnpicklingError("not a column pickle")
        table = array("Q", os.pread(file.fileno(), end - sizes, sizes))
        if len(table) * 8 != end - sizes:
            raise pickle.UnpicklingError("the table of the arrays' sizes is cut short")
        self._file, self._end = file, end
        self._unpickler = pickle.Unpickler(file, buffers=_read_buffers(file, buffers, table))

    def load(self) -> Any:
        return self._unpickler.load()

    def finish(self) -> None:
        setattr_ = object.__setattr__
        while (batch := self._unpickler.load()) != _END:
            for cls, objects, columns in batch:
                for name, values in zip(_names(cls), columns, strict=True):
                    deque(map(setattr_, objects, repeat(name), values), maxlen=0)
        self._unpickler = None  # type: ignore[assignment]  # its memo holds every object read
        self._file.seek(self._end)


def _read_buffers(file: IO[bytes], start: int, sizes: array) -> Iterator[memoryview]:
    """The arrays' bytes, one at a time, from a part of the file the unpickler never reads
    (by position: its reads go on meanwhile), a chunk at a time."""
    fd, pending = file.fileno(), memoryview(b"")
    for size in sizes:
        if size > len(pending):
            more = os.pread(fd, max(size - len(pending), _CHUNK), start)
            start += len(more)
            pending = memoryview(bytes(pending) + more)
            if size > len(pending):
                raise pickle.UnpicklingError("the arrays' bytes are cut short")
        yield pending[:size]
        pending = pending[size:]


def _names(cls: type) -> tuple[str, ...]:
    return tuple(field.name for field in fields(cls))
