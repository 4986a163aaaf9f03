"""Statistics where the simple fixture cannot tell right from wrong: ordering by question number, ties,
limits, rounding, rules without a service. Expected values are worked out by hand below.

The catalogue is tests/fixtures/stats (see tests/test_analysis_stats.py) plus, written by the test:
    A-10 (number 10, not in the source; "A-10" sorts before "A-2" as text, after it by number)
    q1   (S1)         A-2.x                 contributed mappings (a rationale, no source row)
    r7 .. r12 (S3)    A-1
    z1   (no service) A-2.y, A-10
So: A-1: r1 r2 r7 r8 r9 r10 r11 r12; A-2: q1 r2 r3 r4 z1; A-3: r3 r4 r5; A-4: none; A-10: z1.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import conformap
from conformap.analysis import stats
from conformap.analysis.graph import build_graph

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
