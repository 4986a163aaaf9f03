"""``conformap diff`` (the compare engine) against the oracle: two generated catalogues, what changed between them
computed from their pages and files by tests/oracle/, and the renamed-rule report when one or several old rules fit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from oracle import synth
from oracle.derive import Oracle

from conformap.cli import main


def diff(capsys, base: Path, head: Path) -> dict:
    capsys.readouterr()
    assert main(["diff", str(base), str(head), "--format", "json"]) in (0, 1)
    return json.loads(capsys.readouterr().out)


def expected_statistics(a: Oracle, b: Oracle) -> dict:
    """What ``statistics`` of the diff must say: every number that differs, old and new."""
    qs = b.question_ids()
    totals = {}
    for key, fa, fb in (
        ("controls", len(a.controls), len(b.controls)),
        ("controls_mapped", a.counts()["controls_with_rules"], b.counts()["controls_with_rules"]),
        ("rules", len(a.rules), len(b.rules)),
        ("mappings", len(a.mappings), len(b.mappings)),
        ("services", len({r.get("service") for r in a.rules.values()} - {None}), len({r.get("service") for r in b.rules.values()} - {None})),
        ("shared_rules", len(a.shared_rules()), len(b.shared_rules())),
        ("exclusive_rules", sum(1 for r in a.rules if len(a.questions_of(r)) == 1), sum(1 for r in b.rules if len(b.questions_of(r)) == 1)),
    ):
        if fa != fb:
            totals[key] = {"old": fa, "new": fb}
    per_q = {q: {"old": len(a.rules_of(q)), "new": len(b.rules_of(q))} for q in qs if len(a.rules_of(q)) != len(b.rules_of(q))}
    overlap = {}
    for i, x in enumerate(qs):
        for y in qs[i + 1:]:
            if a.overlap(x, y)[0] != b.overlap(x, y)[0]:
                overlap[f"{x}/{y}"] = {"old": a.overlap(x, y)[0], "new": b.overlap(x, y)[0]}
    exclusive = {}
    for q in qs:
        x, y = a.exclusive(q), b.exclusive(q)
        if x != y:
            exclusive[q] = {"old": len(x), "new": len(y), "gained": sorted(set(y) - set(x)), "lost": sorted(set(x) - set(y))}
    ca, cb = a.rules_by_question_count(), b.rules_by_question_count()
    by_count = {str(n): {"old": len(ca.get(n, [])), "new": len(cb.get(n, []))} for n in sorted(set(ca) | set(cb)) if len(ca.get(n, [])) != len(cb.get(n, []))}
    return {"totals": totals, "rules_per_control": per_q, "overlap": overlap, "exclusive_rules": exclusive, "rules_by_question_count": by_count}


def test_removed_page_rows_change_the_statistics_the_oracle_computes(tmp_path, capsys):
    base = synth.awkward(tmp_path / "a")
    head = synth.awkward(tmp_path / "b", rows=synth.ROWS[:-2])  # golf on SEC-6 and lima on SEC-7 are gone
    d = diff(capsys, base, head)
    a, b = Oracle(base), Oracle(head)
    assert d["statistics"] == expected_statistics(a, b)
    removed = [(m["rule"], m["control"], m["statement"], m["source_rows"]) for m in d["mappings"]["removed"]]
    gone = [m for m in a.mappings if (m["rule"], m["control"], m["statement"]) not in {(x["rule"], x["control"], x["statement"]) for x in b.mappings}]
    assert removed == [(m["rule"], m["control"], m["statement"], m["source_rows"]) for m in gone]
    assert d["mappings"]["added"] == []


def test_added_rows_and_contributions(tmp_path, capsys):
    base = synth.awkward(tmp_path / "a", rows=synth.ROWS[:-2])
    head = synth.awkward(tmp_path / "b")
    d = diff(capsys, base, head)
    assert d["statistics"] == expected_statistics(Oracle(base), Oracle(head))
    assert [(m["rule"], m["control"]) for m in d["mappings"]["added"]] == [("golf", "SEC-6"), ("lima", "SEC-7")]


def test_a_rule_renamed_with_the_same_identifier_is_reported_renamed(tmp_path, capsys):
    base = synth.awkward(tmp_path / "a")
    head = synth.awkward(tmp_path / "b", rename={"hotel": "hotel-two"})
    d = diff(capsys, base, head)
    assert d["rules"] == {"added": [], "removed": [], "renamed": [{"old": "hotel", "new": "hotel-two", "by": "identifier"}]}
    assert d["statistics"]["exclusive_rules"] == {}  # a renamed rule is neither gained nor lost


def test_a_rule_renamed_with_a_new_identifier_is_found_by_its_unique_guidance(tmp_path, capsys):
    base = synth.awkward(tmp_path / "a")
    head = synth.awkward(tmp_path / "b", rename={"hotel": "hotel-two"}, identifier={"hotel-two": "HOTEL_TWO"}, guidance={"hotel-two": synth.guidance_of("hotel")})
    d = diff(capsys, base, head)
    assert d["rules"]["renamed"] == [{"old": "hotel", "new": "hotel-two", "by": "guidance"}]


def test_no_rename_is_reported_when_several_old_rules_fit(tmp_path, capsys):
    """bravo and golf had the same guidance; kilo has it now and a new identifier: either could be its old self,
    so the report says added and removed, never an arbitrary rename."""
    shared = {"bravo": "Shared guidance.", "golf": "Shared guidance."}
    base = synth.awkward(tmp_path / "a", guidance=shared)
    head = synth.awkward(
        tmp_path / "b",
        rename={"bravo": "kilo", "golf": "golf-two"},
        guidance={"kilo": "Shared guidance.", "golf-two": "Other guidance."},
        identifier={"kilo": "KILO", "golf-two": "GOLF_TWO"},
    )
    d = diff(capsys, base, head)
    assert d["rules"] == {"added": ["golf-two", "kilo"], "removed": ["bravo", "golf"], "renamed": []}


@pytest.mark.parametrize("rename", [{"bravo": "bravo-two"}, {"golf": "golf-two"}])
def test_a_renamed_rule_keeps_the_statistics(tmp_path, capsys, rename):
    base = synth.awkward(tmp_path / "a")
    head = synth.awkward(tmp_path / "b", rename=rename)
    d = diff(capsys, base, head)
    assert d["rules"]["renamed"] == [{"old": k, "new": v, "by": "identifier"} for k, v in rename.items()]
    assert d["statistics"]["exclusive_rules"] == {}
    assert d["statistics"]["totals"] == {}


def test_no_rename_is_reported_when_several_old_rules_share_the_identifier(tmp_path, capsys):
    """bravo and golf had the same identifier; kilo has it now, with new guidance: no arbitrary pick."""
    base = synth.awkward(tmp_path / "a", identifier={"golf": "BRAVO"})
    head = synth.awkward(
        tmp_path / "b",
        rename={"bravo": "kilo", "golf": "golf-two"},
        identifier={"kilo": "BRAVO", "golf-two": "GOLF_TWO"},
    )
    d = diff(capsys, base, head)
    assert d["rules"] == {"added": ["golf-two", "kilo"], "removed": ["bravo", "golf"], "renamed": []}
