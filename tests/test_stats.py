"""Statistics on tests/fixtures/stats, a catalogue small enough to work out by hand.

The fixture:                      controls supported
    r1 (S1)  A-1                  1
    r2 (S1)  A-1, A-2.x           2
    r3 (S2)  A-2.x, A-2.y, A-3    2  (two statements of A-2 count once)
    r4 (S2)  A-2.y, A-3           2
    r5 (S2)  A-3                  1
    r6 (no service, no mapping)   0
    A-4 is not in the source (no rules).
"""

from __future__ import annotations

import pytest

import conformap
from conformap.analysis import stats
from conformap.analysis.graph import build_graph


@pytest.fixture(scope="module")
def g(fixtures_dir):
    return build_graph(conformap.load(fixtures_dir / "stats"))


def test_rule_controls(g):
    assert {r: stats.rule_controls(g, r) for r in stats.rules(g)} == {
        "r1": ["A-1"],
        "r2": ["A-1", "A-2"],
        "r3": ["A-2", "A-3"],
        "r4": ["A-2", "A-3"],
        "r5": ["A-3"],
        "r6": [],
    }
    assert stats.rule_statements(g, "r3") == ["A-2.x", "A-2.y", "A-3.desc"]


def test_control_rules_exclusive_and_shared(g):
    assert stats.control_rules(g, "A-1") == ["r1", "r2"]
    assert stats.control_rules(g, "A-2") == ["r2", "r3", "r4"]
    assert stats.control_rules(g, "A-3") == ["r3", "r4", "r5"]
    assert stats.control_rules(g, "A-4") == []
    assert [stats.exclusive_rules(g, c) for c in ("A-1", "A-2", "A-3")] == [["r1"], [], ["r5"]]
    assert [stats.shared_rules(g, c) for c in ("A-1", "A-2", "A-3")] == [["r2"], ["r2", "r3", "r4"], ["r3", "r4"]]
    assert stats.statement_rules(g, "A-2.y") == ["r3", "r4"]


def test_overlap_and_jaccard(g):
    assert stats.overlap(g, "A-1", "A-2") == (1, 0.25)  # {r2} / {r1,r2,r3,r4}
    assert stats.overlap(g, "A-2", "A-3") == (2, 0.5)  # {r3,r4} / {r2,r3,r4,r5}
    assert stats.overlap(g, "A-1", "A-3") == (0, 0.0)
    assert stats.overlap(g, "A-4", "A-4") == (0, 0.0)
    assert stats.control_overlaps(g, "A-2") == [("A-1", 1, 0.25), ("A-3", 2, 0.5)]


def test_overlap_matrix(g):
    assert stats.overlap_matrix(g) == {
        "A-1": {"A-1": 2, "A-2": 1, "A-3": 0, "A-4": 0},
        "A-2": {"A-1": 1, "A-2": 3, "A-3": 2, "A-4": 0},
        "A-3": {"A-1": 0, "A-2": 2, "A-3": 3, "A-4": 0},
        "A-4": {"A-1": 0, "A-2": 0, "A-3": 0, "A-4": 0},
    }


def test_same_set_and_alongside(g):
    assert stats.same_control_set(g, "r3") == ["r4"]
    assert stats.same_control_set(g, "r1") == []
    assert stats.same_control_set(g, "r6") == []  # no controls: not "the same" as anything
    assert stats.mapped_alongside(g, "r3") == [("r4", 2), ("r2", 1), ("r5", 1)]
    assert stats.mapped_alongside(g, "r3", limit=1) == [("r4", 2)]


def test_distribution_services_and_gaps(g):
    assert stats.rules_by_control_count(g) == {0: ["r6"], 1: ["r1", "r5"], 2: ["r2", "r3", "r4"]}
    assert stats.coverage_by_service(g) == [
        ("(unspecified)", 1, []),
        ("S1", 2, ["A-1", "A-2"]),
        ("S2", 3, ["A-2", "A-3"]),
    ]
    assert stats.control_services(g, "A-2") == [("S1", 1), ("S2", 2)]
    assert stats.unmapped_controls(g) == ["A-4"]


def test_summary(g):
    assert stats.summary(g) == stats.Summary(
        controls=4, controls_mapped=3, rules=6, mappings=9, services=2, shared_rules=3, exclusive_rules=2
    )


def test_real_catalogue_headlines(real_catalog):
    g = build_graph(real_catalog)
    s = stats.summary(g)
    assert (s.controls, s.controls_mapped, s.rules, s.mappings) == (11, 8, 127, 181)
    assert stats.unmapped_controls(g) == ["SEC-7", "SEC-10", "SEC-11"]
    # Diagonal = distinct rules per question, as counted from the source's rows.
    m = stats.overlap_matrix(g)
    assert [m[c][c] for c in ("SEC-1", "SEC-2", "SEC-3", "SEC-4", "SEC-5", "SEC-6", "SEC-8", "SEC-9")] == [10, 18, 38, 18, 35, 19, 29, 14]
    assert all(m[a][b] == m[b][a] for a in m for b in m)
    # Each mapping is one rule-statement edge; rows-per-rule counts 1..3 in the source.
    assert sorted(stats.rules_by_control_count(g)) == [1, 2, 3]
    assert sum(len(v) for v in stats.rules_by_control_count(g).values()) == 127
