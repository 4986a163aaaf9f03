"""The committed crosswalk snapshots and the model built from them.

The numbers are the measured ones (issue 13 states most of them); each is asserted twice: as a literal, and
recomputed here from the YAML files with PyYAML, so a bug in conformap's loader or model cannot hide.
"""

from __future__ import annotations

import functools
import re

import pytest
import yaml

from conformap import paths
from conformap.analysis.sources import CrosswalkAnalysis

ROOT = paths.DEFAULT_CATALOG


@functools.cache  # a committed file, read once per session (the tests only read it)
def snapshot(name: str) -> dict:
    return yaml.safe_load((ROOT / paths.SOURCE_SNAPSHOTS[name][0]).read_text(encoding="utf-8"))


def our_rules() -> set[str]:
    return {p.stem for p in (ROOT / "rules").glob("*.yaml")}


def rules_named(name: str) -> set[str]:
    return {r for c in snapshot(name)["controls"] for r in c["config_rules"]} & our_rules()


EXPECTED_SOURCES = {
    "security-hub-guide": ("awsdocs/aws-security-hub-user-guide", "de324e719d61733020a276b01adb856fe3e82b2d", "2023-05-19", "Creative Commons Attribution-ShareAlike 4.0"),
    "security-hub-oscal": ("awslabs/oscal-content-for-aws-services", "93912e04aae0decfcef6ec1c93cd35b6df96fe7f", "2026-04-01", "Apache-2.0"),
    "guard-registry": ("aws-cloudformation/aws-guard-rules-registry", "7f7340c26ae5d5e8874651dbffeb12e0e9f505b6", "2024-03-22", "Apache-2.0"),
    "nist-800-53": ("usnistgov/oscal-content", "8220008e7262bf49a23554291c85f9071ea3b3a2", "2020-12-20", "Public domain"),
    "config-rule-pages": ("awsdocs/aws-config-developer-guide", "e57037dbe30cd2f1fbaba43c5a4a5bd152dec5ac", "2023-04-21", "Apache-2.0"),
    "conformance-packs": ("awslabs/aws-config-rules", "b54d4a6c99e105c25ca46af9305770e4ba51c422", "2026-04-09", "CC0 1.0"),
}


@pytest.mark.parametrize("name", sorted(EXPECTED_SOURCES))
def test_each_snapshot_records_its_source(name):
    src = snapshot(name)["source"]
    repo, commit, date, licence = EXPECTED_SOURCES[name]
    assert (src["repo"], src["commit"], src["commit_date"]) == (repo, commit, date)
    assert licence in src["license"]
    assert src["files"] and all(re.fullmatch(r"[0-9a-f]{40}", f["git_blob"]) and re.fullmatch(r"[0-9a-f]{64}", f["sha256"]) for f in src["files"])
    assert src["license_files"], "the file stating the terms is pinned too"


def test_the_nist_catalog_file_is_the_one_named():
    (f,) = snapshot("nist-800-53")["source"]["files"]
    assert f == {
        "path": "nist.gov/SP800-53/rev5/json/NIST_SP-800-53_rev5_catalog.json",
        "git_blob": "9de58c9c63556335bdfc7f0d3803192fbc0c6800",  # git ls-tree 8220008 shows this blob
        "sha256": "9ed38128eddd9f628ea5f429d6d1e0eede9283d226b79698154a9d6908e1b3b4",
    }


def test_security_hub_counts(real_catalog):
    # Issue 13 says 95 rules for the guide; the guide at de324e7 names 96 of ours with ".html" links and 2 more
    # (S3.2 s3-bucket-public-read-prohibited, WAF.4 waf-regional-webacl-not-empty) with links lacking ".html".
    assert len(rules_named("security-hub-guide")) == 98
    assert len(rules_named("security-hub-oscal")) == 99
    assert len(rules_named("security-hub-guide") | rules_named("security-hub-oscal")) == 107
    s = real_catalog.crosswalks.security_hub
    assert sum(1 for c in s if set(c.config_rules) & our_rules()) == len({c["id"] for n in ("security-hub-guide", "security-hub-oscal") for c in snapshot(n)["controls"] if set(c["config_rules"]) & our_rules()})
    guide_rules = {r for c in s for e in c.entries if e.source == "security-hub-guide" for r in e.config_rules} & our_rules()
    assert guide_rules == rules_named("security-hub-guide")


@pytest.mark.scenario
def test_guard_counts_and_the_known_gap(real_catalog):
    guard = {m["rule"]: m["items"] for m in snapshot("guard-registry")["mappings"]}
    assert len(guard) == 66
    ours = {}
    for f in (ROOT / "rules").glob("*.yaml"):
        d = yaml.safe_load(f.read_text(encoding="utf-8"))
        ours[d["id"]] = {m["control"] for m in d["mappings"]}
    agree = [r for r, items in guard.items() if ours[r] <= {i.split(".")[0] for i in items}]
    assert len(agree) == 65
    assert set(guard) - set(agree) == {"lambda-inside-vpc"}
    assert "SEC-6" in ours["lambda-inside-vpc"] and not any(i.startswith("SEC-6.") for i in guard["lambda-inside-vpc"])
    # The model says the same, mapping by mapping.
    corr = CrosswalkAnalysis(real_catalog).corroborations
    assert len(corr) == 181
    contradicted = [(c.mapping.rule_id, c.mapping.control_id) for c in corr if c.agrees is False]
    assert contradicted == [("lambda-inside-vpc", "SEC-6")]
    assert sum(1 for c in corr if c.agrees is None) == sum(len(v) for r, v in ours.items() if r not in guard)


def test_every_nist_id_the_guide_names_has_a_title(real_catalog):
    named = {n for c in snapshot("security-hub-guide")["controls"] for n in c.get("nist_800_53_r5", [])}
    titles = {c["id"]: c["title"] for c in snapshot("nist-800-53")["controls"]}
    assert named == set(titles)
    assert len(titles) == 118
    assert titles["AC-3"] == "Access Enforcement"
    assert {f["id"] for f in snapshot("nist-800-53")["families"]} == {c["family"] for c in snapshot("nist-800-53")["controls"]}


def test_rule_helpers(real_catalog):
    cat = CrosswalkAnalysis(real_catalog)
    (s3_8,) = cat.security_hub_for_rule("s3-bucket-level-public-access-prohibited")
    assert (s3_8.id, s3_8.stated_by, s3_8.severity) == ("S3.8", ("security-hub-guide", "security-hub-oscal"), "High")
    assert "title" in s3_8.differences  # the guide and the OSCAL catalog word it differently; both are kept
    assert {e.title for e in s3_8.entries} == {"S3 Block Public Access setting should be enabled at the bucket-level", "S3 general purpose buckets should block public access"}
    nist = cat.nist_for_rule("s3-bucket-level-public-access-prohibited")
    assert [n.id for n in nist][:3] == ["AC-3", "AC-3(7)", "AC-4"]  # NIST order, from the NIST snapshot
    assert next(f for f in real_catalog.crosswalks.nist_families if f.id == nist[0].family).title == "Access Control"
    assert "s3-bucket-level-public-access-prohibited" in cat.nist_rules["AC-3"]
    assert cat.pci_for_rule("s3-bucket-public-read-prohibited") == tuple(
        next(c for c in snapshot("security-hub-guide")["controls"] if c["id"] == "S3.2")["pci_dss_v3_2_1"]
    )
    assert cat.security_hub_for_rule("cloudtrail-security-trail-enabled") == ()  # named by neither source
    assert cat.nist_for_rule("cloudtrail-security-trail-enabled") == () and cat.pci_for_rule("cloudtrail-security-trail-enabled") == ()
    # A rule the two sources name differently for one control: the control is found by either name.
    (ct1,) = cat.security_hub_for_rule("multi-region-cloudtrail-enabled")
    assert ct1.id == "CloudTrail.1" and ct1.config_rules == ("multi-region-cloudtrail-enabled", "multi-region-cloud-trail-enabled")
    assert "config_rules" in ct1.differences


def test_a_catalogue_without_snapshots_has_empty_crosswalks():
    import conformap

    mini = conformap.load(paths.PROJECT_ROOT / "tests" / "fixtures" / "mini")
    cw = CrosswalkAnalysis(mini)
    assert mini.crosswalks.sources == () and cw.security_hub_for_rule("alpha-rule") == ()
    assert all(c.agrees is None for c in cw.corroborations)
    assert cw.corroboration_counts == {"agrees": 0, "contradicted": 0, "not_covered": len(mini.mappings)}


@pytest.mark.scenario
def test_snapshot_errors_are_all_reported_with_their_place(tmp_path):
    import shutil

    from conformap.load.loader import validate

    root = tmp_path / "catalog"
    shutil.copytree(ROOT, root)
    nist = root / paths.SOURCE_SNAPSHOTS["nist-800-53"][0]
    text = nist.read_text(encoding="utf-8")
    nist.write_text(text.replace("    family: AC\n", "    family: ZZ\n", 1), encoding="utf-8")
    guard = root / paths.SOURCE_SNAPSHOTS["guard-registry"][0]
    guard.write_text(guard.read_text(encoding="utf-8").replace("  - rule: lambda-inside-vpc", "  - rule: lambda-in-a-vpc"), encoding="utf-8")
    cat, diags = validate(root)
    assert cat is None
    shown = [d.format() for d in diags]
    line = text.splitlines().index("    family: AC") + 1
    assert any(s.endswith(f"nist-800-53-r5.yaml:{line}:13: $.controls[0].family: unknown family 'ZZ' (families: AC, AU, CA, CM, CP, IA, IR, RA, SA, SC, SI)") for s in shown), shown
    assert any("guard-wa-security-pillar.yaml:" in s and "unknown rule 'lambda-in-a-vpc'" in s for s in shown)


def test_question_helpers(real_catalog):
    cat = real_catalog
    cw = CrosswalkAnalysis(cat)
    sh = dict((c.id, rules) for c, rules in cw.security_hub_for_control("SEC-6"))
    assert sh["Lambda.3"] == ("lambda-inside-vpc",)  # row 126 maps lambda-inside-vpc to SEC-6
    cell = cw.nist_for_control("SEC-6", "SC")
    assert cell and all(n.family == "SC" for n, _ in cell)
    sc7 = dict((n.id, rules) for n, rules in cw.nist_for_control("SEC-6"))["SC-7"]
    expected = sorted(
        r.id for r in cat.rules if "SEC-6" in r.control_ids
        and any("SC-7" in c.get("nist_800_53_r5", []) for c in snapshot("security-hub-guide")["controls"] if r.id in c["config_rules"])
    )
    assert sorted(sc7) == expected


@pytest.mark.scenario
def test_a_licence_copy_that_is_not_the_pinned_file_is_an_error(tmp_path):
    """issue 19: sources/licenses/ keeps each pinned licence file byte for byte (it ships with the downloads)."""
    import shutil

    from conformap.diagnostics import errors
    from conformap.load.loader import validate

    root = tmp_path / "catalog"
    shutil.copytree(ROOT, root)
    (root / paths.license_copy("security-hub-guide", "LICENSE")).write_text("MIT", encoding="utf-8")
    (root / paths.license_copy("guard-registry", "LICENSE")).unlink()
    diags = validate(root)[1]
    assert [(d.path, d.message.split(" ", 1)[0]) for d in errors(diags)] == [("$.source.license_files[0]", "sources/licenses/security-hub-guide/LICENSE")]
    assert not [d for d in diags if "guard-registry" in d.file]  # a snapshot without its copies is valid


@pytest.mark.scenario
def test_a_guide_naming_no_nist_control_needs_no_nist_snapshot(tmp_path):
    """Without the NIST snapshot, a Security Hub guide that names no NIST control is checked, not a crash
    (the NIST check read the absent snapshot: AttributeError, found by the type checker)."""
    import shutil

    from conformap.load.loader import validate

    root = tmp_path / "catalog"
    shutil.copytree(ROOT, root)
    (root / paths.SOURCE_SNAPSHOTS["nist-800-53"][0]).unlink()
    guide_file = root / paths.SOURCE_SNAPSHOTS["security-hub-guide"][0]
    guide = yaml.safe_load(guide_file.read_text(encoding="utf-8"))
    for c in guide["controls"]:
        c.pop("nist_800_53_r5", None)
    guide_file.write_text(yaml.safe_dump(guide, sort_keys=False, allow_unicode=True), encoding="utf-8")
    cat, diags = validate(root)
    shown = [d.format() for d in diags]
    assert cat is not None, shown
    assert not any("NIST" in s for s in shown), shown
    assert CrosswalkAnalysis(cat).nist_for_rule("s3-bucket-public-read-prohibited") == ()
