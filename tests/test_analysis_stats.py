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

import heapq
import shutil
from pathlib import Path

import pytest

import conformap
from conformap.analysis import stats
from conformap.analysis.graph import build_graph
from conformap.analysis.stats import Analysis, Summary


@pytest.fixture(scope="module")
def a(fixtures_dir):
    return Analysis(build_graph(conformap.load(fixtures_dir / "stats")))


def test_rule_controls(a):
    assert a.rule_controls == {
        "r1": ("A-1",),
        "r2": ("A-1", "A-2"),
        "r3": ("A-2", "A-3"),
        "r4": ("A-2", "A-3"),
        "r5": ("A-3",),
        "r6": (),
    }


def test_control_rules_exclusive_and_shared(a):
    assert a.control_rules == {"A-1": ["r1", "r2"], "A-2": ["r2", "r3", "r4"], "A-3": ["r3", "r4", "r5"], "A-4": []}
    assert [a.exclusive_rules(c) for c in ("A-1", "A-2", "A-3")] == [["r1"], [], ["r5"]]
    assert [a.shared_rules(c) for c in ("A-1", "A-2", "A-3")] == [["r2"], ["r2", "r3", "r4"], ["r3", "r4"]]
    assert a.statement_rules("A-2.y") == ["r3", "r4"]
    assert a.statement_rules("A-4.desc") == []


def test_overlap_and_jaccard(a):
    assert a.overlap("A-1", "A-2") == (1, 0.25)  # {r2} / {r1,r2,r3,r4}
    assert a.overlap("A-2", "A-3") == (2, 0.5)  # {r3,r4} / {r2,r3,r4,r5}
    assert a.overlap("A-1", "A-3") == (0, 0.0)
    assert a.overlap("A-4", "A-4") == (0, 0.0)
    assert a.control_overlaps("A-2") == [("A-1", 1, 0.25), ("A-3", 2, 0.5)]
    assert a.control_overlaps("A-4") == [("A-1", 0, 0.0), ("A-2", 0, 0.0), ("A-3", 0, 0.0)]
    # Most similar first: A-2/A-3 (0.5), then A-1/A-2 (0.25); share nothing.
    assert a.overlapping_pairs() == [("A-2", "A-3", 2, 0.5), ("A-1", "A-2", 1, 0.25)]


def test_overlap_matrix_is_the_bipartite_projection(a):
    assert a.matrix == {
        "A-1": {"A-1": 2, "A-2": 1, "A-3": 0, "A-4": 0},
        "A-2": {"A-1": 1, "A-2": 3, "A-3": 2, "A-4": 0},
        "A-3": {"A-1": 0, "A-2": 2, "A-3": 3, "A-4": 0},
        "A-4": {"A-1": 0, "A-2": 0, "A-3": 0, "A-4": 0},
    }
    p = a.overlap_graph
    assert sorted(map(sorted, p.edges())) == [["A-1", "A-2"], ["A-2", "A-3"]]
    assert p["A-2"]["A-3"]["weight"] == 2
    assert [p.nodes[c]["rules"] for c in a.controls] == [2, 3, 3, 0]


def test_same_set_and_alongside(a):
    assert a.same_control_set("r3") == ["r4"]
    assert a.same_control_set("r1") == []
    assert a.same_control_set("r6") == []  # no controls: not "the same" as anything
    assert a.mapped_alongside("r3") == [("r4", 2), ("r2", 1), ("r5", 1)]
    assert a.mapped_alongside("r3", limit=1) == [("r4", 2)]
    assert a.mapped_alongside("r4", limit=1) == [("r3", 2)]  # same control set as r3, cached count
    assert a.mapped_alongside("r6") == []
    assert a.rules_by_control_set == {("A-1",): ["r1"], ("A-1", "A-2"): ["r2"], ("A-2", "A-3"): ["r3", "r4"], ("A-3",): ["r5"]}


def test_distribution_services_and_gaps(a):
    assert a.rules_by_control_count == {0: ["r6"], 1: ["r1", "r5"], 2: ["r2", "r3", "r4"]}
    assert a.coverage_by_service == [
        ("(unspecified)", 1, []),
        ("S1", 2, ["A-1", "A-2"]),
        ("S2", 3, ["A-2", "A-3"]),
    ]
    assert a.control_services("A-2") == [("S1", 1), ("S2", 2)]
    assert a.unmapped_controls == ["A-4"]
    assert a.controls_with_rules == ["A-1", "A-2", "A-3"]
    assert a.controls_in_source == ["A-1", "A-2", "A-3"]


def test_summary(a):
    assert a.summary == Summary(
        controls=4, controls_with_rules=3, controls_in_source=3, rules=6, mappings=9, services=2, shared_rules=3, exclusive_rules=2
    )


def test_controls_in_source_and_with_rules_differ(tmp_path, fixtures_dir):
    """A contributed mapping to a question the source does not map: it has rules, but is not in the source."""
    import shutil

    root = shutil.copytree(fixtures_dir / "stats", tmp_path / "catalog")
    control = root / "controls" / "A-4.yaml"
    control.write_text(
        control.read_text(encoding="utf-8").replace(
            "statements: []", "statements:\n  - {id: A-4.desc, kind: question-description, text: Fourth description.}"
        ),
        encoding="utf-8",
    )
    rule = root / "rules" / "r6.yaml"
    rule.write_text(
        rule.read_text(encoding="utf-8").replace(
            "mappings: []", "mappings:\n  - {control: A-4, statement: A-4.desc, rationale: Contributed.}"
        ),
        encoding="utf-8",
    )
    s = Analysis(build_graph(conformap.load(root))).summary
    assert (s.controls_with_rules, s.controls_in_source) == (4, 3)


@pytest.mark.scenario
def test_real_catalogue_headlines(real_catalog):
    a = Analysis(build_graph(real_catalog))
    s = a.summary
    assert (s.controls, s.controls_with_rules, s.controls_in_source, s.rules, s.mappings) == (11, 8, 8, 127, 181)
    assert a.unmapped_controls == ["SEC-7", "SEC-10", "SEC-11"]
    # Diagonal = distinct rules per question, as counted from the source's rows.
    m = a.matrix
    assert [m[c][c] for c in ("SEC-1", "SEC-2", "SEC-3", "SEC-4", "SEC-5", "SEC-6", "SEC-8", "SEC-9")] == [10, 18, 38, 18, 35, 19, 29, 14]
    assert all(m[x][y] == m[y][x] for x in m for y in m)
    # Each mapping is one rule-statement edge; rows-per-rule counts 1..3 in the source.
    assert sorted(a.rules_by_control_count) == [1, 2, 3]
    assert sum(len(v) for v in a.rules_by_control_count.values()) == 127


def test_a_fresh_analysis_lists_services_and_statement_rules(fixtures_dir):
    """Built here, not by the shared fixture, so that a bug in the constructor fails this test on its own."""
    fresh = Analysis(build_graph(conformap.load(fixtures_dir / "stats")))
    assert fresh.services == ["S1", "S2"]  # the services named by rules; r6 names none
    assert fresh.summary.services == 2
    assert fresh.statement_rules("A-2.x") == ["r2", "r3"]
    assert fresh.statement_rules("A-3.desc") == ["r3", "r4", "r5"]
    assert fresh.statement_rules("A-4.desc") == []


def test_mapped_alongside_is_ranked_once_per_control_set(fixtures_dir, monkeypatch):
    """r3 and r4 support the same controls (A-2, A-3): their ranking is computed once and reused."""
    fresh = Analysis(build_graph(conformap.load(fixtures_dir / "stats")))
    calls = []
    real = heapq.nsmallest
    monkeypatch.setattr(heapq, "nsmallest", lambda *args, **kw: calls.append(1) or real(*args, **kw))
    assert fresh.mapped_alongside("r3") == [("r4", 2), ("r2", 1), ("r5", 1)]
    assert fresh.mapped_alongside("r4") == [("r3", 2), ("r2", 1), ("r5", 1)]
    assert fresh.mapped_alongside("r3") == [("r4", 2), ("r2", 1), ("r5", 1)]
    assert len(calls) == 1  # one ranking for both rules
    assert fresh.mapped_alongside("r4", limit=1) == [("r3", 2)]  # another limit: ranked again
    assert len(calls) == 2


# --------------------------------------------------------------------------- ordering, ties, limits, rounding
# Statistics where the simple fixture cannot tell right from wrong: ordering by question number, ties,
# limits, rounding, rules without a service. Expected values are worked out by hand below.
#
# The catalogue is tests/fixtures/stats (above) plus, written by the test:
#     A-10 (number 10, not in the source; "A-10" sorts before "A-2" as text, after it by number)
#     q1   (S1)         A-2.x                 contributed mappings (a rationale, no source row)
#     r7 .. r12 (S3)    A-1
#     z1   (no service) A-2.y, A-10
# So: A-1: r1 r2 r7 r8 r9 r10 r11 r12; A-2: q1 r2 r3 r4 z1; A-3: r3 r4 r5; A-4: none; A-10: z1.

STATS = Path(__file__).resolve().parent / "fixtures" / "stats"


def rule(rid: str, service: str | None, *targets: tuple[str, str]) -> str:
    lines = [f"id: {rid}", "kind: managed", f"identifier: {rid.upper()}"]
    lines += [f"service: {service}"] if service else []
    lines += [f"guidance: Guidance for {rid}.", "mappings:"]
    lines += [f"  - {{control: {c}, statement: {s}, rationale: Contributed for the tests.}}" for c, s in targets]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def g(tmp_path_factory):  # the Analysis of the catalogue
    root = tmp_path_factory.mktemp("stats") / "catalog"
    shutil.copytree(STATS, root)
    (root / "controls" / "A-10.yaml").write_text(
        "id: A-10\nnumber: 10\nquestion: Question 10?\nin_source: false\nstatements:\n"
        "  - {id: A-10.desc, kind: question-description, text: Tenth description.}\n",
        encoding="utf-8",
    )
    files = {"q1": rule("q1", "S1", ("A-2", "A-2.x")), "z1": rule("z1", None, ("A-2", "A-2.y"), ("A-10", "A-10.desc"))}
    files |= {f"r{n}": rule(f"r{n}", "S3", ("A-1", "A-1.desc")) for n in range(7, 13)}
    for rid, text in files.items():
        (root / "rules" / f"{rid}.yaml").write_text(text, encoding="utf-8")
    return stats.Analysis(build_graph(conformap.load(root)))


def test_questions_are_ordered_by_number_not_by_id(g):
    assert g.controls == ["A-1", "A-2", "A-3", "A-4", "A-10"]
    assert g.rule_controls["z1"] == ("A-2", "A-10")
    assert list(g.coverage_by_service)[0] == ("(unspecified)", 2, ["A-2", "A-10"])  # r6 and z1
    assert g.unmapped_controls == ["A-4"]


def test_rules_without_a_service_are_counted_as_unspecified(g):
    assert g.control_services("A-10") == [("(unspecified)", 1)]
    assert g.control_services("A-2") == [("(unspecified)", 1), ("S1", 2), ("S2", 2)]


def test_rules_of_a_question_are_sorted_by_name(g):
    assert g.control_rules["A-1"] == ["r1", "r10", "r11", "r12", "r2", "r7", "r8", "r9"]
    assert g.control_rules["A-2"] == ["q1", "r2", "r3", "r4", "z1"]


def test_mapped_alongside_ties_are_broken_by_name_and_five_are_shown(g):
    # r2 supports: every other rule of either shares one question with it.
    assert g.mapped_alongside("r2") == [("q1", 1), ("r1", 1), ("r10", 1), ("r11", 1), ("r12", 1)]
    assert g.mapped_alongside("r1") == [("r10", 1), ("r11", 1), ("r12", 1), ("r2", 1), ("r7", 1)]
    assert g.mapped_alongside("r3", limit=10) == [("r4", 2), ("q1", 1), ("r2", 1), ("r5", 1), ("z1", 1)]


def test_jaccard_is_rounded_to_three_places(g):
    assert g.overlap("A-1", "A-2") == (1, 0.083)  # {r2} / 12 rules = 0.0833...
    assert g.overlap("A-2", "A-10") == (1, 0.2)  # {z1} / 5 rules


def test_a_mapping_to_another_questions_statement_is_not_counted(g):
    """The graph may carry a mapping the loader would reject; the statistics ignore it (stats.py)."""
    bad = g.graph.copy()
    bad.add_edge("rule:r5", "statement:A-2.x", rel="supports", control="A-3")
    assert stats.Analysis(bad).control_rules["A-2"] == ["q1", "r2", "r3", "r4", "z1"]
    assert stats.Analysis(bad).control_rules["A-3"] == ["r3", "r4", "r5"]


def test_pairs_are_named_in_question_order_and_list_exactly_the_shared_rules(g):
    # By number, A-2 comes before A-10 although "A-10" sorts first as text.
    assert g.pair("A-10", "A-2") == ("A-2", "A-10") and g.pair("A-2", "A-10") == ("A-2", "A-10")
    assert g.pair("A-3", "A-1") == ("A-1", "A-3") and g.pair("A-1", "A-1") == ("A-1", "A-1")
    # q1 r2 r3 r4 z1; A-3: r3 r4 r5; A-1: r1 r2 r7..r12; A-10: z1 (module docstring).
    assert g.pair_rules("A-2", "A-3") == ["r3", "r4"] and g.pair_rules("A-3", "A-2") == ["r3", "r4"]
    assert g.pair_rules("A-1", "A-2") == ["r2"]
    assert g.pair_rules("A-2", "A-10") == ["z1"]
    assert g.pair_rules("A-1", "A-3") == []
    assert len(g.pair_rules("A-2", "A-3")) == g.matrix["A-2"]["A-3"]


def test_analysis_of_a_catalogue_builds_its_graph(tmp_path):
    a = stats.Analysis.of(conformap.load(STATS))
    assert a.controls == ["A-1", "A-2", "A-3", "A-4"] and a.mapping_count == 9
