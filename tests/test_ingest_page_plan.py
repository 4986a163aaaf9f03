"""The import plan (src/conformap/ingest/page_plan.py) on rows built by hand: statement numbering, question
ownership, stable order, kept curation, row moves and errata. Expected values are written out by
hand; no file is read, so `make mutate` runs these in milliseconds."""

from __future__ import annotations

import copy

import pytest

from conformap.parse.aws_page import Row
from conformap.ingest.page_plan import plan_controls, plan_errata, plan_rules, row_moves


def row(number, cid, question, description, rule="r-a", guidance="G.", process=False) -> Row:
    return Row(number, number * 5, cid, question, description, rule, guidance, process)


# Row 4 is labelled C-2 but prints C-10's question and statement; row 5 prints a question of its own.
ROWS = [
    row(1, "C-10", "Ten?", "Ten desc."),
    row(2, "C-2", "Two?", "Two one."),
    row(3, "C-2", "Two?", "Two two.", "r-b"),
    row(4, "C-2", "Ten?", "Ten desc.", "r-c"),
    row(5, "C-2", "Two, reworded?", "Two one.", "r-d"),
    row(6, "C-2", "Two?", "Two one.", "r-e"),
]


def test_first_import_numbers_statements_in_page_order():
    notes: list[str] = []
    controls, statement_of, printed_of = plan_controls(ROWS, {}, notes)
    assert list(controls) == ["C-2", "C-10"]  # natural order of ids
    assert controls["C-2"] == {
        "id": "C-2", "number": 2, "question": "Two?", "in_source": True,
        "statements": [
            {"id": "C-2.S1", "kind": "best-practice", "text": "Two one."},
            {"id": "C-2.S2", "kind": "best-practice", "text": "Two two."},
        ],
    }
    assert controls["C-10"] == {
        "id": "C-10", "number": 10, "question": "Ten?", "in_source": True,
        "statements": [{"id": "C-10.desc", "kind": "question-description", "text": "Ten desc."}],
    }
    assert statement_of == {1: "C-10.desc", 2: "C-2.S1", 3: "C-2.S2", 4: "C-2.S1", 5: "C-2.S1", 6: "C-2.S1"}
    assert printed_of == {4: "C-10.desc"}
    assert notes == [
        "C-2: new statement C-2.S1",
        "C-2: new statement C-2.S2",
        "C-10: new statement C-10.desc",
        "row 4 (r-c): labelled C-2 but prints the question of C-10",
        "row 5 (r-d): question text differs from C-2's; mapped to C-2.S1",
    ]


def test_a_tie_between_questions_goes_to_the_first_row():
    notes: list[str] = []
    rows = [row(1, "C-5", "B?", "x."), row(2, "C-5", "A?", "y.", "r-b"), row(3, "C-5", "A?", "y.", "r-c")]
    controls, statement_of, _ = plan_controls(rows[:2], {}, notes)
    assert controls["C-5"]["question"] == "B?"
    assert controls["C-5"]["statements"] == [{"id": "C-5.desc", "kind": "question-description", "text": "x."}]
    assert statement_of == {1: "C-5.desc", 2: "C-5.desc"}
    assert notes[-1] == "row 2 (r-b): question text differs from C-5's; mapped to C-5.desc"
    # Two rows against one: the majority's question wins, though it comes second.
    controls, _, _ = plan_controls(rows, {}, [])
    assert controls["C-5"]["question"] == "A?"


EXISTING_CONTROLS = {
    "C-2": {
        "id": "C-2", "number": 7, "question": "Old?", "in_source": True, "note": "Curated.",
        "statements": [
            {"id": "C-2.BP02", "kind": "best-practice", "text": "Two two."},
            {"id": "C-2.S3", "kind": "best-practice", "text": "Gone."},
            {"id": "C-2.BP01", "kind": "best-practice", "text": "Two one.", "best_practice": {"id": "BP01", "title": "One"}},
        ],
    },
    "C-10": {"id": "C-10", "number": 10, "question": "Ten?", "in_source": True,
             "statements": [{"id": "C-10.desc", "kind": "question-description", "text": "Old ten."}]},
    "C-9": {"id": "C-9", "number": 9, "question": "Nine?", "in_source": True, "statements": []},
    "C-8": {"id": "C-8", "number": 8, "question": "Eight?", "in_source": False, "statements": []},
}


def test_an_update_keeps_ids_places_and_curated_fields():
    notes: list[str] = []
    rows = [*ROWS[:3], row(7, "C-2", "Two?", "Two three.", "r-f")]
    existing = copy.deepcopy(EXISTING_CONTROLS)
    controls, statement_of, printed_of = plan_controls(rows, existing, notes)
    assert existing == EXISTING_CONTROLS  # the catalogue's data is not changed in place
    assert list(controls) == ["C-2", "C-10", "C-9", "C-8"]
    # BP02 and BP01 keep their ids, data and places; "Gone." is dropped; the new text is the third:
    # S3, which is taken, so S4; it follows the kept ones.
    assert controls["C-2"] == {
        "id": "C-2", "number": 7, "question": "Two?", "in_source": True, "note": "Curated.",
        "statements": [
            {"id": "C-2.BP02", "kind": "best-practice", "text": "Two two."},
            {"id": "C-2.BP01", "kind": "best-practice", "text": "Two one.", "best_practice": {"id": "BP01", "title": "One"}},
            {"id": "C-2.S4", "kind": "best-practice", "text": "Two three."},
        ],
    }
    # The one description, reworded, keeps its id.
    assert controls["C-10"]["statements"] == [{"id": "C-10.desc", "kind": "question-description", "text": "Ten desc."}]
    assert controls["C-9"] == {"id": "C-9", "number": 9, "question": "Nine?", "in_source": False, "statements": []}
    assert controls["C-8"] == EXISTING_CONTROLS["C-8"]
    assert statement_of == {1: "C-10.desc", 2: "C-2.BP01", 3: "C-2.BP02", 7: "C-2.S4"}
    assert printed_of == {}
    assert notes == [
        "C-2: new statement C-2.S4",
        "C-10: statement C-10.desc text changed",
        "C-9: no longer mapped by the page; in_source set to false",
    ]


def test_a_single_new_description_beside_two_old_statements_is_desc():
    old = {"C-1": {"id": "C-1", "number": 1, "question": "Q?", "in_source": True, "statements": [
        {"id": "C-1.S1", "kind": "best-practice", "text": "a."}, {"id": "C-1.S2", "kind": "best-practice", "text": "b."}]}}
    notes: list[str] = []
    controls, _, _ = plan_controls([row(1, "C-1", "Q?", "c.")], old, notes)
    assert controls["C-1"]["statements"] == [{"id": "C-1.desc", "kind": "question-description", "text": "c."}]
    assert notes == ["C-1: new statement C-1.desc"]


def test_a_taken_desc_id_numbers_the_new_statement():
    old = {"C-1": {"id": "C-1", "number": 1, "question": "Q?", "in_source": True, "statements": [
        {"id": "C-1.desc", "kind": "question-description", "text": "a."}, {"id": "C-1.S2", "kind": "best-practice", "text": "b."}]}}
    controls, _, _ = plan_controls([row(1, "C-1", "Q?", "c.")], old, [])
    # desc and S2 are taken: S3 (the loop's next number after the first text's).
    assert controls["C-1"]["statements"] == [{"id": "C-1.S3", "kind": "question-description", "text": "c."}]


PLAN_ROWS = [
    row(1, "C-1", "Q1?", "D1.", "r-a", "A."),
    row(2, "C-2", "Q2?", "D2.", "r-a", "A, differently."),
    row(3, "C-2", "Q2?", "D3.", "r-b", "B."),
    row(4, "C-2", "Q2?", "D3.", "r-b", "B."),
    row(5, "C-1", "Q1?", "D1.", "r-c", "C.", process=True),
    row(6, "C-1", "Q1?", "D9.", "r-c", "C."),
    row(7, "C-2", "Q2?", "D2.", "r-w", "W."),
]
STATEMENT_OF = {1: "C-1.desc", 2: "C-2.S1", 3: "C-2.S2", 4: "C-2.S2", 5: "C-1.desc", 6: "C-1.desc", 7: "C-2.S1"}
EXISTING_RULES = {
    "r-a": {"id": "r-a", "kind": "managed", "identifier": "RA", "guidance": "Old.", "mappings": [
        {"control": "C-6", "statement": "C-6.desc"},
        {"control": "C-2", "statement": "C-2.S1", "source_rows": [9], "rationale": "Why."},
        {"control": "C-5", "statement": "C-5.desc", "rationale": "Contributed."},
        {"control": "C-7", "statement": "C-7.desc", "source_rows": [8]},
        {"control": "C-2", "statement": "C-2.S1", "rationale": "A second, contributed copy."},
    ]},
    "r-w": {"id": "r-w", "kind": "managed", "guidance": "W.", "mappings": [{"control": "C-4", "statement": "C-4.desc"}]},
    "r-y": {"id": "r-y", "kind": "managed", "guidance": "Y.", "mappings": [{"control": "C-4", "statement": "C-4.desc"}]},
    "r-z": {"id": "r-z", "kind": "managed", "guidance": "Z.", "mappings": [
        {"control": "C-1", "statement": "C-1.desc", "source_rows": [3], "rationale": ""},
        {"control": "C-4", "statement": "C-4.desc"},
    ]},
}


def test_rules_merge_page_mappings_with_curated_ones():
    notes: list[str] = []
    existing = copy.deepcopy(EXISTING_RULES)
    rules = plan_rules(PLAN_ROWS, existing, STATEMENT_OF, {6: "C-3.desc"}, notes)
    assert existing == EXISTING_RULES
    assert list(rules) == ["r-a", "r-b", "r-c", "r-w", "r-y", "r-z"]
    # r-a: its page mapping keeps its place and rationale; the new one follows the last page mapping;
    # the contributed one stays; the mapping the page no longer states (C-7) and a contributed copy of
    # a page mapping are dropped; the first row's guidance is kept; curated fields stay.
    assert rules["r-a"] == {"id": "r-a", "kind": "managed", "identifier": "RA", "guidance": "A.", "mappings": [
        {"control": "C-6", "statement": "C-6.desc"},
        {"control": "C-2", "statement": "C-2.S1", "source_rows": [2], "rationale": "Why."},
        {"control": "C-1", "statement": "C-1.desc", "source_rows": [1]},
        {"control": "C-5", "statement": "C-5.desc", "rationale": "Contributed."},
    ]}
    # A repeated row adds its number to the one mapping; a new rule is managed unless a row says process check.
    assert rules["r-b"] == {"id": "r-b", "kind": "managed", "guidance": "B.", "mappings": [
        {"control": "C-2", "statement": "C-2.S2", "source_rows": [3, 4]},
    ]}
    assert rules["r-c"] == {"id": "r-c", "kind": "process-check", "guidance": "C.", "mappings": [
        {"control": "C-1", "statement": "C-1.desc", "source_rows": [5, 6], "printed_statement": "C-3.desc"},
    ]}
    # No page mapping before it: the new one goes first.
    assert rules["r-w"]["mappings"] == [
        {"control": "C-2", "statement": "C-2.S1", "source_rows": [7]},
        {"control": "C-4", "statement": "C-4.desc"},
    ]
    assert rules["r-y"] == EXISTING_RULES["r-y"]
    assert rules["r-z"] == {"id": "r-z", "kind": "managed", "guidance": "Z.", "mappings": [{"control": "C-4", "statement": "C-4.desc"}]}
    assert notes == [
        "row 2 (r-a): guidance differs from the rule's earlier row; keeping the first",
        "row 4 repeats row 3 verbatim (C-2, r-b)",
        "r-z: no longer on the page; its page mappings were removed",
        "2 new rule(s): r-b, r-c; add their identifier, service, trigger and documentation_url",
    ]


def test_a_process_check_row_after_a_managed_one_makes_a_process_check():
    rows = [row(1, "C-1", "Q?", "D.", "r-p"), row(2, "C-1", "Q?", "D.", "r-p", process=True), row(3, "C-1", "Q?", "D.", "r-p")]
    rules = plan_rules(rows, {}, {1: "C-1.desc", 2: "C-1.desc", 3: "C-1.desc"}, {}, [])
    assert rules["r-p"]["kind"] == "process-check"
    # A rule's curated kind is never overwritten.
    kept = plan_rules(rows, {"r-p": {"id": "r-p", "kind": "managed"}}, {1: "C-1.desc", 2: "C-1.desc", 3: "C-1.desc"}, {}, [])
    assert kept["r-p"]["kind"] == "managed"


def test_no_new_rule_no_note():
    notes: list[str] = []
    plan_rules([row(1, "C-4", "Q?", "D.", "r-y", "Y.")], {"r-y": EXISTING_RULES["r-y"]}, {1: "C-4.desc"}, {}, notes)
    assert notes == []


def test_row_moves_pair_the_rows_of_each_mapping_in_order():
    old = {"r": {"mappings": [
        "not a mapping",
        {"control": "C", "statement": "S", "source_rows": [3, 1]},
        {"control": "D", "statement": "T", "source_rows": [5]},
        {"control": "E", "statement": "U", "source_rows": [True, 6]},
        {"control": "F", "statement": "V", "source_rows": "9"},
        {"control": "G", "statement": "W", "source_rows": [10]},
        {"control": "H", "statement": "W", "source_rows": [11]},
        {"control": "G", "statement": "X", "source_rows": [12]},
    ]}, "q": {"mappings": None}}
    new = {"r": {"mappings": [
        {"control": "C", "statement": "S", "source_rows": [4, 2]},
        {"control": "E", "statement": "U", "source_rows": [7]},
        {"control": "F", "statement": "V", "source_rows": [9]},
        # A mapping is known by its control and its statement: these rows swap places.
        {"control": "G", "statement": "W", "source_rows": [22]},
        {"control": "H", "statement": "W", "source_rows": [21]},
        {"control": "G", "statement": "X", "source_rows": [20]},
    ]}}
    assert row_moves(old, new) == {1: 2, 3: 4, 6: 7, 10: 22, 11: 21, 12: 20}


ERRATA = {"errata": [
    {"id": "E1", "title": "Rows 3 and 4", "source_rows": [3, 4]},
    {"id": "E2", "title": "Row 1", "source_rows": [1]},
    {"id": "E3", "title": "Rows 9 and 10", "source_rows": [9, 10]},
    {"id": "E4", "title": "No rows"},
    {"id": "E5", "title": "A flag", "source_rows": [True, 3]},
    {"id": "E6", "title": "Not row 14 nor 2.4", "reason": "", "source_rows": [4]},
    {"id": "E7", "title": "Two", "source_shows": "See row 3.", "catalogue_does": "x", "reason": "y", "source_rows": [3, 9]},
    {"id": "E8", "title": "Empty", "source_rows": []},
    {"id": "E9", "title": "Not a list", "source_rows": 3},
    {"id": "E10", "title": "Text", "source_rows": ["3"]},
    {"id": "E11", "title": "t", "catalogue_does": "Maps row 4.", "source_rows": [4]},
    {"id": "E12", "title": "t", "reason": "Row 3 says so.", "source_rows": [3]},
    "not an erratum",
]}


def test_errata_follow_their_rows():
    notes: list[str] = []
    errata = copy.deepcopy(ERRATA)
    out = plan_errata(errata, {3: 5, 4: 6, 1: 1}, notes)
    assert errata == ERRATA
    assert out == {"errata": [
        {"id": "E1", "title": "Rows 3 and 4", "source_rows": [5, 6]},
        {"id": "E2", "title": "Row 1", "source_rows": [1]},
        {"id": "E3", "title": "Rows 9 and 10"},
        {"id": "E4", "title": "No rows"},
        {"id": "E5", "title": "A flag", "source_rows": [True, 3]},
        {"id": "E6", "title": "Not row 14 nor 2.4", "reason": "", "source_rows": [6]},
        {"id": "E7", "title": "Two", "source_shows": "See row 3.", "catalogue_does": "x", "reason": "y", "source_rows": [5]},
        {"id": "E8", "title": "Empty", "source_rows": []},
        {"id": "E9", "title": "Not a list", "source_rows": 3},
        {"id": "E10", "title": "Text", "source_rows": ["3"]},
        {"id": "E11", "title": "t", "catalogue_does": "Maps row 4.", "source_rows": [6]},
        {"id": "E12", "title": "t", "reason": "Row 3 says so.", "source_rows": [5]},
        "not an erratum",
    ]}
    assert notes == [
        "errata.yaml: E1: source rows renumbered (3, 4 → 5, 6); its text quotes row(s) 3, 4, check it",
        "errata.yaml: E3: source row(s) 9, 10 no longer state its mappings; removed from the erratum; review it",
        "errata.yaml: E7: source row(s) 9 no longer state its mappings; removed from the erratum; review it",
        "errata.yaml: E7: source rows renumbered (3, 9 → 5); its text quotes row(s) 3, check it",
        "errata.yaml: E11: source rows renumbered (4 → 6); its text quotes row(s) 4, check it",
        "errata.yaml: E12: source rows renumbered (3 → 5); its text quotes row(s) 3, check it",
    ]


def test_errata_whose_rows_stay_are_not_rewritten():
    notes: list[str] = []
    assert plan_errata(None, {1: 2}, notes) is None
    assert plan_errata({"errata": [{"id": "E2", "source_rows": [1, 2]}]}, {1: 1, 2: 2}, notes) is None
    assert notes == []


def test_moved_rows_are_sorted_and_merged():
    notes: list[str] = []
    out = plan_errata({"errata": [{"source_rows": [4, 2, 7]}]}, {4: 1, 2: 1}, notes)
    assert out == {"errata": [{"source_rows": [1]}]}
    # No text quotes the rows; an erratum without an id is still followed, and named "?".
    assert notes == ["errata.yaml: ?: source row(s) 7 no longer state its mappings; removed from the erratum; review it"]


def test_new_statement_ids_skip_the_ones_taken_on_the_way():
    old = {"C-1": {"id": "C-1", "number": 1, "question": "Q?", "in_source": True, "statements": [
        {"id": "C-1.S2", "kind": "best-practice", "text": "old."}]}}
    rows = [row(1, "C-1", "Q?", "a."), row(2, "C-1", "Q?", "b."), row(3, "C-1", "Q?", "c.")]
    controls, _, _ = plan_controls(rows, old, [])
    # a. is S1; b. would be S2, which is taken: S3; c. would be S3, now taken too: S4.
    assert [s["id"] for s in controls["C-1"]["statements"]] == ["C-1.S1", "C-1.S3", "C-1.S4"]


def test_entries_that_are_not_mappings_keep_their_place():
    """Bug: a rule file with a mappings entry that is not a mapping (``- junk``) made the import crash."""
    rows = [row(1, "C-1", "Q?", "D.", "r-a"), row(2, "C-1", "Q?", "D.", "r-b")]
    existing = {
        "r-a": {"id": "r-a", "kind": "managed", "guidance": "G.", "mappings": [
            "junk", {"control": "C-1", "statement": "C-1.desc", "source_rows": [7]}, 5, {"control": "C-9", "statement": "C-9.desc"}]},
        "r-b": {"id": "r-b", "kind": "managed", "guidance": "G.", "mappings": "not a list"},
        "r-c": {"id": "r-c", "kind": "managed", "guidance": "G.", "mappings": ["junk"]},
    }
    notes: list[str] = []
    rules = plan_rules(rows, existing, {1: "C-1.desc", 2: "C-1.desc"}, {}, notes)
    assert rules["r-a"]["mappings"] == [
        "junk", {"control": "C-1", "statement": "C-1.desc", "source_rows": [1]}, 5, {"control": "C-9", "statement": "C-9.desc"}]
    assert rules["r-b"]["mappings"] == [{"control": "C-1", "statement": "C-1.desc", "source_rows": [2]}]
    assert rules["r-c"]["mappings"] == ["junk"]
    assert notes == []
    # A new mapping follows the last page mapping, past entries that are not mappings.
    rules = plan_rules(rows[:1], {"r-a": {"mappings": [{"control": "C-2", "statement": "C-2.desc", "source_rows": [3]}, "junk"]}},
                       {1: "C-1.desc"}, {}, [])
    assert rules["r-a"]["mappings"] == [
        {"control": "C-1", "statement": "C-1.desc", "source_rows": [1]}, "junk"]


def test_entries_that_are_not_statements_are_not_kept():
    """Bug: a control file with a statements entry that is not a mapping made the import crash."""
    existing = {
        "C-1": {"id": "C-1", "number": 1, "question": "Q?", "in_source": True, "statements": [
            "junk", {"id": "C-1.desc", "kind": "question-description", "text": "Old."}]},
        "C-2": {"id": "C-2", "number": 2, "question": "Q?", "in_source": True, "statements": 5},
    }
    notes: list[str] = []
    controls, _, _ = plan_controls([row(1, "C-1", "Q?", "D."), row(2, "C-2", "Q?", "E.")], existing, notes)
    # The one statement left is the one description, reworded: it keeps its id.
    assert controls["C-1"]["statements"] == [{"id": "C-1.desc", "kind": "question-description", "text": "D."}]
    assert controls["C-2"]["statements"] == [{"id": "C-2.desc", "kind": "question-description", "text": "E."}]
    assert notes == ["C-1: statement C-1.desc text changed", "C-2: new statement C-2.desc"]


def test_question_numbers_come_from_the_whole_id():
    """CIS-1.4 and CIS-2.4 are two questions: their numbers differ (not both 4) and follow the ids' order."""
    rows = [row(1, "CIS-2.4", "B?", "b."), row(2, "CIS-1.4", "A?", "a."), row(3, "CIS-1.10", "C?", "c.")]
    controls, _, _ = plan_controls(rows, {}, [])
    assert {cid: c["number"] for cid, c in controls.items()} == {"CIS-1.4": 1004, "CIS-1.10": 1010, "CIS-2.4": 2004}
    controls, _, _ = plan_controls([row(1, "SEC-8", "Q?", "d."), row(2, "SEC-11", "R?", "e.")], {}, [])
    assert controls["SEC-8"]["number"] == 8 and controls["SEC-11"]["number"] == 11
    # A curated number is kept.
    controls, _, _ = plan_controls([row(1, "CIS-1.4", "A?", "a.")], {"CIS-1.4": {"id": "CIS-1.4", "number": 3}}, [])
    assert controls["CIS-1.4"]["number"] == 3


def test_every_question_id_of_the_page_is_a_control_id_of_the_schema():
    from conformap.load import schema
    from conformap.parse.aws_page import CONTROL_ID, question_number

    for cid in ("SEC-1", "SEC-11", "CIS-1.4", "CIS-2.4", "NIST8-3.1.20", "A-0"):
        assert CONTROL_ID.fullmatch(cid) and schema.is_id("control_id", cid), cid
    for bad in ("SEC8", "sec-8", "CIS-1.1000", "SEC-8.", "SEC-8\n"):
        assert CONTROL_ID.fullmatch(bad) is None, bad
    with pytest.raises(ValueError, match="not a question id"):
        question_number("SEC8")
