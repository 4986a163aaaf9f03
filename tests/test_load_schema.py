"""The schema module's own functions, in one process, with expected values written by hand: the messages it
makes of jsonschema's errors, the inlining of ``$ref`` (on small schemas of this file), the error limit, key
order, descriptions and ids. Everything here is computed afresh in the test: `make mutate` forks its test
runs from a process that has already compiled the catalogue's schemas (they are cached per process), so
only such direct calls run the mutated code. These are the fast tests `make mutate` runs against
src/conformap/load/schema.py.
"""

from __future__ import annotations

import jsonschema
import pytest

from conformap.load import schema
from conformap.load.yamlio import read_yaml_text

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def message(sch: dict, instance) -> tuple[tuple, str, bool]:
    (err,) = jsonschema.Draft202012Validator(sch).iter_errors(instance)
    return schema._message(err)


def test_unknown_fields_are_named_with_a_close_match():
    closed = {"type": "object", "properties": {"colour": {}, "size": {}}, "additionalProperties": False}
    assert message(closed, {"color": 1}) == (("color",), "unknown field 'color' (did you mean 'colour'?); allowed fields: colour, size", True)
    assert message(closed, {"size": 1, "zzz": 2}) == (("zzz",), "unknown field 'zzz'; allowed fields: colour, size", True)
    branches = {"allOf": [{"properties": {"a": {}}}], "properties": {"b": {}}, "unevaluatedProperties": False}
    assert message(branches, {"a": 1, "b": 2, "c": 3}) == (("c",), "unknown field 'c'; allowed fields: a, b", True)
    assert message({"additionalProperties": False}, {"a": 1}) == (("a",), "unknown field 'a'; allowed fields: ", True)
    # additionalProperties refuses what only an allOf branch defines: no field is unknown, jsonschema's message stays
    odd = {"allOf": [{"properties": {"a": {}}}], "additionalProperties": False}
    assert message(odd, {"a": 1}) == ((), "Additional properties are not allowed ('a' was unexpected)", False)
    assert message(closed, {"sise": 1})[1].startswith("unknown field 'sise' (did you mean 'size'?)")


def test_missing_fields_and_alternatives():
    assert message({"required": ["a"]}, {}) == ((), "missing required field 'a'", False)
    assert message({"required": ["it's"]}, {}) == ((), "missing required field '\"it's\" is a required property'", False)
    assert message({"anyOf": [{"required": ["a"]}, {"required": ["b", "c"]}]}, {}) == ((), "needs 'a' or 'b', 'c'", False)
    assert message({"anyOf": [{"type": "string"}, {"required": ["a"]}]}, {}) == ((), "{} is not valid under any of the given schemas", False)


def test_patterns_enums_and_types():
    assert message({"pattern": "^a$", "description": "An a."}, "b") == ((), "'b' is not valid here: An a.", False)
    assert message({"pattern": "^a$"}, "b") == ((), "'b' is not valid here (must match ^a$)", False)
    assert message({"enum": ["x", "y"]}, "z") == ((), "'z' is not one of 'x', 'y'", False)
    assert message({"type": "string"}, None) == ((), "expected string, got null", False)
    assert message({"properties": {"n": {"type": "string"}}}, {"n": 5}) == (("n",), "expected string, got an integer 5", False)
    assert message({"type": "integer"}, "x" * 58) == ((), f"expected integer, got a string '{'x' * 58}'", False)  # 60 characters shown
    assert message({"type": "integer"}, "x" * 59) == ((), f"expected integer, got a string '{'x' * 56}...", False)
    assert message({"minLength": 2}, "a") == ((), "'a' is too short", False)
    assert message({"properties": {"a": False}}, {"a": 1}) == ((), "False schema does not allow 1", False)  # a schema that is no dict


@pytest.mark.parametrize(
    ("value", "name"),
    [({}, "a mapping"), ([], "a list"), ("", "a string"), (True, "a boolean"), (0, "an integer"), (0.5, "a number"), (None, "null"), ({1}, "set")],
)
def test_type_names(value, name):
    assert schema.type_name(value) == name


def test_an_unknown_field_beside_a_failure_is_not_reported_twice():
    # A property of a failing allOf branch counts as unevaluated: jsonschema reports it a second time.
    sch = {"allOf": [{"properties": {"a": {"type": "string"}}}], "unevaluatedProperties": False}
    errs = list(jsonschema.Draft202012Validator(sch).iter_errors({"a": 1}))
    assert [e.validator for e in errs] == ["type", "unevaluatedProperties"]
    assert [schema._echo(e) for e in errs] == [False, True]
    (other,) = jsonschema.Draft202012Validator(sch).iter_errors({"a": "s", "b": 1})
    assert schema._echo(other) is False


ERRATUM = "  - {id: E1, kind: text, title: t, source_shows: s, catalogue_does: c}\n"  # one error: no reason


@pytest.mark.parametrize(("n", "shown"), [(100, 100), (101, 101)])
def test_at_most_a_hundred_schema_errors_per_file(n, shown):
    doc = read_yaml_text(("errata:\n" + ERRATUM * n).encode(), "errata.yaml")
    diags = schema.diagnostics(doc, "errata")
    assert len(diags) == shown
    assert diags[99].path == "$.errata[99]" and diags[99].message == "missing required field 'reason'"
    if n > 100:
        assert (diags[100].line, diags[100].column, diags[100].path) == (1, 1, "$")
        assert diags[100].message == "more schema errors in this file are not shown (the first 100 are)"


def test_finding_errors_stops_after_the_limit():
    data = {"errata": [{"id": "E1"}] * 40}  # 5 errors each
    assert len(schema.errors("errata", data)) == 101


def test_every_document_is_checked_every_time():
    good, bad = read_yaml_text(b"errata: []\n", "e.yaml"), read_yaml_text(b"errata: 1\n", "e.yaml")
    assert schema.diagnostics(good, "errata") == []
    for _ in range(2):  # a document is checked again, not remembered as seen
        (only,) = schema.diagnostics(bad, "errata")
        assert (only.file, only.line, only.column, only.path) == ("e.yaml", 1, 9, "$.errata")


def test_keys_are_put_in_schema_order():
    rule = {"mappings": [{"statement": "S.a", "control": "S"}], "zeta": 1, "kind": "managed", "alpha": 2, "id": "x",
            "conformance_pack": {"input_parameters": {"b": "1", "a": "2"}, "scope_resource_types": ["T"]},
            "deprecated": {"reason": "R.", "successor": "y"}}
    out = schema.ordered(rule, "rule")
    assert list(out) == ["id", "kind", "conformance_pack", "deprecated", "mappings", "alpha", "zeta"]
    assert list(out["deprecated"]) == ["successor", "reason"]  # the schema's order, not the alphabet's
    assert list(out["mappings"][0]) == ["control", "statement"]
    assert list(out["conformance_pack"]) == ["input_parameters", "scope_resource_types"]
    assert list(out["conformance_pack"]["input_parameters"]) == ["a", "b"]
    assert list(schema.ordered({"reason": "R.", "successor": "y"}, "rule", "/properties/deprecated")) == ["successor", "reason"]


def test_values_of_open_objects_are_ordered_by_the_schema_of_their_values():
    values = {"properties": {"y": {}, "x": {}}}
    for sch in ({"properties": {"b": {}}, "additionalProperties": values}, {"allOf": [{"additionalProperties": values}], "properties": {"b": {}}}):
        out = schema._ordered({"z": {"x": 1, "y": 2}, "b": 1, "a": {"x": 3, "y": 4}}, sch)
        assert list(out) == ["b", "a", "z"] and list(out["z"]) == ["y", "x"] and list(out["a"]) == ["y", "x"]
    assert list(schema._ordered({"z": {"x": 1, "y": 2}}, {"additionalProperties": False})["z"]) == ["x", "y"]


def test_descriptions_of_fields():
    assert schema.description_at("rule", ("mappings", "rationale")) == "Why this mapping holds; required for a mapping the source does not state."
    assert schema.description_at("errata", ("errata", "id")) == "An erratum id such as E1."
    assert schema.subschema("rule", "/properties/kind")["enum"] == ["managed", "process-check"]
    assert schema.subschema("rule")["title"] == "conformap rule (catalog/rules/<rule-name>.yaml)"
    with pytest.raises(KeyError):
        schema.description_at("rule", ("kind", "x"))  # a path the schema does not have


def test_a_description_given_by_a_branch(monkeypatch):
    sch = {"properties": {"a": {"type": "string", "allOf": [{"minLength": 1}, {"description": "From the branch."}]}, "b": {"type": "string"}}}
    monkeypatch.setattr(schema, "inlined", lambda kind: sch)
    assert schema.description_at("any", ("a",)) == "From the branch."
    assert schema.description_at("any", ("b",)) == ""


def test_ids():
    assert schema.is_id("rule_id", "s3-bucket-logging-enabled") and schema.is_id("erratum_id", "E12")
    assert not schema.is_id("rule_id", "index") and not schema.is_id("rule_id", "S3-Bucket")
    assert not schema.is_id("rule_id", "s3-bucket\n")  # a final $ is the end of the text, as in JSON Schema
    assert not schema.is_id("control_id", 7) and not schema.is_id("erratum_id", "E0")
    assert schema.compile_pattern(r"^a\$") .search("a$") and not schema.compile_pattern("^a$").search("a\n")


@pytest.fixture
def schemas(monkeypatch):
    """Make the given documents the only schemas, by $id, for _inline_refs."""

    def use(**resources: dict) -> None:
        by_id = {f"https://t/{name}.json": {"$schema": DRAFT, "$id": f"https://t/{name}.json", **c} for name, c in resources.items()}
        monkeypatch.setattr(schema, "_by_id", lambda: by_id)

    return use


A = {"$defs": {"n": {"description": "N.", "type": "integer"}, "flag": True, "obj": {"$id": "https://t/obj.json", "type": "object"},
              "a/b": {"type": "null"}, "t~x": {"type": "boolean"}, "~1": {"type": "number"}, "list": [{"type": "array"}, {"title": "Second."}]}}
B = {"$defs": {"m": {"$ref": "#/$defs/k"}, "k": {"type": "string"}}}


@pytest.mark.parametrize(
    ("node", "inlined"),
    [
        ({"description": "Mine.", "$ref": "#/$defs/n"}, {"description": "N.", "type": "integer"}),  # the target's words win
        ({"minimum": 1, "$ref": "#/$defs/n"}, {"minimum": 1, "allOf": [{"description": "N.", "type": "integer"}]}),
        ({"allOf": [{"minimum": 1}], "$ref": "#/$defs/n"}, {"allOf": [{"minimum": 1}, {"description": "N.", "type": "integer"}]}),
        ({"$ref": "#/$defs/flag"}, {"allOf": [True]}),
        ({"$ref": "#/$defs/obj"}, {"allOf": [{"$id": "https://t/obj.json", "type": "object"}]}),
        ({"$ref": "b.json#/$defs/m"}, {"type": "string"}),  # relative to the base, then to the target's file
        ([{"$ref": "#/$defs/n"}, 3], [{"description": "N.", "type": "integer"}, 3]),
        ({"properties": {"$ref": {"type": "string"}}}, {"properties": {"$ref": {"type": "string"}}}),  # a field named $ref
        ({"properties": {"x": {"$ref": "#/$defs/n"}, "y": {"$ref": "b.json#/$defs/k"}}}, {"properties": {"x": {"description": "N.", "type": "integer"}, "y": {"type": "string"}}}),
        # JSON pointers (RFC 6901): ~1 is '/', ~0 is '~' (so ~01 is '~1'), a number indexes a list, %XX is decoded
        ({"$ref": "#/$defs/a~1b"}, {"type": "null"}),
        ({"$ref": "#/$defs/t~0x"}, {"type": "boolean"}),
        ({"$ref": "#/$defs/~01"}, {"type": "number"}),
        ({"$ref": "#/$defs/list/1"}, {"title": "Second."}),
        ({"$ref": "#/%24defs/flag"}, {"allOf": [True]}),
    ],
)
def test_refs_are_inlined(node, inlined, schemas):
    schemas(a=A, b=B)
    assert schema._inline_refs(node, "https://t/a.json") == inlined


@pytest.mark.parametrize("wrap", [lambda ref: ref, lambda ref: {"not": ref}, lambda ref: {"anyOf": [ref]}])
def test_a_ref_chain_longer_than_fifty_is_refused(wrap, schemas):
    """Each $ref is a step, however deep in objects or lists the next one sits."""

    def chain(n: int) -> dict:
        defs = {f"r{i}": wrap({"$ref": f"#/$defs/r{i + 1}"}) for i in range(1, n)}
        return {"$defs": {**defs, f"r{n}": {"type": "integer"}}}

    schemas(c=chain(50))
    schema._inline_refs({"$ref": "#/$defs/r1"}, "https://t/c.json")
    schemas(c=chain(51))
    with pytest.raises(ValueError, match=r"^schema \$ref chain too deep \(a cycle\?\)$"):
        schema._inline_refs({"$ref": "#/$defs/r1"}, "https://t/c.json")
