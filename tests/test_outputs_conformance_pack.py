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


@pytest.fixture  # built for each test (0.02 s): a shared result would hide mutants from all but its first test
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


@pytest.mark.scenario
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


@pytest.mark.scenario
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


def test_deprecated_rules_left_out_unless_asked(fixtures_dir):
    cat = conformap.load(fixtures_dir / "golden")
    scope = cp.find_scope(cat, control="G-2")
    default, notes = cp.build(cat, scope)
    withdep, _ = cp.build(cat, scope, cp.PackOptions(include_deprecated=True))
    assert b"beta-check" not in default["g-2.yaml"] and "beta-check" in notes[0]
    assert b"beta-check" in withdep["g-2.yaml"]


def test_the_elasticsearch_rules_are_deployed_as_aws_template_does(real_catalog):
    """issue 19: AWS's WA Security Pillar template (awslabs/aws-config-rules at 85539be) deploys the four
    elasticsearch-* rules beside the opensearch-* ones; so do the packs, with nothing left out."""
    files, notes = cp.build(real_catalog, cp.find_scope(real_catalog, control="SEC-8"))
    assert notes == []
    doc = yaml.safe_load(files["sec-8.yaml"])
    idents = {r["Properties"]["Source"]["SourceIdentifier"] for r in doc["Resources"].values()}
    assert {"ELASTICSEARCH_ENCRYPTED_AT_REST", "OPENSEARCH_ENCRYPTED_AT_REST"} <= idents
    every, notes = cp.build(real_catalog, cp.find_scope(real_catalog))
    body = b"".join(every.values())
    for check in ("encrypted-at-rest", "in-vpc-only", "logs-to-cloudwatch", "node-to-node-encryption-check"):
        assert f"ELASTICSEARCH_{check.upper().replace('-', '_')}".encode() in body


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


# --- issue 19: the packs follow AWS's WA template ------------------------------------------------------------

# Written by hand from AWS's template (awslabs/aws-config-rules at 85539be,
# aws-config-conformance-packs/Operational-Best-Practices-for-AWS-Well-Architected-Security-Pillar.yaml).
AWS_PORT_PARAMETERS = {f"RestrictedIncomingTrafficParamBlockedPort{n}": v for n, v in zip(range(1, 6), ("20", "21", "3389", "3306", "4333"))}
AWS_LOGICAL_IDS = {
    "ec2-instance-managed-by-systems-manager": "Ec2InstanceManagedBySsm",
    "restricted-ssh": "IncomingSshDisabled",
    "ec2-instances-in-vpc": "InstancesInVpc",
    "multi-region-cloudtrail-enabled": "MultiRegionCloudTrailEnabled",
    "restricted-common-ports": "RestrictedIncomingTraffic",
}
NO_SCOPE_IN_AWS_TEMPLATE = (
    "cw-loggroup-retention-period-check",
    "ebs-snapshot-public-restorable-check",
    "secretsmanager-secret-periodic-rotation",
    "secretsmanager-secret-unused",
    "ssm-document-not-public",
)


def _resources(files: dict[str, bytes]) -> tuple[dict, dict]:
    resources, parameters = {}, {}
    for body in files.values():
        doc = yaml.safe_load(body)
        resources.update({r["Properties"]["ConfigRuleName"]: (lid, r) for lid, r in doc["Resources"].items()})
        parameters.update(doc.get("Parameters") or {})
    return resources, parameters


def test_restricted_common_ports_parameters_are_named_as_aws_names_them(real_catalog):
    files, _ = cp.build(real_catalog, cp.find_scope(real_catalog, control="SEC-5"))
    resources, parameters = _resources(files)
    lid, res = resources["restricted-common-ports"]
    assert lid == "RestrictedIncomingTraffic"
    assert {n: parameters[n]["Default"] for n in AWS_PORT_PARAMETERS} == AWS_PORT_PARAMETERS
    refs = {k: v["Fn::If"][1]["Ref"] for k, v in res["Properties"]["InputParameters"].items()}
    assert refs == {f"blockedPort{n}": f"RestrictedIncomingTrafficParamBlockedPort{n}" for n in range(1, 6)}


def test_logical_ids_and_scopes_are_the_templates(real_catalog):
    files, _ = cp.build(real_catalog, cp.find_scope(real_catalog))
    resources, _ = _resources(files)
    for rule, lid in AWS_LOGICAL_IDS.items():
        assert resources[rule][0] == lid
    for rule in NO_SCOPE_IN_AWS_TEMPLATE:
        assert "Scope" not in resources[rule][1]["Properties"], rule
        assert real_catalog.rule(rule).pack_scope_resource_types  # the union over AWS's templates stays a rule fact
    assert resources["restricted-common-ports"][1]["Properties"]["Scope"] == {"ComplianceResourceTypes": ["AWS::EC2::SecurityGroup"]}


def test_every_difference_from_aws_template_has_a_reason(real_catalog):
    """The whole-framework pack against the snapshot of AWS's template: the only differences are the added
    Descriptions and the template's second copy of secretsmanager-secret-unused."""
    from conformap.outputs import wa_template

    files, _ = cp.build(real_catalog, cp.find_scope(real_catalog))
    diffs = wa_template.compare(real_catalog, files)
    assert [d for d in diffs if d.reason is None] == []
    assert {d.field for d in diffs} == {"Description", "rule"}
    assert [d.rule for d in diffs if d.field == "rule"] == ["secretsmanager-secret-unused-2"]
    assert sum(d.field == "Description" for d in diffs) == 127


def test_a_renamed_parameter_is_an_unexplained_difference(real_catalog):
    from conformap.outputs import wa_template

    files, _ = cp.build(real_catalog, cp.find_scope(real_catalog, control="SEC-5"))
    renamed = {k: v.replace(b"RestrictedIncomingTrafficParamBlockedPort1", b"RestrictedCommonPortsParamBlockedPort1") for k, v in files.items()}
    unexplained = [d for d in wa_template.compare(real_catalog, renamed) if d.reason is None]
    assert [(d.rule, d.field) for d in unexplained] == [("restricted-common-ports", "InputParameters")]


def test_the_pack_header_says_where_it_differs_from_aws_template(real_catalog):
    files, _ = cp.build(real_catalog, cp.find_scope(real_catalog, control="SEC-8"))
    head = files["sec-8.yaml"].decode("utf-8").split("Description:", 1)[0]
    assert head.startswith("# Compared with AWS's template aws-config-conformance-packs/Operational-Best-Practices-for-AWS-Well-Architected-Security-Pillar.yaml\n")
    assert "(awslabs/aws-config-rules at 85539be55b37, 2023-10-10; CC0 1.0 Universal (LICENSE))" in head
    assert "- it deploys 29 of the template's 128 rules" in head
    assert "Description with the question and best-practice ids it serves" in head
    every, _ = cp.build(real_catalog, cp.find_scope(real_catalog))
    first = next(iter(every.values())).decode("utf-8")
    assert "- secretsmanager-secret-unused-2 is left out: a second copy of secretsmanager-secret-unused" in first
    assert "- split into 2 packs (this is one)" in first


# --------------------------------------------------------------------------- choosing a pack, limits, splitting
# In-process and on the golden catalogue (milliseconds each): each test builds what it checks.


@pytest.fixture(scope="module")
def golden(fixtures_dir):
    return conformap.load(fixtures_dir / "golden")


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"control": "G-2.BP01"}, "G-2.BP01 is a best-practice statement, not a question: give it with --statement"),
        ({"statement": "G-2"}, "G-2 is a question, not a best-practice statement: give it with --control"),
        ({"statement": "g-2"}, "g-2 is a question, not a best-practice statement: give it with --control"),
        ({"statement": "G-9.BP01"}, "no pack for best-practice statement G-9.BP01: it is not in the catalogue or has no mapped rule"),
        ({"control": "golden"}, "no pack for question golden: it is not in the catalogue or has no mapped rule"),
        ({"control": "G-3"}, "no pack for question G-3: it is not in the catalogue or has no mapped rule"),
    ],
)
def test_an_id_of_the_other_kind_or_unknown_is_refused_by_name(golden, kwargs, message):
    with pytest.raises(cp.PackError) as exc:
        cp.find_scope(golden, **kwargs)
    assert str(exc.value) == message


def test_an_id_of_the_right_kind_is_found_whatever_its_case(golden):
    assert cp.find_scope(golden, statement="g-2.bp01").name == "g-2-bp01"
    assert cp.find_scope(golden, control="g-2").name == "g-2"
    assert cp.find_scope(golden).name == "golden"


def test_export_defaults_to_one_pack_without_deprecated_rules_or_controls_key(golden):
    files, notes = cp.export(golden, control="G-2")
    assert files == {"g-2.yaml": (EXPECTED / "conformance-packs" / "g-2.yaml").read_bytes()}
    assert notes == ["g-2: left out 1 rule(s) that are deprecated or not AWS managed rules: beta-check"]


def _parts(cat, *rule_ids, options=cp.PackOptions(include_deprecated=True)):
    return [cp._rule_part(cat, cat.rule(r), options) for r in rule_ids]


def test_the_measured_size_is_the_templates_length(golden):
    header = cp._header("a header")
    for ids in (("alpha-check",), ("beta-check",), ("alpha-check", "beta-check"), ("beta-check", "alpha-check")):
        parts = _parts(golden, *ids)
        assert cp._size(header, parts) == len(cp._template(header, parts)), ids


def test_a_pack_exactly_at_each_limit_fits_and_one_over_does_not(golden, monkeypatch):
    header = cp._header("h")
    parts = _parts(golden, "alpha-check", "beta-check")  # 2 rules, 1 parameter
    size = cp._size(header, parts)
    for name, at in (("MAX_RULES", 2), ("MAX_PARAMETERS", 1), ("MAX_TEMPLATE_BYTES", size)):
        monkeypatch.setattr(cp, name, at)
        assert cp._fits(header, parts), name
        monkeypatch.setattr(cp, name, at - 1)
        assert not cp._fits(header, parts), name
        monkeypatch.undo()


def test_the_split_is_checked_with_the_longest_part_header(golden, monkeypatch):
    """A pack is one file only when it fits with the longest header a part can have (``part 99 of 99``, and the
    comment on AWS's template with the split line of 99 packs)."""
    from conformap.outputs import wa_template

    scope = cp.find_scope(golden, control="G-2")
    options = cp.PackOptions(include_deprecated=True)
    parts = _parts(golden, "alpha-check", "beta-check")

    def measured() -> int:  # the split line states the byte limit itself: measured under the limit set
        comment = (*wa_template.header_lines(golden, cp.pack_rules(golden, scope, options), scope.label, options.controls_key), cp._split_line(99))
        return cp._size(cp._header(cp._description(golden, scope, ", part 99 of 99"), comment), parts)

    monkeypatch.setattr(cp, "MAX_TEMPLATE_BYTES", measured())
    longest = measured()
    monkeypatch.setattr(cp, "MAX_TEMPLATE_BYTES", longest)
    assert measured() == longest
    assert list(cp.build(golden, scope, options)[0]) == ["g-2.yaml"]
    monkeypatch.setattr(cp, "MAX_TEMPLATE_BYTES", longest - 1)
    files, notes = cp.build(golden, scope, options)
    assert list(files) == ["g-2-part-1.yaml", "g-2-part-2.yaml"] and all(len(d) <= longest - 1 for d in files.values())
    assert notes[-1].startswith("g-2: 2 rules split into 2 packs")


def test_a_rule_alone_over_a_limit_is_refused_by_name(golden, monkeypatch):
    monkeypatch.setattr(cp, "MAX_PARAMETERS", 0)
    with pytest.raises(cp.PackError) as exc:
        cp.build(golden, cp.find_scope(golden, control="G-2"))
    assert str(exc.value) == "g-2: rule AlphaCheck alone is over a conformance pack limit"


@pytest.mark.parametrize("limit", [1, 2, 3, 4])
def test_the_split_is_greedy_in_rule_order(real_catalog, monkeypatch, limit):
    """Every part but the last holds as many rules as the limit allows; the rules keep their order."""
    monkeypatch.setattr(cp, "MAX_RULES", limit)
    scope = cp.find_scope(real_catalog, control="SEC-2")
    rules = [r.id for r in cp.pack_rules(real_catalog, scope, cp.PackOptions())]
    files, _ = cp.build(real_catalog, scope)
    got = [[r["Properties"]["ConfigRuleName"] for r in yaml.safe_load(d)["Resources"].values()] for d in files.values()]
    assert got == [rules[i : i + limit] for i in range(0, len(rules), limit)]


def test_a_catalogue_without_version_or_capture_date_says_so(golden):
    fw = golden.framework
    bare = dataclasses.replace(golden, framework=dataclasses.replace(fw, version=None, source=dataclasses.replace(fw.source, captured=None)))
    files, _ = cp.build(bare, cp.find_scope(bare, control="G-1"))
    assert yaml.safe_load(files["g-1.yaml"])["Description"].startswith("conformap unversioned (source snapshot captured on an unknown date): ")


def test_a_template_description_is_cut_to_1024_bytes_only_when_longer(golden):
    base = len(cp._description(golden, cp.Scope("s", "", ()), "").encode("utf-8"))
    label = "é" * ((cp.MAX_TEMPLATE_DESCRIPTION - base) // 2)  # two bytes each
    label += "a" * (cp.MAX_TEMPLATE_DESCRIPTION - base - 2 * len(label))
    exact = cp._description(golden, cp.Scope("s", label, ()), "")
    assert len(exact.encode("utf-8")) == cp.MAX_TEMPLATE_DESCRIPTION and label in exact and not exact.endswith(cp.ELLIPSIS)
    cut = cp._description(golden, cp.Scope("s", label + "b", ()), "")
    assert len(cut.encode("utf-8")) <= cp.MAX_TEMPLATE_DESCRIPTION and cut.endswith("A sample, not a" + cp.ELLIPSIS)
    long_words = " ".join(["word"] * 400)
    cut = cp._description(golden, cp.Scope("s", long_words, ()), "")
    assert cut.endswith("word" + cp.ELLIPSIS) and cp.MAX_TEMPLATE_DESCRIPTION - 24 < len(cut.encode("utf-8")) <= cp.MAX_TEMPLATE_DESCRIPTION


def _with_rule(cat, rule_id, rule):
    return dataclasses.replace(cat, rules=tuple(rule if r.id == rule_id else r for r in cat.rules))


def test_every_rule_left_out_is_named(golden):
    _, notes = cp.build(golden, cp.find_scope(golden))
    assert notes == ["golden: left out 2 rule(s) that are deprecated or not AWS managed rules: beta-check, gamma-check"]


def test_two_rule_ids_with_one_logical_id_are_refused(golden):
    beta = golden.rule("beta-check")
    twin = dataclasses.replace(beta, id="alpha--check", deprecated=None, mappings=tuple(dataclasses.replace(m, rule_id="alpha--check") for m in beta.mappings))
    clash = _with_rule(golden, "beta-check", twin)
    with pytest.raises(cp.PackError) as exc:
        cp.build(clash, cp.find_scope(clash, control="G-2"))
    assert str(exc.value) == "g-2: two rules or input parameters give the same CloudFormation logical id"


def test_non_ascii_text_is_written_as_utf8_and_parameters_keep_the_rules_order(golden):
    alpha = golden.rule("alpha-check")
    rule = dataclasses.replace(alpha, description="Vérifie “x” – ok", pack_input_parameters=MappingProxyType({"Zeta": "1", "alpha": "2"}))
    files, _ = cp.build(_with_rule(golden, "alpha-check", rule), cp.find_scope(golden, control="G-1"))
    data = files["g-1.yaml"]
    assert "Vérifie “x” – ok".encode("utf-8") in data and b"\\u" not in data and b"\\x" not in data
    doc = yaml.safe_load(data)
    assert list(doc["Resources"]["AlphaCheck"]["Properties"]["InputParameters"]) == ["Zeta", "alpha"]
    assert list(doc["Parameters"]) == ["AlphaCheckParamZeta", "AlphaCheckParamAlpha"]
    assert list(doc["Conditions"]) == ["alphaCheckParamZeta", "alphaCheckParamAlpha"]


def test_a_best_practice_pack_and_the_framework_pack_name_what_they_cover(golden):
    files, _ = cp.all_packs(golden)
    says = "AWS Config managed rules that AWS's page maps to {}. Each rule's Description starts with the ids it serves."
    assert says.format("G-2 G02-BP01 (Practice one)") in yaml.safe_load(files["g-2-bp01.yaml"])["Description"]
    assert says.format("every question of Golden Framework") in yaml.safe_load(files["golden.yaml"])["Description"]


def test_a_statement_id_becomes_a_file_stem():
    assert cp._slug("SEC-3.BP07") == "sec-3-bp07"
    assert cp._slug(" (SEC-3.BP07) ") == "sec-3-bp07"


@pytest.mark.parametrize(
    "text, limit, cut",
    [
        ("abc def", 7, "abc def"),  # exactly at the limit: whole
        ("aaaa bbbbbb cc", 12, "aaaa…"),  # the ellipsis counts within the limit
        ("one two, three four", 12, "one two…"),  # no dangling punctuation before the ellipsis
        ("mix X, three four", 12, "mix X…"),
        ("  lead two three four", 14, "lead two…"),
    ],
)
def test_truncate_cases(text, limit, cut):
    assert cp.truncate(text, limit) == cut
