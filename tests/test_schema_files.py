"""The JSON Schemas: valid 2020-12, closed (no unknown fields), documented, and right about
hand-written valid and invalid documents (tests/fixtures/schema/<kind>/).

Each invalid fixture starts with one or more ``# expect: <keyword> at <json path>`` lines: the
complete set of (keyword, path) errors the schema must report for it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from conformap import paths
from conformap.load import schema
from conformap.load.schema import validator

SCHEMA_DIR = paths.SCHEMA_DIR
SCHEMA_FILES = sorted(SCHEMA_DIR.glob("*.json"))
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "schema"
KINDS = ("rule", "control", "framework", "errata", "security-hub", "guard-mapping", "nist-800-53", "rule-pages", "pack-scopes")
EXPECT = re.compile(r"^# expect: (?P<keyword>\w+) at (?P<path>\$\S*)$")


def load_schema(file: Path) -> dict:
    return json.loads(file.read_text(encoding="utf-8"))


def test_schema_folder_has_every_kind():
    assert [f.name for f in SCHEMA_FILES] == [
        "control.schema.json",
        "defs.schema.json",
        "errata.schema.json",
        "export.schema.json",
        "framework.schema.json",
        "guard-mapping.schema.json",
        "nist-800-53.schema.json",
        "pack-scopes.schema.json",
        "posture.schema.json",
        "rule-pages.schema.json",
        "rule.schema.json",
        "security-hub.schema.json",
    ]


@pytest.mark.parametrize("file", SCHEMA_FILES, ids=lambda f: f.name)
def test_schema_is_valid_2020_12(file):
    schema = load_schema(file)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"https://conformap.dev/schema/{file.name}"
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema.get("description"), "the schema itself is described"


def object_schemas(node, where="#"):
    """Yield (pointer, subschema) for every subschema that declares ``properties``.

    ``if`` subschemas are conditions, not shapes of data, so they are skipped.
    """
    if isinstance(node, dict):
        if "properties" in node:
            yield where, node
        for key, value in node.items():
            if key == "if":
                continue
            if key == "properties":
                for name, sub in value.items():
                    yield from object_schemas(sub, f"{where}/properties/{name}")
            elif isinstance(value, (dict, list)):
                yield from object_schemas(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from object_schemas(value, f"{where}/{i}")


def _closed(sub: dict) -> bool:
    return sub.get("additionalProperties") is False or sub.get("unevaluatedProperties") is False


def _references(node, target: str):
    """Every schema node (of every file) whose $ref ends with ``target``."""
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str) and node["$ref"].endswith(target):
            yield node
        for value in node.values():
            yield from _references(value, target)
    elif isinstance(node, list):
        for value in node:
            yield from _references(value, target)


@pytest.mark.parametrize("file", SCHEMA_FILES, ids=lambda f: f.name)
def test_every_object_is_closed(file):
    """Every object schema refuses unknown keys: itself, or (a shared definition) at every place that uses it."""
    found = list(object_schemas(load_schema(file)))
    assert found, "the walker found no object schema at all"
    open_objects = [where for where, sub in found if not _closed(sub)]
    for where in list(open_objects):
        if where.startswith("#/$defs/"):
            uses = [ref for f in SCHEMA_FILES for ref in _references(load_schema(f), where)]
            if uses and all(_closed(ref) for ref in uses):
                open_objects.remove(where)
    assert open_objects == []


@pytest.mark.parametrize("file", SCHEMA_FILES, ids=lambda f: f.name)
def test_every_property_has_a_description(file):
    missing = []
    for where, sub in object_schemas(load_schema(file)):
        for name, prop in sub["properties"].items():
            if not (isinstance(prop, dict) and isinstance(prop.get("description"), str) and prop["description"].strip()):
                missing.append(f"{where}/properties/{name}")
    assert missing == []


def test_walker_sees_nested_objects():
    # The rule schema nests objects in arrays (parameters, mappings) and behind $ref (sources).
    pointers = {where for where, _ in object_schemas(load_schema(SCHEMA_DIR / "rule.schema.json"))}
    assert {"#", "#/properties/parameters/items", "#/properties/deprecated"} <= pointers
    defs = {where for where, _ in object_schemas(load_schema(SCHEMA_DIR / "defs.schema.json"))}
    assert {"#/$defs/source_ref", "#/$defs/mapping"} <= defs


def test_walker_would_catch_an_open_object_or_missing_description():
    bad = {"type": "object", "properties": {"a": {"type": "object", "properties": {"b": {"type": "string"}}}}}
    found = dict(object_schemas(bad))
    assert set(found) == {"#", "#/properties/a"}
    assert all(sub.get("additionalProperties") is not False for sub in found.values())
    assert "description" not in found["#/properties/a"]["properties"]["b"]


# --- fixture documents ----------------------------------------------------------------------------


def fixture_files(prefix: str) -> list[tuple[str, Path]]:
    return [(kind, f) for kind in KINDS for f in sorted((FIXTURES / kind).glob(f"{prefix}-*.yaml"))]


def json_path(parts) -> str:
    out = "$"
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out


def test_every_kind_has_valid_and_invalid_fixtures():
    for kind in KINDS:
        names = {f.name.split("-", 1)[0] for f in (FIXTURES / kind).glob("*.yaml")}
        assert names == {"valid", "invalid"}, kind
    assert {f.parent.name for f in FIXTURES.rglob("*.yaml")} == set(KINDS)


@pytest.mark.parametrize("kind, file", fixture_files("valid"), ids=lambda x: x if isinstance(x, str) else x.name)
def test_valid_fixture(kind, file):
    doc = yaml.safe_load(file.read_text(encoding="utf-8"))
    errors = [f"{json_path(e.absolute_path)}: {e.message}" for e in validator(kind).iter_errors(doc)]
    assert errors == []


@pytest.mark.parametrize("kind, file", fixture_files("invalid"), ids=lambda x: x if isinstance(x, str) else x.name)
def test_invalid_fixture(kind, file):
    text = file.read_text(encoding="utf-8")
    expected = set()
    for line in text.splitlines():
        if line.startswith("# expect:"):
            m = EXPECT.match(line)
            assert m, f"malformed expectation: {line}"
            expected.add((m["keyword"], m["path"]))
    assert expected, "an invalid fixture must say which error it expects"
    doc = yaml.safe_load(text)
    got = {(e.validator, json_path(e.absolute_path)) for e in schema.errors(kind, doc)}
    assert got == expected


def test_every_reference_is_inlined_and_a_dangling_one_is_named():
    """The $ref inlining resolves our schemas' references itself (no `referencing` import on the warm path)."""
    from conformap.load import schema as sch

    def refs(node):
        if isinstance(node, dict):
            return ("$ref" in node) + sum(refs(v) for v in node.values())
        return sum(refs(v) for v in node) if isinstance(node, list) else 0

    for file in sorted(sch.paths.SCHEMA_DIR.glob("*.schema.json")):
        assert refs(sch.inlined(file.name)) == 0, file.name
    base = sch.raw("rule.schema.json")["$id"]
    assert sch._lookup(sch.urljoin(base, "defs.schema.json"), "/$defs/rule_id")["pattern"].startswith("^")
    with pytest.raises(ValueError, match=r"schema reference .*defs\.schema\.json#/\$defs/no_such_def points nowhere"):
        sch._lookup(sch.urljoin(base, "defs.schema.json"), "/$defs/no_such_def")
    with pytest.raises(ValueError, match="points nowhere"):
        sch._lookup("https://example.invalid/other.schema.json", "")
