"""The crosswalk queries of conformap.analysis.sources and the Security Hub disagreements of `sources check`, on
tests/fixtures/mini plus small Security Hub and NIST snapshots written here: every expected value is written by
hand from the snapshots below (Security Hub controls in natural id order; built for each test: a shared result would hide mutants from all but the first)."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

import conformap
from conformap.analysis import sources
from conformap.analysis.sources import CrosswalkAnalysis, Difference

PINNED = {"path": "x.md", "git_blob": "0" * 40, "sha256": "0" * 64}


def _snapshot(id_: str, commit: str, date: str, controls: list[dict]) -> dict:
    source = {"repo": f"example/{id_}", "commit": commit * 40, "commit_date": date, "license": "MIT", "files": [PINNED]}
    return {"id": id_, "title": id_, "source": source, "controls": controls}


# A.1: two of our rules, the guide only. B.1: both sources, titles and rules differ, no NIST or PCI ids (the loader refuses a
# control that ties no catalogue rule in either snapshot). D.1: the OSCAL catalog only. E.1: the guide only, one NIST control of another family than SC.
GUIDE = [
    {"id": "A.1", "title": "A", "severity": "HIGH", "config_rules": ["alpha-rule", "beta-rule"], "nist_800_53_r5": ["SC-7", "AC-2"], "pci_dss_v3_2_1": ["10.1", "2.1"]},
    {"id": "B.1", "title": "B in the guide", "severity": "LOW", "config_rules": ["beta-rule"]},
    {"id": "E.1", "title": "E", "severity": "LOW", "config_rules": ["gamma-check"], "nist_800_53_r5": ["AC-2"], "pci_dss_v3_2_1": ["2.1"]},
]
OSCAL = [
    {"id": "B.1", "title": "B in the OSCAL catalog", "severity": "LOW", "config_rules": ["beta-rule", "gamma-check"]},
    {"id": "D.1", "title": "D", "severity": "LOW", "config_rules": ["gamma-check"]},
]
NIST = {
    "id": "nist-800-53",
    "title": "NIST",
    "source": {"repo": "example/nist", "commit": "3" * 40, "commit_date": "2026-01-03", "license": "public domain", "files": [PINNED]},
    "families": [{"id": "AC", "title": "Access Control"}, {"id": "IA", "title": "Identification"}, {"id": "SC", "title": "System and Communications Protection"}],
    "controls": [
        {"id": "AC-2", "title": "Account Management", "family": "AC"},
        {"id": "IA-2", "title": "Identification and Authentication", "family": "IA"},  # no rule reaches it
        {"id": "SC-7", "title": "Boundary Protection", "family": "SC"},
    ],
}


# The registry maps alpha-rule to M-1 (ours too), M-3 (not ours) and not to M-2 (ours); beta-rule to M-2 only.
GUARD = {
    "id": "guard-registry",
    "title": "Guard",
    "source": {"repo": "example/guard", "commit": "4" * 40, "commit_date": "2026-01-04", "license": "MIT", "files": [PINNED]},
    "mappings": [
        {"rule": "alpha-rule", "guard_file": "alpha_rule.guard", "items": ["M-1.1", "M-3.2", "M-3.4"]},
        {"rule": "beta-rule", "guard_file": "beta_rule.guard", "items": ["M-2.1"]},
    ],
}


def _catalogue(fixtures_dir: Path, tmp_path: Path, only: tuple[str, ...] | None = None) -> conformap.Catalog:
    """tests/fixtures/mini with the snapshots above (``only``: those files of them)."""
    root = tmp_path / "mini"
    shutil.copytree(fixtures_dir / "mini", root)
    (root / "crosswalks").mkdir()
    files = {
        "security-hub-guide.yaml": _snapshot("security-hub-guide", "1", "2026-01-01", GUIDE),
        "security-hub-oscal.yaml": _snapshot("security-hub-oscal", "2", "2026-01-02", OSCAL),
        "nist-800-53-r5.yaml": NIST,
        "guard-wa-security-pillar.yaml": GUARD,
    }
    for name, data in files.items():
        if only is None or name in only:
            (root / "crosswalks" / name).write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return conformap.load(root)


def test_disagreements_name_the_source_and_what_the_other_says(fixtures_dir, tmp_path):
    report = sources.check(_catalogue(fixtures_dir, tmp_path))
    d = "disagreement"
    assert report.differences == [
        Difference(d, "guard-registry", "alpha-rule / M-2", "items", "M-2", "M-1.1, M-3.2, M-3.4",
                   "the Guard Rules Registry maps alpha-rule to M-1.1, M-3.2, M-3.4, not to M-2"),
        Difference(d, "guard-registry", "alpha-rule / M-3", "items", None, "M-3.2, M-3.4",
                   "the Guard Rules Registry maps alpha-rule to M-3 (M-3.2, M-3.4); the page does not"),
        Difference(d, "security-hub-guide", "A.1", "config_rules", None, "alpha-rule, beta-rule",
                   "only one AWS source ties this control to alpha-rule, beta-rule: the OSCAL catalog does not"),
        Difference(d, "security-hub-guide", "E.1", "config_rules", None, "gamma-check",
                   "only one AWS source ties this control to gamma-check: the OSCAL catalog does not"),
        Difference(d, "security-hub-oscal", "B.1", "config_rules", "beta-rule", "beta-rule, gamma-check",
                   "the user guide and the OSCAL catalog state the config rules differently"),
        Difference(d, "security-hub-oscal", "B.1", "title", "B in the guide", "B in the OSCAL catalog",
                   "the user guide and the OSCAL catalog state the title differently"),
        Difference(d, "security-hub-oscal", "D.1", "config_rules", None, "gamma-check",
                   "only one AWS source ties this control to gamma-check: the user guide does not"),
    ]  # fmt: skip
    assert report.unstated == {"nist_800_53_r5": ["B.1", "D.1"], "pci_dss_v3_2_1": ["B.1", "D.1"]}
    oscal = {"name": "security-hub-oscal", "repo": "example/security-hub-oscal", "commit": "2" * 40, "commit_date": "2026-01-02", "license": "MIT", "file": "crosswalks/security-hub-oscal.yaml"}
    assert report.newest == oscal
    assert report.sources == [
        {"name": "guard-registry", "repo": "example/guard", "commit": "4" * 40, "commit_date": "2026-01-04", "license": "MIT", "file": "crosswalks/guard-wa-security-pillar.yaml"},
        {"name": "nist-800-53", "repo": "example/nist", "commit": "3" * 40, "commit_date": "2026-01-03", "license": "public domain", "file": "crosswalks/nist-800-53-r5.yaml"},
        {"name": "security-hub-guide", "repo": "example/security-hub-guide", "commit": "1" * 40, "commit_date": "2026-01-01", "license": "MIT", "file": "crosswalks/security-hub-guide.yaml"},
        oscal,
    ]  # fmt: skip
    assert report.summary == {
        "rules": 3, "mappings": 4,
        "rules_in_security_hub_guide": 3, "rules_in_security_hub_oscal": 2, "rules_in_either_security_hub_source": 3,
        "security_hub_controls": 4, "nist_800_53_r5_controls": 3, "pci_dss_v3_2_1_requirements": 2,
        "rules_in_guard_map": 2, "rules_guard_agrees_with_at_question_level": 1,
        "mappings_corroborated_by_guard": 2, "mappings_contradicted_by_guard": 1, "mappings_guard_does_not_cover": 1,
    }  # fmt: skip


def test_a_rules_crosswalk_ids_by_export_key(fixtures_dir, tmp_path):
    cw = CrosswalkAnalysis(_catalogue(fixtures_dir, tmp_path))
    assert cw.rule_ids("alpha-rule") == {"security_hub_controls": ("A.1",), "nist_800_53_r5": ("AC-2", "SC-7"), "pci_dss_v3_2_1": ("10.1", "2.1")}
    assert cw.rule_ids("beta-rule") == {"security_hub_controls": ("A.1", "B.1"), "nist_800_53_r5": ("AC-2", "SC-7"), "pci_dss_v3_2_1": ("10.1", "2.1")}
    assert cw.rule_ids("gamma-check") == {"security_hub_controls": ("B.1", "D.1", "E.1"), "nist_800_53_r5": ("AC-2",), "pci_dss_v3_2_1": ("2.1",)}


def test_a_questions_security_hub_controls_are_those_of_its_rules(fixtures_dir, tmp_path):
    cw = CrosswalkAnalysis(_catalogue(fixtures_dir, tmp_path))
    assert [(c.id, rules) for c, rules in cw.security_hub_for_control("M-1")] == [("A.1", ("alpha-rule",))]
    assert [(c.id, rules) for c, rules in cw.security_hub_for_control("M-2")] == [
        ("A.1", ("alpha-rule", "beta-rule")), ("B.1", ("beta-rule", "gamma-check")), ("D.1", ("gamma-check",)), ("E.1", ("gamma-check",))
    ]  # fmt: skip


def test_rules_reaching_a_family_keep_their_order(fixtures_dir, tmp_path):
    cw = CrosswalkAnalysis(_catalogue(fixtures_dir, tmp_path))
    assert cw.rules_reaching_family(["gamma-check", "beta-rule", "alpha-rule"], "SC") == ["beta-rule", "alpha-rule"]
    assert cw.rules_reaching_family(["gamma-check", "beta-rule", "alpha-rule"], "AC") == ["gamma-check", "beta-rule", "alpha-rule"]


def test_controls_without_ids_are_those_no_snapshot_gives_ids_for(fixtures_dir, tmp_path):
    cw = CrosswalkAnalysis(_catalogue(fixtures_dir, tmp_path))
    assert [c.id for c in cw.security_hub_without("nist_800_53_r5")] == ["B.1", "D.1"]
    assert [c.id for c in cw.security_hub_without("pci_dss_v3_2_1")] == ["B.1", "D.1"]


def test_nist_and_pci_controls_with_the_rules_that_reach_them(fixtures_dir, tmp_path):
    cw = CrosswalkAnalysis(_catalogue(fixtures_dir, tmp_path))
    assert cw.nist_rules == {"AC-2": ["alpha-rule", "beta-rule", "gamma-check"], "SC-7": ["alpha-rule", "beta-rule"]}
    assert list(cw.pci_rules.items()) == [("2.1", ["alpha-rule", "beta-rule", "gamma-check"]), ("10.1", ["alpha-rule", "beta-rule"])]
    assert [(c.id, rules) for c, rules in cw.security_hub_rules] == [
        ("A.1", ("alpha-rule", "beta-rule")), ("B.1", ("beta-rule", "gamma-check")), ("D.1", ("gamma-check",)), ("E.1", ("gamma-check",))
    ]  # fmt: skip
    assert [n.id for n in cw.reached_nist] == ["AC-2", "SC-7"] and [f.id for f in cw.reached_families] == ["AC", "SC"]
    assert [(n.id, rules) for n, rules in cw.nist_for_control("M-1")] == [("AC-2", ("alpha-rule",)), ("SC-7", ("alpha-rule",))]
    assert [(n.id, rules) for n, rules in cw.nist_for_control("M-2", "SC")] == [("SC-7", ("alpha-rule", "beta-rule"))]
    assert cw.nist_for_control("M-3") == ()


def test_without_a_security_hub_snapshot_nothing_is_unstated(fixtures_dir, tmp_path):
    report = sources.check(_catalogue(fixtures_dir, tmp_path, only=("guard-wa-security-pillar.yaml",)))
    assert (report.newest, report.unstated) == (None, {})
    assert [s["name"] for s in report.sources] == ["guard-registry"] and report.summary["rules_in_guard_map"] == 2


def test_without_snapshots_there_is_nothing_to_report(fixtures_dir):
    report = sources.check(conformap.load(fixtures_dir / "mini"))
    assert report.to_json() == {"sources": [], "summary": {}, "differences": [], "unstated": {}, "newest_security_hub_source": None}
