"""Conformance packs: cfn-lint and moto accept every generated pack; AWS's limits; ids in Descriptions; safe YAML."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path
from types import MappingProxyType

import pytest
import yaml

import conformap
from conformap.cli import main
from conformap.outputs import conformance_pack as cp

EXPECTED = Path(__file__).resolve().parent / "expected"
HOSTILE_STRINGS = (
    "!!python/object/apply:os.system ['echo pwned']",
    "*alias",
    "&a anchored",
    ": x",
    "# c",
    "line one\nline two\r\n- item",
    "it's 'quoted' \"twice\"",
    "true",
    "0x1F",
    "2026-01-01",
    "~",
    "{a: 1}",
    "[1, 2]",
    "|",
    "%TAG ! tag:evil:",
    "---",
)


@pytest.fixture(scope="module")
def real_packs(real_catalog):
    return cp.all_packs(real_catalog)


def _cfn_lint(tmp_path: Path, files: dict[str, bytes], *extra: str) -> subprocess.CompletedProcess:
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    return subprocess.run(
        [sys.executable, "-c", "import sys; from cfnlint.runner import main; sys.exit(main())", *extra, "--", *sorted(str(tmp_path / n) for n in files)],
        capture_output=True,
        text=True,
    )


@pytest.mark.slow  # cfn-lint / moto take seconds; run by make test
def test_cfn_lint_accepts_every_generated_pack(real_packs, tmp_path):
    files, _ = real_packs
    result = _cfn_lint(tmp_path, files)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow  # cfn-lint / moto take seconds; run by make test
def test_controls_key_is_the_only_thing_cfn_lint_objects_to(real_catalog, tmp_path):
    scope = cp.find_scope(real_catalog, control="SEC-8")
    files, _ = cp.build(real_catalog, scope, cp.PackOptions(controls_key=True))
    doc = yaml.safe_load(files["sec-8.yaml"])
    assert all(r["Controls"][0] == "SEC-8" or "SEC-8" in r["Controls"] for r in doc["Resources"].values())
    plain = _cfn_lint(tmp_path, files)
    assert plain.returncode != 0 and "E3001" in plain.stdout  # Controls is non-standard, as the README says
    assert _cfn_lint(tmp_path, files, "--ignore-checks", "E3001").returncode == 0


def _evaluate_inputs(doc: dict, props: dict) -> dict[str, str]:
    """InputParameters as CloudFormation resolves them with the parameters' defaults (Fn::If on non-empty)."""
    out = {}
    for name, value in (props.get("InputParameters") or {}).items():
        cond, then, _ = value["Fn::If"]
        ref = doc["Conditions"][cond]["Fn::Not"][0]["Fn::Equals"][1]["Ref"]
        assert then == {"Ref": ref}
        default = doc["Parameters"][ref]["Default"]
        if default != "":
            out[name] = default
    return out


@pytest.mark.slow  # cfn-lint / moto take seconds; run by make test
def test_moto_accepts_every_rule_of_every_pack(real_packs):
    boto3 = pytest.importorskip("boto3")
    from moto import mock_aws

    files, _ = real_packs
    for name, data in files.items():
        doc = yaml.safe_load(data)
        with mock_aws():  # a fresh mock account per pack
            client = boto3.client("config", region_name="us-east-1")
            for res in doc["Resources"].values():
                props = res["Properties"]
                rule = {"ConfigRuleName": props["ConfigRuleName"], "Description": props["Description"], "Source": props["Source"]}
                inputs = _evaluate_inputs(doc, props)
                if inputs:
                    rule["InputParameters"] = json.dumps(inputs)
                if "Scope" in props:
                    rule["Scope"] = props["Scope"]
                client.put_config_rule(ConfigRule=rule)
            pages = client.get_paginator("describe_config_rules").paginate()
            names = {r["ConfigRuleName"] for page in pages for r in page["ConfigRules"]}
            assert names == {r["Properties"]["ConfigRuleName"] for r in doc["Resources"].values()}, name


def test_moto_refuses_what_it_should(real_catalog):
    """The check above means something: moto rejects unknown identifiers and parameter names."""
    boto3 = pytest.importorskip("boto3")
    from moto import mock_aws

    with mock_aws():
        client = boto3.client("config", region_name="us-east-1")
        for rule in (
            {"ConfigRuleName": "x", "Source": {"Owner": "AWS", "SourceIdentifier": "NOT_A_MANAGED_RULE"}},
            {"ConfigRuleName": "y", "Source": {"Owner": "AWS", "SourceIdentifier": "ACCESS_KEYS_ROTATED"}, "InputParameters": '{"bogus": "1"}'},
        ):
            with pytest.raises(client.exceptions.InvalidParameterValueException):
                client.put_config_rule(ConfigRule=rule)


def test_limits_and_splitting_of_the_whole_pillar(real_catalog, real_packs):
    files, notes = real_packs
    for name, data in files.items():
        doc = yaml.safe_load(data)
        assert len(data) <= cp.MAX_TEMPLATE_BYTES, name
        assert len(doc["Resources"]) <= cp.MAX_RULES, name
        assert len(doc.get("Parameters", {})) <= cp.MAX_PARAMETERS, name
        assert all(r["Type"] == "AWS::Config::ConfigRule" for r in doc["Resources"].values())
    parts = sorted(n for n in files if n.startswith(real_catalog.framework.id))
    assert parts == [f"{real_catalog.framework.id}-part-1.yaml", f"{real_catalog.framework.id}-part-2.yaml"]
    deployed = [r["Properties"]["ConfigRuleName"] for n in parts for r in yaml.safe_load(files[n])["Resources"].values()]
    expected = sorted(r.id for r in real_catalog.rules if r.deprecated is None)
    assert sorted(deployed) == expected and len(deployed) == len(set(deployed))
    assert any("split into 2 packs" in n for n in notes)


def test_forced_split_by_rule_count(real_catalog, monkeypatch):
    monkeypatch.setattr(cp, "MAX_RULES", 5)
    files, notes = cp.build(real_catalog, cp.find_scope(real_catalog, control="SEC-8"))
    assert len(files) > 1 and all(len(yaml.safe_load(d)["Resources"]) <= 5 for d in files.values())
    assert list(files)[0] == "sec-8-part-1.yaml"
    assert "part 1 of" in yaml.safe_load(files["sec-8-part-1.yaml"])["Description"]
    assert any("split into" in n for n in notes)


def test_packs_per_question_statement_and_pillar(real_catalog, real_packs):
    files, _ = real_packs
    mapped = [c.id.lower() for c in real_catalog.controls if any(m.control_id == c.id for m in real_catalog.mappings)]
    for cid in mapped:
        assert f"{cid}.yaml" in files
    assert {"sec-3-bp01.yaml", "sec-3-bp05.yaml", "sec-3-bp07.yaml"} <= set(files)


def test_descriptions_start_with_served_ids(real_catalog, real_packs):
    files, _ = real_packs
    doc = yaml.safe_load(files["sec-3-bp07.yaml"])
    descs = {r["Properties"]["ConfigRuleName"]: r["Properties"]["Description"] for r in doc["Resources"].values()}
    # dms-replication-not-public: SEC-3 BP07 (row order first) and SEC-5 in the source.
    assert descs["dms-replication-not-public"].startswith("SEC-3 SEC03-BP07 SEC-5: ")
    for d in descs.values():
        assert len(d) <= cp.MAX_DESCRIPTION and "\n" not in d
    top = yaml.safe_load(files["sec-8.yaml"])["Description"]
    assert "0.1.0" in top and "2026-11-28" in top


def test_truncate_cuts_at_a_word():
    text = "SEC-1: " + "word " * 100
    cut = cp.truncate(text, 40)
    assert len(cut) <= 40 and cut.endswith(cp.ELLIPSIS) and cut[:-1] == cut[:-1].rstrip() and cut[:-1].endswith("word")
    assert cp.truncate("short\n text", 40) == "short text"


def test_deprecated_rules_left_out_unless_asked(real_catalog):
    scope = cp.find_scope(real_catalog, control="SEC-8")
    default, notes = cp.build(real_catalog, scope)
    withdep, _ = cp.build(real_catalog, scope, cp.PackOptions(include_deprecated=True))
    assert b"elasticsearch-encrypted-at-rest" not in default["sec-8.yaml"] and "elasticsearch-encrypted-at-rest" in notes[0]
    assert b"elasticsearch-encrypted-at-rest" in withdep["sec-8.yaml"]


def test_golden_pack_and_determinism(fixtures_dir):
    cat = conformap.load(fixtures_dir / "golden")
    files, notes = cp.build(cat, cp.find_scope(cat, control="G-2"))
    assert files == {"g-2.yaml": (EXPECTED / "conformance-packs" / "g-2.yaml").read_bytes()}
    assert notes == ["g-2: left out 1 rule(s) that are deprecated or not AWS managed rules: beta-check"]
    assert cp.build(cat, cp.find_scope(cat, control="G-2")) == (files, notes)


def test_hostile_strings_stay_plain_strings(fixtures_dir, tmp_path):
    """Every catalogue string goes through a YAML loader back as the same string: no tag, anchor, comment or type."""
    cat = conformap.load(fixtures_dir / "golden")
    alpha = cat.rule("alpha-check")
    for n, s in enumerate(HOSTILE_STRINGS):
        rule = dataclasses.replace(
            alpha,
            description=s,
            identifier=s,
            pack_input_parameters=MappingProxyType({"maxDays": s, s: s}),
            pack_scope_resource_types=(s,),
        )
        hostile = dataclasses.replace(cat, rules=tuple(rule if r.id == alpha.id else r for r in cat.rules))
        files, _ = cp.build(hostile, cp.find_scope(hostile, control="G-1"))
        doc = yaml.safe_load(files["g-1.yaml"])
        props = doc["Resources"]["AlphaCheck"]["Properties"]
        assert props["Source"]["SourceIdentifier"] == s
        assert props["Scope"]["ComplianceResourceTypes"] == [s]
        assert set(props["InputParameters"]) == {"maxDays", s}
        assert {p["Default"] for p in doc["Parameters"].values()} == {s}
        assert props["Description"] == cp.truncate(f"G-1 G-2 G02-BP01: {s}", cp.MAX_DESCRIPTION)
    loaded = conformap.load(fixtures_dir / "hostile")
    for data in cp.all_packs(loaded)[0].values():
        assert yaml.safe_load(data)["Resources"]


def test_cli_exports_packs(fixtures_dir, tmp_path, capsys):
    golden = str(fixtures_dir / "golden")
    out = tmp_path / "g-2.yaml"
    assert main(["export", "--format", "conformance-pack", "--control", "G-2", "--catalog", golden, "--out", str(out)]) == 0
    assert out.read_bytes() == (EXPECTED / "conformance-packs" / "g-2.yaml").read_bytes()
    assert main(["export", "--format", "conformance-pack", "--all", "--catalog", golden, "--out", str(tmp_path / "all")]) == 0
    assert sorted(p.name for p in (tmp_path / "all").iterdir()) == ["g-1.yaml", "g-2-bp01.yaml", "g-2.yaml", "golden.yaml"]
    assert main(["export", "--format", "conformance-pack", "--control", "G-9", "--catalog", golden, "--out", str(tmp_path / "x.yaml")]) == 1
    assert "no pack for question G-9" in capsys.readouterr().err and not (tmp_path / "x.yaml").exists()
    assert main(["export", "--format", "csv", "--control", "G-2", "--catalog", golden]) == 1


def test_input_parameters_that_collide_are_refused(fixtures_dir):
    """``max-days`` and ``maxDays`` both become the parameter ``AlphaCheckParamMaxDays``: one would silently
    take the other's default, so the pack is refused."""
    cat = conformap.load(fixtures_dir / "golden")
    alpha = cat.rule("alpha-check")
    rule = dataclasses.replace(alpha, pack_input_parameters=MappingProxyType({"max-days": "1", "maxDays": "2"}))
    clash = dataclasses.replace(cat, rules=tuple(rule if r.id == alpha.id else r for r in cat.rules))
    with pytest.raises(cp.PackError, match="^g-1: two rules or input parameters give the same CloudFormation logical id$"):
        cp.build(clash, cp.find_scope(clash, control="G-1"))
    files, notes = cp.all_packs(clash)
    assert "g-1.yaml" not in files and "g-1: two rules or input parameters give the same CloudFormation logical id" in notes
