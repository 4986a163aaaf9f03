"""Records: the model's dataclasses to and from plain dictionaries, derived from the dataclasses themselves.

:func:`to_record` gives an object's catalogue-file shape (the keys its JSON Schema defines, in the
schema's order, absent facts left out); :func:`from_record` builds the object back from such a
dictionary (the loader's only way of building the model); :func:`flatten` turns a record into
``path -> value`` pairs (``parameters[MaxDays].default``, ``conformance_pack.input_parameters.X``)
for comparing two versions field by field. Field metadata in :mod:`conformap.model.catalog` says
where a field's key differs from its name; nothing here names a field.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Mapping
from functools import lru_cache
from types import MappingProxyType, NoneType, UnionType
from typing import Any, Callable

from conformap.model.fieldmeta import KEEP, KEY, LOCAL, PARENT

# Members of a list whose records carry one of these keys are named by it in flattened paths.
_NAMING_KEYS = ("id", "name")


@lru_cache(maxsize=None)
def _fields(cls: type) -> tuple[tuple[dataclasses.Field[Any], Any, tuple[str, ...]], ...]:
    """(field, resolved type, key path) for every serialised field of a record class."""
    hints = typing.get_type_hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        if not f.init or f.metadata.get(LOCAL) or f.metadata.get(PARENT):
            continue
        out.append((f, hints[f.name], tuple(f.metadata.get(KEY, f.name).split("."))))
    return tuple(out)


def _default(f: dataclasses.Field[Any]) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return dataclasses.MISSING


def _dump(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_record(value)
    if isinstance(value, (tuple, list)):
        return [_dump(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _dump(v) for k, v in value.items()}
    return value


def to_record(obj: Any) -> dict[str, Any]:
    """An object of the model as a plain dictionary in its catalogue-file shape."""
    out: dict[str, Any] = {}
    cls: type = type(obj)
    for f, _, path in _fields(cls):
        value = getattr(obj, f.name)
        if value is None or (not f.metadata.get(KEEP) and value == _default(f) and not value):
            continue
        node = out
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = _dump(value)
    return out


def _optional(tp: Any) -> Any:
    """``X`` for ``X | None``; ``tp`` otherwise."""
    if typing.get_origin(tp) in (typing.Union, UnionType):
        args = [a for a in typing.get_args(tp) if a is not NoneType]
        if len(args) == 1:
            return args[0]
    return tp


def _identity(value: Any, parent: Any) -> Any:
    return value


def _converter(tp: Any) -> Callable[[Any, Any], Any]:
    """A function (value, enclosing record) -> the model's value for a field of type ``tp``; built once per type."""
    tp = _optional(tp)
    origin = typing.get_origin(tp)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return lambda value, parent: from_record(tp, value, parent)
    if origin is tuple:
        item = _converter(typing.get_args(tp)[0])
        if item is _identity:
            return lambda value, parent: tuple(value)
        return lambda value, parent: tuple(item(v, parent) for v in value)
    if origin is Mapping:  # typing.Mapping[K, V]'s origin is collections.abc.Mapping
        return lambda value, parent: MappingProxyType(dict(sorted(value.items())))
    return _identity


@lru_cache(maxsize=None)
def _loaders(cls: type) -> tuple[tuple[str, tuple[str, ...], Callable[[Any, Any], Any]], ...]:
    return tuple((f.name, path, _converter(tp)) for f, tp, path in _fields(cls))


@lru_cache(maxsize=None)
def _parent_fields(cls: type) -> tuple[tuple[str, str], ...]:
    return tuple((f.name, f.metadata[PARENT]) for f in dataclasses.fields(cls) if f.metadata.get(PARENT))


def from_record(cls: type, data: Mapping[str, Any], parent: Mapping[str, Any] | None = None, **local: Any) -> Any:
    """Build a record class from its catalogue-file dictionary (already validated against its schema).

    ``parent`` is the enclosing record's dictionary, for fields that take its id; ``local`` sets
    fields that are not serialised (the file a record was read from).
    """
    kwargs: dict[str, Any] = dict(local)
    if parent is not None:
        for name, key in _parent_fields(cls):
            kwargs[name] = parent[key]
    for name, path, convert in _loaders(cls):
        node: Any = data.get(path[0])
        for part in path[1:]:
            node = node.get(part) if isinstance(node, Mapping) else None
        if node is not None:
            kwargs[name] = convert(node, data)
    return cls(**kwargs)


def flatten(record: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """``path -> value`` for every leaf of a record; lists of named records are keyed by their id or name."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(flatten(value, path + "."))
        elif isinstance(value, list) and value and all(isinstance(v, Mapping) for v in value):
            naming = next((k for k in _NAMING_KEYS if all(k in v for v in value)), None)
            if naming is None:
                out[path] = value
                continue
            for v in value:
                rest = {k: x for k, x in v.items() if k != naming}
                out.update(flatten(rest, f"{path}[{v[naming]}]."))
        else:
            out[path] = value
    return out
