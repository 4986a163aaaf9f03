"""Facts about the real catalogue that any regression in the data or the loader would break."""

from __future__ import annotations

from collections import Counter

import pytest

from conformap import paths, validate


@pytest.mark.scenario
def test_validates_without_errors_or_warnings():
    cat, diags = validate(paths.DEFAULT_CATALOG)
    assert cat is not None
    assert [d.format() for d in diags] == []


def test_counts(real_catalog):
    assert len(real_catalog.rules) == 127
    assert len(real_catalog.mappings) == 181
    assert sum(len(m.source_rows) for m in real_catalog.mappings) == 183
    assert [c.id for c in real_catalog.controls] == [f"SEC-{n}" for n in range(1, 12)]
    assert {c.id for c in real_catalog.controls if not c.in_source} == {"SEC-7", "SEC-10", "SEC-11"}


def test_rows_are_each_claimed_once(real_catalog):
    rows = Counter(r for m in real_catalog.mappings for r in m.source_rows)
    assert sorted(rows) == list(range(1, 184))
    assert set(rows.values()) == {1}


def test_identifiers_that_are_not_the_upper_cased_name(real_catalog):
    odd = {r.id: r.identifier for r in real_catalog.rules if r.identifier != r.id.upper().replace("-", "_")}
    assert odd == {
        "ec2-instance-managed-by-systems-manager": "EC2_INSTANCE_MANAGED_BY_SSM",
        "ec2-instances-in-vpc": "INSTANCES_IN_VPC",
        "multi-region-cloudtrail-enabled": "MULTI_REGION_CLOUD_TRAIL_ENABLED",
        "restricted-common-ports": "RESTRICTED_INCOMING_TRAFFIC",
        "restricted-ssh": "INCOMING_SSH_DISABLED",
    }


def test_rules_per_control(real_catalog):
    per = Counter(m.control_id for m in real_catalog.mappings)
    # From the source: 10, 18, 40 (38 distinct), 18, 35, 19, 29, 14 rows.
    assert per == {"SEC-1": 10, "SEC-2": 18, "SEC-3": 38, "SEC-4": 18, "SEC-5": 35, "SEC-6": 19, "SEC-8": 29, "SEC-9": 14}


def test_sec3_statements_crosswalk(real_catalog):
    sec3 = real_catalog.control("SEC-3")
    assert [(s.id, s.best_practice.id) for s in sec3.statements] == [
        ("SEC-3.BP01", "SEC03-BP01"),
        ("SEC-3.BP05", "SEC03-BP05"),
        ("SEC-3.BP07", "SEC03-BP07"),
    ]
    assert not sec3.statements[1].text.endswith(".")


def test_mislabelled_rows_keep_printed_text(real_catalog):
    printed = {m.rule_id: (m.control_id, m.printed_statement) for m in real_catalog.mappings if m.printed_statement}
    assert printed == {
        r: ("SEC-5", "SEC-6.desc")
        for r in ("waf-regional-rule-not-empty", "waf-regional-rulegroup-not-empty", "waf-regional-webacl-not-empty", "vpc-network-acl-unused-check")
    }


def test_curly_apostrophes_survive(real_catalog):
    texts = [r.guidance for r in real_catalog.rules] + [s.text for c in real_catalog.controls for s in c.statements]
    assert sum(t.count("\u2019") for t in texts) > 0
    assert not any("\\u2019" in t for t in texts)


def test_no_rule_is_deprecated_without_aws_saying_so(real_catalog):
    """issue 19: the elasticsearch-* rules are not deprecated; their pages' Notes (developer guide at e57037d)
    say each checks its own kind of domain, and erratum E4 says so, citing them."""
    assert [r.id for r in real_catalog.rules if r.deprecated] == []
    for s in ("encrypted-at-rest", "in-vpc-only", "logs-to-cloudwatch", "node-to-node-encryption-check"):
        assert real_catalog.rule(f"elasticsearch-{s}").note == "The rule does not evaluate Amazon OpenSearch Service domains."
        assert real_catalog.rule(f"opensearch-{s}").note == "The rule does not evaluate Elasticsearch domains."
    e4 = next(e for e in real_catalog.errata if e.id == "E4")
    assert e4.kind == "paired-rules" and "does not evaluate Amazon OpenSearch Service domains" in e4.reason


def test_every_file_id_matches_its_filename_and_has_a_modeline():
    for sub in ("rules", "controls"):
        for file in (paths.DEFAULT_CATALOG / sub).glob("*.yaml"):
            text = file.read_text(encoding="utf-8")
            assert text.startswith("# yaml-language-server: $schema=../../schema/"), file
            assert f"\nid: {file.stem}\n" in text, file
