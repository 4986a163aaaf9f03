"""`conformap diff`'s comparison where tests/test_diff.py does not look: a catalogue compared with none
(first release, deletion), a field that disappears, question order by number, long word diffs.
Expected values are worked out by hand from tests/fixtures/mini:
    M-1 (number 1): alpha-rule;  M-2 (2): alpha-rule, beta-rule, gamma-check;  M-3 (3): no rule
    alpha-rule (service Amazon S3, parameter maxDays) supports 2 questions; beta-rule and gamma-check 1.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

import conformap
from conformap.compare.engine import compare, word_diff

MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
GROWN = {
    "totals": {
        "controls": 3, "controls_mapped": 2, "rules": 3, "mappings": 4, "services": 1, "shared_rules": 1, "exclusive_rules": 2,
    },
    "rules_per_control": {"M-1": 1, "M-2": 3},
    "overlap": {"M-1/M-2": 1},
    "exclusive_rules": {"M-2": ["beta-rule", "gamma-check"]},
    "rules_by_question_count": {"1": 2, "2": 1},
}


@pytest.fixture(scope="module")
def mini():
    return conformap.load(MINI)


def edited(tmp_path: Path, rel: str, old: str, new: str) -> conformap.Catalog:
    root = tmp_path / "catalog"
    shutil.copytree(MINI, root)
    text = (root / rel).read_text(encoding="utf-8")
    assert text.count(old) == 1
    (root / rel).write_text(text.replace(old, new), encoding="utf-8")
    return conformap.load(root)


def test_statistics_of_a_first_release(mini):
    s = compare(None, mini)["statistics"]
    assert s["totals"] == {k: {"old": 0, "new": v} for k, v in GROWN["totals"].items()}
    assert s["rules_per_control"] == {c: {"old": 0, "new": v} for c, v in GROWN["rules_per_control"].items()}
    assert s["overlap"] == {"M-1/M-2": {"old": 0, "new": 1}}
    assert s["exclusive_rules"] == {"M-2": {"old": 0, "new": 2, "gained": ["beta-rule", "gamma-check"], "lost": []}}
    assert s["rules_by_question_count"] == {n: {"old": 0, "new": v} for n, v in GROWN["rules_by_question_count"].items()}


def test_statistics_of_a_deleted_catalogue(mini):
    s = compare(mini, None)["statistics"]
    assert s["totals"] == {k: {"old": v, "new": 0} for k, v in GROWN["totals"].items()}
    assert s["rules_per_control"] == {c: {"old": v, "new": 0} for c, v in GROWN["rules_per_control"].items()}
    assert s["overlap"] == {"M-1/M-2": {"old": 1, "new": 0}}
    assert s["exclusive_rules"] == {"M-2": {"old": 2, "new": 0, "gained": [], "lost": ["beta-rule", "gamma-check"]}}
    assert s["rules_by_question_count"] == {n: {"old": v, "new": 0} for n, v in GROWN["rules_by_question_count"].items()}


def test_questions_are_listed_by_number(tmp_path):
    renumbered = edited(tmp_path, "controls/M-1.yaml", "number: 1\n", "number: 10\n")
    s = compare(None, renumbered)["statistics"]
    assert list(s["rules_per_control"]) == ["M-2", "M-1"]
    assert list(s["overlap"]) == ["M-2/M-1"]


def test_a_field_that_disappears_is_a_change(tmp_path, mini):
    without = edited(
        tmp_path, "rules/alpha-rule.yaml", "parameters:\n  - name: maxDays\n    type: int\n    optional: false\n    default: '90'\n", ""
    )
    assert compare(mini, without)["rule_metadata"] == [{"rule": "alpha-rule", "changes": {
        "parameters[maxDays].type": {"old": "int", "new": None},
        "parameters[maxDays].optional": {"old": False, "new": None},
        "parameters[maxDays].default": {"old": "90", "new": None},
    }}]


def test_word_diff_keeps_runs_of_words_together():
    assert word_diff("a b c d", "a d") == [["=", "a"], ["-", "b c"], ["=", "d"]]
    assert word_diff("a d", "a b c d") == [["=", "a"], ["+", "b c"], ["=", "d"]]
    assert word_diff("x y", "z") == [["-", "x y"], ["+", "z"]]


def test_word_diff_of_long_texts_is_exact():
    """Long texts repeat words: difflib's junk heuristic (autojunk) would call the whole second half changed."""
    same = " ".join(["check"] * 100)
    assert word_diff(f"{same} keys {same}", f"{same} rotates {same}") == [
        ["=", same], ["-", "keys"], ["+", "rotates"], ["=", same],
    ]


# Catalogues changed in memory (dataclasses.replace on the mini fixture): one change each, so each test
# checks one part of the report, and `make mutate` runs them in milliseconds.


def with_controls(cat, **changed):
    """``cat`` with controls replaced by id (a value of None drops the control)."""
    ctrls = [changed.get(c.id, c) for c in cat.controls] + [c for cid, c in changed.items() if c is not None and cid not in {x.id for x in cat.controls}]
    return replace(cat, controls=tuple(c for c in ctrls if c is not None))


def with_rules(cat, *rules):
    by_id = {r.id: r for r in cat.rules}
    by_id.update({r.id: r for r in rules})
    return replace(cat, rules=tuple(sorted(by_id.values(), key=lambda r: r.id)))


def with_mapping(cat, rule_id, i, **fields):
    rule = cat.rule(rule_id)
    ms = list(rule.mappings)
    ms[i] = replace(ms[i], **fields)
    return with_rules(cat, replace(rule, mappings=tuple(ms)))


def erratum(cat, eid, title="An erratum", rows=(3, 4)):
    return replace(cat.errata[0], id=eid, title=title, source_rows=rows)


def test_names_default_to_base_and_head(mini):
    result = compare(mini, mini)
    assert (result["base"], result["head"], result["changed"]) == ("base", "head", False)


def test_a_control_field_alone_is_a_change(mini):
    head = with_controls(mini, **{"M-3": replace(mini.control("M-3"), note="Still unmapped.")})
    result = compare(mini, head)
    assert result["controls"]["changed"] == [
        {"id": "M-3", "changes": {"note": {"old": "The page maps no rule to this question.", "new": "Still unmapped."}}}
    ]
    assert result["changed"] is True


def test_changed_controls_are_listed_by_number_not_id(mini):
    """M-1 renumbered 5 on both sides: M-3 (number 3) comes before M-1 (number 5), though M-1 < M-3 as text."""
    base = with_controls(mini, **{"M-1": replace(mini.control("M-1"), number=5)})
    head = with_controls(
        base,
        **{"M-1": replace(base.control("M-1"), note="First."), "M-3": replace(base.control("M-3"), note="Third.")},
    )
    assert compare(base, head)["controls"]["changed"] == [
        {"id": "M-3", "changes": {"note": {"old": "The page maps no rule to this question.", "new": "Third."}}},
        {"id": "M-1", "changes": {"note": {"old": None, "new": "First."}}},
    ]


def test_controls_added_and_removed_are_listed_by_number(mini):
    base = with_controls(mini, **{"M-1": replace(mini.control("M-1"), number=5)})
    questions = [
        {"id": "M-2", "question": "How do you do the second thing?"},
        {"id": "M-3", "question": "How do you do the third thing?"},
        {"id": "M-1", "question": "How do you do the first thing?"},
    ]
    assert compare(None, base)["controls"]["added"] == questions
    assert compare(base, None)["controls"]["removed"] == questions


def test_errata_are_listed_in_natural_order(mini):
    """E2 before E10 (as text, "E10" < "E2")."""
    two = replace(mini, errata=(erratum(mini, "E10", "Tenth"), erratum(mini, "E2", "Second")))
    assert compare(None, two)["errata"]["added"] == [{"id": "E2", "title": "Second"}, {"id": "E10", "title": "Tenth"}]
    assert compare(two, None)["errata"]["removed"] == [{"id": "E2", "title": "Second"}, {"id": "E10", "title": "Tenth"}]
    retitled = replace(two, errata=(erratum(mini, "E10", "Tenth, again"), erratum(mini, "E2", "Second, again")))
    assert [e["id"] for e in compare(two, retitled)["errata"]["changed"]] == ["E2", "E10"]


def test_guidance_of_renamed_rules_is_listed_by_new_id(mini):
    """beta-rule renamed aaa-rule (same identifier): its guidance change comes before alpha-rule's."""
    beta = mini.rule("beta-rule")
    renamed = replace(beta, id="aaa-rule", guidance="Beta guidance, revised.",
                      mappings=tuple(replace(m, rule_id="aaa-rule") for m in beta.mappings))
    alpha = replace(mini.rule("alpha-rule"), guidance="Alpha guidance, revised.")
    head = replace(mini, rules=(renamed, alpha, mini.rule("gamma-check")))
    result = compare(mini, head)
    assert result["rules"]["renamed"] == [{"old": "beta-rule", "new": "aaa-rule", "by": "identifier"}]
    assert [g["rule"] for g in result["guidance"]] == ["aaa-rule", "alpha-rule"]


def test_a_guidance_change_alone_is_a_change(mini):
    head = with_rules(mini, replace(mini.rule("beta-rule"), guidance="Beta guidance, revised."))
    result = compare(mini, head)
    assert (result["guidance"] != [], result["rule_metadata"], result["changed"]) == (True, [], True)


def test_a_printed_statement_is_a_mapping_change(mini):
    head = with_mapping(mini, "beta-rule", 0, printed_statement="M-2.BP01")
    assert compare(mini, head)["mappings"]["changed"] == [
        {"rule": "beta-rule", "control": "M-2", "statement": "M-2.BP02",
         "changes": {"printed_statement": {"old": None, "new": "M-2.BP01"}}}
    ]
    assert compare(head, mini)["mappings"]["changed"][0]["changes"] == {"printed_statement": {"old": "M-2.BP01", "new": None}}


def test_renumbered_mappings_alone_are_a_change(mini):
    head = with_mapping(mini, "beta-rule", 0, source_rows=(7,))
    result = compare(mini, head)
    assert result["renumbered"]["mappings"] == [
        {"rule": "beta-rule", "control": "M-2", "statement": "M-2.BP02", "source_rows": {"old": [3], "new": [7]}}
    ]
    assert result["renumbered"]["summary"] == "source rows renumbered in 1 mapping (rows moved on the page, which has 4 rows as before)"
    assert result["changed"] is True


def test_a_renumbered_erratum_alone_is_a_change(mini):
    head = replace(mini, errata=(erratum(mini, "E1", mini.errata[0].title, (5, 6)),))
    result = compare(mini, head)
    assert result["renumbered"]["errata"] == [{"id": "E1", "source_rows": {"old": [3, 4], "new": [5, 6]}}]
    assert result["renumbered"]["summary"] == "source rows renumbered in 1 erratum (rows moved on the page, which has 4 rows as before)"
    assert result["changed"] is True


def test_renumbering_summary_counts_errata_and_names_the_rows(mini):
    def rows(cat, n):
        return replace(cat, framework=replace(cat.framework, source=replace(cat.framework.source, rows=n)))

    base = replace(mini, errata=(erratum(mini, "E1"), erratum(mini, "E2")))
    head = replace(mini, errata=(erratum(mini, "E1", rows=(5, 6)), erratum(mini, "E2", rows=(5, 6))))
    assert compare(base, rows(head, 6))["renumbered"]["summary"] == (
        "source rows renumbered in 2 errata (the page gained 2 rows: 4 → 6)"
    )
    assert compare(rows(base, 7), head)["renumbered"]["summary"] == (
        "source rows renumbered in 2 errata (the page lost 3 rows: 7 → 4)"
    )
    # A snapshot whose row count is unknown on one side: nothing to say about the page's length.
    assert compare(base, rows(head, None))["renumbered"]["summary"] == "source rows renumbered in 2 errata (rows moved on the page)"
    assert compare(rows(base, None), head)["renumbered"]["summary"] == "source rows renumbered in 2 errata (rows moved on the page)"


def test_nothing_is_renumbered_against_no_catalogue(mini):
    empty = {"summary": None, "mappings": [], "errata": []}
    assert compare(None, mini)["renumbered"] == empty
    assert compare(mini, None)["renumbered"] == empty


def test_a_rule_metadata_change_alone_is_a_change(mini):
    head = with_rules(mini, replace(mini.rule("alpha-rule"), description="Checks the first thing."))
    result = compare(mini, head)
    assert result["rule_metadata"] == [{"rule": "alpha-rule", "changes": {"description": {"old": None, "new": "Checks the first thing."}}}]
    assert result["changed"] is True


def test_a_rename_alone_is_a_change(mini):
    beta = mini.rule("beta-rule")
    renamed = replace(beta, id="aaa-rule", mappings=tuple(replace(m, rule_id="aaa-rule") for m in beta.mappings))
    result = compare(mini, replace(mini, rules=(renamed, mini.rule("alpha-rule"), mini.rule("gamma-check"))))
    assert result["rules"] == {"added": [], "removed": [], "renamed": [{"old": "beta-rule", "new": "aaa-rule", "by": "identifier"}]}
    assert result["mappings"] == {"added": [], "removed": [], "changed": []}
    assert not any(result["statistics"].values())
    assert result["changed"] is True

def test_a_mapping_in_a_report_has_every_field_of_the_schema(fixtures_dir):
    """The report's mapping fields come from rule.schema.json (in its order), not from a list in the code."""
    from conformap.compare import engine as cmp

    cat = conformap.load(fixtures_dir / "golden")
    m = cat.mappings[0]
    rec = cmp._mapping_record(m)
    assert list(rec) == ["rule", "control", "statement", "source_rows", "printed_statement", "rationale"]
    assert rec["rule"] == m.rule_id and rec["control"] == m.control_id and rec["statement"] == m.statement_id
    assert isinstance(rec["source_rows"], list)
