"""The one schema module: the catalogue's JSON Schemas, compiled once, and everything derived from them.

* :func:`validator` — the JSON Schema validator of a file kind, ``$ref`` inlined once per process;
* :func:`diagnostics` — a document's schema errors as :class:`~conformap.diagnostics.Diagnostic`\\ s with
  readable messages (unknown fields with a "did you mean", missing fields, patterns explained by
  the schema's own description);
* :func:`ordered` — data with its keys in the order the schema lists them (the canonical layout);
* :func:`check_document` — the one check of a read document: YAML, a mapping at the top, schema, id;
* :data:`IDS` / :func:`is_id` — what an id may be (rule, control, statement, erratum), compiled from
  ``defs.schema.json``: validation and page generation share this one definition.

JSON Schema patterns are ECMA-262 regular expressions, in which ``$`` matches only at the very end
of the text. Python's ``$`` also matches before a final newline, so a pattern is compiled with a
final ``$`` turned into ``\\Z``; the validator checks ``pattern`` with that translation too, so
``"restricted-ssh\\n"`` is not a rule id anywhere.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from typing import Any, Callable, TypeVar, cast
from urllib.parse import unquote, urljoin

import jsonschema
from referencing import Registry, Resource

from conformap import paths
from conformap.diagnostics import Diagnostic
from conformap.load.strictschema import StrictValidator
from conformap.load.yamlio import YamlDocument

MAX_SCHEMA_ERRORS = 100  # schema errors reported per file (a 256 KB file can hold tens of thousands)

_T = TypeVar("_T")

DEFS_FILE = "defs.schema.json"
_ANNOTATIONS = {"description", "title", "examples", "default", "$comment", "markdownDescription"}


@lru_cache(maxsize=None)
def raw(name: str) -> dict:
    """A schema file of ``schema/`` (by file name, or by catalogue file kind), as written."""
    file = paths.SCHEMAS.get(name, name)
    return json.loads((paths.SCHEMA_DIR / file).read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def compile_pattern(pattern: str) -> re.Pattern:
    """An ECMA-262 ``pattern`` as a Python regex with the same meaning (a final ``$`` is the end of the text)."""
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + r"\Z"
    return re.compile(pattern)


class _Ids:
    """Id patterns from ``defs.schema.json``, by kind (``rule_id``, ``control_id``, ...)."""

    def __getitem__(self, kind: str) -> re.Pattern:
        return compile_pattern(raw(DEFS_FILE)["$defs"][kind]["pattern"])


IDS = _Ids()


def is_id(kind: str, value: object) -> bool:
    """Whether ``value`` is a valid id of ``kind`` (``rule_id``, ``control_id``, ``statement_id``, ``erratum_id``)."""
    return isinstance(value, str) and IDS[kind].search(value) is not None


# --------------------------------------------------------------------------- validation


@lru_cache(maxsize=1)
def _registry():
    """The schemas as a ``referencing`` registry, for the validator."""
    return Registry().with_resources((uri, Resource.from_contents(schema)) for uri, schema in _by_id().items())


@lru_cache(maxsize=1)
def _by_id() -> dict[str, dict]:
    """Every schema file by its ``$id``."""
    schemas = (raw(file.name) for file in sorted(paths.SCHEMA_DIR.glob("*.schema.json")))
    return {schema["$id"]: schema for schema in schemas}


def _lookup(uri: str, fragment: str) -> Any:
    """The part of the schema ``uri`` at the JSON pointer ``fragment`` (our schemas use no ``$anchor``)."""
    try:
        node: Any = _by_id()[uri]
        for part in fragment.split("/")[1:]:
            key = unquote(part).replace("~1", "/").replace("~0", "~")
            node = node[int(key)] if isinstance(node, list) else node[key]
    except (KeyError, IndexError, ValueError) as exc:
        raise ValueError(f"schema reference {uri}#{fragment} points nowhere") from exc
    return node


def _inline_refs(node: Any, base: str, depth: int = 0) -> Any:
    """Replace each ``$ref`` by the schema it points to, so validation does no reference lookups.

    Resolving ``$ref`` through the registry is most of jsonschema's work on our files; the schemas
    are small and acyclic, so inlining them once per process makes validation about twice as fast.
    The target's keywords win over annotation siblings (its description is the more specific
    one in error messages); a sibling that validates is kept beside it with ``allOf``.
    """
    if depth > 50:
        raise ValueError("schema $ref chain too deep (a cycle?)")
    if isinstance(node, list):
        return [_inline_refs(x, base, depth) for x in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    out = {k: _inline_refs(v, base, depth) for k, v in node.items() if k != "$ref" or not isinstance(v, str)}
    if not isinstance(ref, str):
        return out
    uri, _, fragment = ref.partition("#")
    target_uri = urljoin(base, uri)  # the base itself for a ref within its file ("#/...")
    target = _inline_refs(_lookup(target_uri, fragment), target_uri, depth + 1)
    if not isinstance(target, dict):
        return {**out, "allOf": [target]}
    if all(k in _ANNOTATIONS for k in out) and "$id" not in target:
        return {**out, **target}
    return {**out, "allOf": [*out.get("allOf", []), target]}


@lru_cache(maxsize=None)
def inlined(kind: str) -> dict:
    """The schema of a file kind with every ``$ref`` replaced by its target."""
    schema = raw(kind)
    return _inline_refs(schema, schema["$id"])


@lru_cache(maxsize=1)
def _validator_class():
    def pattern(validator, patrn, instance, schema):
        if validator.is_type(instance, "string") and not compile_pattern(patrn).search(instance):
            yield jsonschema.ValidationError(f"{instance!r} does not match {patrn!r}")

    return jsonschema.validators.extend(StrictValidator, {"pattern": pattern})


@lru_cache(maxsize=None)
def validator(kind: str) -> "jsonschema.Draft202012Validator":
    """The JSON Schema validator for one catalogue file kind (framework, control, rule, errata)."""
    return _validator_class()(inlined(kind), registry=_registry(), format_checker=None)


def type_name(value: Any) -> str:
    """How a value's type is named in messages ("a mapping", "a list", ...)."""
    return {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean", int: "an integer", float: "a number", type(None): "null"}.get(
        type(value), type(value).__name__
    )


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _message(err: "jsonschema.ValidationError") -> tuple[tuple, str, bool]:
    """Turn a jsonschema error into (path, human message, point-at-key?)."""
    path = tuple(err.absolute_path)
    name = err.validator
    schema = _schema_of(err)
    instance: Any = err.instance  # jsonschema types it "or unset": never, for an error it reports
    if name in ("additionalProperties", "unevaluatedProperties"):
        known = properties_of(schema)
        extras = [k for k in instance if k not in known]
        if extras:  # none only where an allOf branch defines what additionalProperties refuses: jsonschema's message
            allowed = sorted(known)
            close = difflib.get_close_matches(str(extras[0]), allowed)  # best match first
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            return path + (extras[0],), f"unknown field '{extras[0]}'{hint}; allowed fields: {', '.join(allowed)}", True
    if name == "required":
        missing = re.findall(r"'([^']+)' is a required property", err.message)
        return path, f"missing required field '{missing[0] if missing else err.message}'", False
    if name == "anyOf" and schema.get("anyOf") and all("required" in s for s in schema["anyOf"]):
        options = " or ".join("'" + "', '".join(s["required"]) + "'" for s in schema["anyOf"])
        return path, f"needs {options}", False
    description = schema.get("description") if isinstance(schema, dict) else None
    if name in ("pattern", "minLength") and isinstance(instance, str) and not instance.strip():
        return path, "is blank; write the text (or leave out a field that is optional)", False
    if name == "pattern":
        msg = f"{instance!r} is not valid here"
        return path, msg + (f": {description}" if description else f" (must match {err.validator_value})"), False
    if name == "enum":
        enum = cast("list[Any]", err.validator_value)  # the schema's list of values
        choices = ", ".join(repr(v) for v in enum)
        return path, f"{instance!r} is not one of {choices}", False
    if name == "type":
        expected = err.validator_value
        shown = "" if instance is None else " " + _short(instance)
        return path, f"expected {expected}, got {type_name(instance)}{shown}", False
    return path, err.message, False


def _echo(err: "jsonschema.ValidationError") -> bool:
    """An ``unevaluatedProperties`` error that names no unknown key: it only repeats a failure beside it."""
    instance: Any = err.instance
    return err.validator == "unevaluatedProperties" and all(k in properties_of(_schema_of(err)) for k in instance)


def _schema_of(err: "jsonschema.ValidationError") -> dict[str, Any]:
    """The (sub)schema an error is about: always an object in our schemas (jsonschema allows true, false, unset)."""
    return cast("dict[str, Any]", err.schema)


def errors(kind: str, data: Any) -> list["jsonschema.ValidationError"]:
    """The schema errors of a document of a file kind (echoes of other errors left out), at most ``MAX_SCHEMA_ERRORS`` + 1."""
    found = (err for err in validator(kind).iter_errors(data) if not _echo(err))  # lazy: stops at the limit
    return list(islice(found, MAX_SCHEMA_ERRORS + 1))


def diagnostics(doc: YamlDocument, kind: str) -> list[Diagnostic]:
    """Every schema error of a parsed document (up to ``MAX_SCHEMA_ERRORS``), located at its line and column."""
    out = []
    found = errors(kind, doc.data)
    for err in found[:MAX_SCHEMA_ERRORS]:
        path, msg, at_key = _message(err)
        out.append(doc.error(path, msg, key=at_key))
    if len(found) > MAX_SCHEMA_ERRORS:
        out.append(doc.error((), f"more schema errors in this file are not shown (the first {MAX_SCHEMA_ERRORS} are)"))
    return out


@dataclass
class Checked:
    """A catalogue document after :func:`check_document`: its problems, and the first check it failed
    (``yaml``, ``mapping``, ``schema``, ``id``), or ``None`` when it passed every one."""

    doc: "YamlDocument"
    diagnostics: list[Diagnostic]
    failed: str | None

    @property
    def ok(self) -> bool:
        return self.failed is None


def check_document(
    doc: "YamlDocument",
    kind: str | None = None,
    *,
    expected_id: str | None = None,
    id_problem: Callable[[str], str] | None = None,
) -> Checked:
    """The one check of a read catalogue document, in one wording, for the loader, ``fmt``, the importers
    and ``diff``: its YAML parsed; its top level a mapping; with ``kind``, its schema; with ``expected_id``,
    its ``id`` (``id_problem(id)`` says what a wrong one does not match). Stops at the first that fails."""
    if not doc.ok:
        return Checked(doc, list(doc.diagnostics), "yaml")
    if not isinstance(doc.data, dict):
        return Checked(doc, [doc.error((), f"the file must hold a YAML mapping, not {type_name(doc.data)}")], "mapping")
    if kind is not None:
        found = diagnostics(doc, kind)
        if found:
            return Checked(doc, found, "schema")
    if expected_id is not None and doc.data.get("id") != expected_id:
        got = doc.data.get("id")
        said = id_problem(str(got)) if id_problem else f"the expected id '{expected_id}'"
        return Checked(doc, [doc.error(("id",), f"id '{got}' does not match {said}")], "id")
    return Checked(doc, [], None)


# --------------------------------------------------------------------------- key order


def _branches(schema: dict) -> list[dict]:
    """The subschemas whose properties also describe the value (``$ref`` inlined as ``allOf``)."""
    return [schema] + [s for key in ("allOf",) for s in schema.get(key, []) if isinstance(s, dict)]


def properties_of(schema: dict) -> dict:
    """The properties an object schema defines, its ``allOf`` branches (inlined references) included."""
    props: dict = {}
    for branch in _branches(schema):
        for k, v in branch.get("properties", {}).items():
            props.setdefault(k, v)
    return props


def _additional(schema: dict) -> dict:
    for branch in _branches(schema):
        extra = branch.get("additionalProperties")
        if isinstance(extra, dict):
            return extra
    return {}


def items_of(schema: dict) -> dict:
    """The item schema of an array schema, its ``allOf`` branches included."""
    for branch in _branches(schema):
        if isinstance(branch.get("items"), dict):
            return branch["items"]
    return {}


def _ordered(value: Any, schema: dict) -> Any:
    if isinstance(value, dict):
        props = properties_of(schema)
        keys = [k for k in props if k in value] + sorted(k for k in value if k not in props)
        return {k: _ordered(value[k], props.get(k) or _additional(schema)) for k in keys}
    if isinstance(value, list):
        items = items_of(schema)
        return [_ordered(v, items) for v in value]
    return value


MAPPING_POINTER = "/properties/mappings/items"  # where rule.schema.json defines a mapping


def subschema(kind: str, pointer: str = "") -> dict:
    """The part of a kind's (inlined) schema at a JSON pointer such as ``/properties/mappings/items``."""
    node: Any = inlined(kind)
    for part in filter(None, pointer.split("/")):
        node = node[part]
    return node


def ordered(data: _T, kind: str, pointer: str = "") -> _T:
    """``data`` with every mapping's keys in the order its schema lists them (unknown keys last, sorted)."""
    return _ordered(data, subschema(kind, pointer))


def description_at(kind: str, path: tuple[str, ...]) -> str:
    """The description of the field at ``path`` (keys; arrays are stepped through) in a kind's inlined schema."""
    node = inlined(kind)
    for key in path:
        while items_of(node) and not properties_of(node):
            node = items_of(node)
        node = properties_of(node)[key]
    return next((b["description"] for b in _branches(node) if b.get("description")), "")  # the node's own first
