"""Records: the model serialises to exactly what its catalogue files hold, and back.

The expected values are the YAML files themselves (read with PyYAML, not with conformap), so a
field that the model forgets, renames or mis-nests shows up as a difference.
"""

from __future__ import annotations

import dataclasses

import pytest
import yaml

import conformap
from conformap import paths
from conformap.model import records
from conformap.load import schema
from types import MappingProxyType

from conformap.model.catalog import AwsQuote, BestPractice, Control, Deprecation, Erratum, Mapping, Parameter, Rule, SourceDocument, SourceRef, Statement

CATALOGUES = ["real", "golden", "mini", "site-mini", "stats"]


def _root(name, fixtures_dir):
    return paths.DEFAULT_CATALOG if name == "real" else fixtures_dir / name


def _yaml(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", CATALOGUES)
@pytest.mark.scenario
def test_every_record_is_its_file(name, fixtures_dir):
    root = _root(name, fixtures_dir)
    cat = conformap.load(root)
    fw, file = records.to_record(cat.framework), _yaml(root / "framework.yaml")
    # A file may leave out a field that has a default (form: text); the record states it.
    defaults = {f.name: f.default for f in dataclasses.fields(SourceDocument) if f.default is not dataclasses.MISSING}
    assert {k: v for k, v in fw["source"].items() if k not in file["source"]} == {k: defaults[k] for k in fw["source"] if k not in file["source"]}
    fw["source"] = {k: v for k, v in fw["source"].items() if k in file["source"]}
    assert fw == file
    for c in cat.controls:
        assert records.to_record(c) == _yaml(root / "controls" / f"{c.id}.yaml"), c.id
    for r in cat.rules:
        assert schema.ordered(records.to_record(r), "rule") == _yaml(root / "rules" / f"{r.id}.yaml"), r.id
    if (root / "errata.yaml").is_file():
        assert {"errata": [records.to_record(e) for e in cat.errata]} == _yaml(root / "errata.yaml")


@pytest.mark.parametrize("name", CATALOGUES)
@pytest.mark.scenario
def test_from_record_inverts_to_record(name, fixtures_dir):
    cat = conformap.load(_root(name, fixtures_dir))
    for c in cat.controls:
        assert records.from_record(Control, records.to_record(c), file=c.file) == c
    for r in cat.rules:
        assert records.from_record(Rule, records.to_record(r), file=r.file) == r
    for e in cat.errata:
        assert records.from_record(Erratum, records.to_record(e)) == e


def test_parent_fields_come_from_the_enclosing_record():
    rule = records.from_record(Rule, {"id": "x-check", "kind": "managed", "guidance": "G.", "mappings": [{"control": "A-1", "statement": "A-1.desc", "source_rows": [3]}]})
    assert rule.mappings == (Mapping(rule_id="x-check", control_id="A-1", statement_id="A-1.desc", source_rows=(3,)),)
    assert records.to_record(rule.mappings[0]) == {"control": "A-1", "statement": "A-1.desc", "source_rows": [3]}


def test_nested_keys_and_empty_values():
    rule = Rule(id="x", kind="managed", guidance="G.", pack_input_parameters={"b": "2", "a": "1"}, pack_scope_resource_types=("AWS::S3::Bucket",))
    rec = records.to_record(rule)
    assert rec["conformance_pack"] == {"input_parameters": {"b": "2", "a": "1"}, "scope_resource_types": ["AWS::S3::Bucket"]}
    assert rec["mappings"] == []  # required by the schema: kept even when empty
    assert "sources" not in rec and "parameters" not in rec and "file" not in rec


def test_flatten_names_list_members_by_id_or_name():
    rec = {"a": {"b": 1}, "parameters": [{"name": "P", "type": "int"}], "statements": [{"id": "S.1", "text": "t"}], "sources": [{"url": "u"}], "z": 2}
    assert records.flatten(rec) == {"a.b": 1, "parameters[P].type": "int", "statements[S.1].text": "t", "sources": [{"url": "u"}], "z": 2}


def test_every_model_field_is_serialised_or_declared_local():
    """A field added to the model is either written (under its name or KEY) or marked PARENT/LOCAL, never dropped silently."""
    for cls in (Control, Rule, Mapping, Erratum):
        written = {f.name for f, _, _ in records._fields(cls)}
        declared = {f.name for f in dataclasses.fields(cls) if f.metadata.get("parent") or f.metadata.get("local")}
        assert written | declared == {f.name for f in dataclasses.fields(cls) if f.init}, cls


def test_records_are_built_alike_from_tables_built_afresh(monkeypatch):
    """The tables of fields and converters are built once per class and process (constant: a class's fields do
    not change); built afresh at every call, as here, they give the same model (tuples for lists, read-only
    mappings sorted by key, nested and optional records)."""
    for name in ("_fields", "_loaders", "_parent_fields"):
        monkeypatch.setattr(records, name, getattr(records, name).__wrapped__)
    data = {
        "id": "x-check",
        "kind": "managed",
        "guidance": "G.",
        "mappings": [{"control": "A-1", "statement": "A-1.desc", "source_rows": [3, 5]}],
        "resource_types": ["AWS::S3::Bucket"],
        "parameters": [{"name": "P", "type": "int", "optional": True}],
        "conformance_pack": {"input_parameters": {"b": "2", "a": "1"}, "scope_resource_types": ["AWS::IAM::User"]},
        "deprecated": {"successor": "y-check", "reason": "R.", "aws_text": {"repo": "o/r", "path": "p.md", "commit": "c" * 40, "quote": "Q."}},
    }
    rule = records.from_record(Rule, data, file="f.yaml")
    assert rule == Rule(
        id="x-check",
        kind="managed",
        guidance="G.",
        mappings=(Mapping(rule_id="x-check", control_id="A-1", statement_id="A-1.desc", source_rows=(3, 5)),),
        resource_types=("AWS::S3::Bucket",),
        parameters=(Parameter(name="P", type="int", optional=True),),
        pack_input_parameters=MappingProxyType({"a": "1", "b": "2"}),
        pack_scope_resource_types=("AWS::IAM::User",),
        deprecated=Deprecation(successor="y-check", reason="R.", aws_text=AwsQuote(repo="o/r", path="p.md", commit="c" * 40, quote="Q.")),
        file="f.yaml",
    )
    assert type(rule.pack_input_parameters) is MappingProxyType and list(rule.pack_input_parameters) == ["a", "b"]
    control = records.from_record(Control, {"id": "A-1", "number": 1, "question": "Q?", "in_source": True, "statements": [
        {"id": "A-1.BP01", "kind": "best-practice", "text": "T.", "best_practice": {"id": "A01-BP01", "title": "B"}},
    ], "sources": [{"repo": "o/r"}]})
    assert control == Control(id="A-1", number=1, question="Q?", in_source=True, statements=(
        Statement(id="A-1.BP01", control_id="A-1", kind="best-practice", text="T.", best_practice=BestPractice(id="A01-BP01", title="B")),
    ), sources=(SourceRef(repo="o/r"),))
