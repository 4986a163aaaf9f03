"""`conformap diff`'s comparison where tests/test_diff.py does not look: a catalogue compared with none
(first release, deletion), a field that disappears, question order by number, long word diffs.
Expected values are worked out by hand from tests/fixtures/mini:
    M-1 (number 1): alpha-rule;  M-2 (2): alpha-rule, beta-rule, gamma-check;  M-3 (3): no rule
    alpha-rule (service Amazon S3, parameter maxDays) supports 2 questions; beta-rule and gamma-check 1.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import conformap
from conformap.contrib.compare import compare, word_diff

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


def test_a_mapping_in_a_report_has_every_field_of_the_schema(fixtures_dir):
    """The report's mapping fields come from rule.schema.json (in its order), not from a list in the code."""
    from conformap.contrib import compare as cmp

    cat = conformap.load(fixtures_dir / "golden")
    m = cat.mappings[0]
    rec = cmp._mapping_record(m)
    assert list(rec) == ["rule", "control", "statement", "source_rows", "printed_statement", "rationale"]
    assert rec["rule"] == m.rule_id and rec["control"] == m.control_id and rec["statement"] == m.statement_id
    assert isinstance(rec["source_rows"], list)
