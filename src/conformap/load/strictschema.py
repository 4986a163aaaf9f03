"""The JSON Schema validator class for catalogue files and exports: Draft 2020-12, made strict and linear.

Two departures from stock :class:`jsonschema.Draft202012Validator`, both for untrusted files:

* ``"type": "integer"`` accepts Python ``int`` only (never ``bool``, never a float such as ``3.0``,
  which JSON Schema counts as an integer): a row or question number written ``3.0`` is refused,
  so typed values stay typed.
* ``uniqueItems`` is checked in O(n) (:func:`find_duplicate`); the stock keyword compares every
  pair when items are of mixed types, which made one 250 KB file cost minutes. ``maxItems`` says
  how long the list is instead of quoting it whole.
"""

from __future__ import annotations

from typing import Any, Iterator

import jsonschema
from jsonschema import ValidationError
from jsonschema.validators import extend


def _json_key(value: Any) -> Any:
    """A hashable key equal for exactly the values JSON Schema calls equal (1 == 1.0, true != 1)."""
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float)):
        return ("number", value)
    if isinstance(value, str):
        return ("string", value)
    if isinstance(value, list):
        return ("array", tuple(_json_key(v) for v in value))
    if isinstance(value, dict):
        return ("object", frozenset((k, _json_key(v)) for k, v in value.items()))
    return ("other", repr(value))


def find_duplicate(items: list) -> tuple[int, int] | None:
    """``(first, second)`` indexes of the first item equal to an earlier one, in O(n); ``None`` if all differ."""
    seen: dict[Any, int] = {}
    for i, item in enumerate(items):
        key = _json_key(item)
        if key in seen:
            return seen[key], i
        seen[key] = i
    return None


def _unique_items(validator, unique: bool, instance: Any, schema: dict) -> Iterator[ValidationError]:
    if unique and validator.is_type(instance, "array"):
        dup = find_duplicate(instance)
        if dup is not None:
            yield ValidationError(f"{instance[dup[1]]!r} appears twice (items {dup[0]} and {dup[1]}); items must be unique")


def _max_items(validator, limit: int, instance: Any, schema: dict) -> Iterator[ValidationError]:
    if validator.is_type(instance, "array") and len(instance) > limit:
        yield ValidationError(f"has {len(instance)} items; the limit is {limit}")


def _is_integer(checker, instance: Any) -> bool:
    return isinstance(instance, int) and not isinstance(instance, bool)


def for_document(schema: dict) -> "jsonschema.Validator":
    """A :data:`StrictValidator` for a whole published schema such as the export's.

    jsonschema switches to its stock class for any subschema that names a ``$schema`` (as the
    published export schema's inlined catalogue schemas do), which would drop the strict checks
    there; inside one document of one dialect those nested declarations say nothing, so they are
    left out.
    """

    def strip(node: Any, top: bool = False) -> Any:
        if isinstance(node, dict):
            return {k: strip(v) for k, v in node.items() if top or k != "$schema"}
        if isinstance(node, list):
            return [strip(v) for v in node]
        return node

    return StrictValidator(strip(schema, top=True))


StrictValidator = extend(
    jsonschema.Draft202012Validator,
    validators={"uniqueItems": _unique_items, "maxItems": _max_items},
    type_checker=jsonschema.Draft202012Validator.TYPE_CHECKER.redefine("integer", _is_integer),
)
