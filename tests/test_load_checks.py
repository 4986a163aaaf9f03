"""The checks across catalogue files (conformap.load.checks), in one process: each test damages a copy of
tests/fixtures/mini in one way and compares every diagnostic validate() gives, written out by hand (file,
line, column, JSON path, message, severity). Line numbers refer to the files as the test writes them.
These are the fast tests `make mutate` runs against src/conformap/load/checks.py.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from support.catalogs import found

from conformap.diagnostics import Diagnostic, Severity

WARNING = Severity.WARNING
UNUSED = "no rule maps to this control; set in_source: false or add mappings"
M3 = "catalog/controls/M-3.yaml"
FRAMEWORK = "catalog/framework.yaml"
SNAPSHOT = "sources/aws-page.txt"
RULE_FIELDS = ", ".join(sorted([  # rule.schema.json's properties
    "id", "kind", "identifier", "service", "trigger", "description", "documentation_url", "resource_types", "resource_types_current_docs",
    "regions_note", "parameters", "conformance_pack", "deprecated", "guidance", "mappings", "sources",
]))


def write(root: Path, rel: str, text: str) -> None:
    (root / rel).write_text(text, encoding="utf-8")


def edit(root: Path, rel: str, old: str, new: str) -> None:
    text = (root / rel).read_text(encoding="utf-8")
    assert text.count(old) == 1, (rel, old)
    write(root, rel, text.replace(old, new))


def test_statement_ids_and_texts_of_a_control(root):
    edit(root, "controls/M-3.yaml", "statements: []\n", """statements:
  - id: M-1.extra
    kind: best-practice
    text: Extra.
  - id: M-2.BP01
    kind: best-practice
    text: Other.
  - id: M-3.A
    kind: best-practice
    text: Same text.
  - id: M-3.a
    kind: best-practice
    text: Same text.
  - id: M-3.b
    kind: best-practice
    text: Bee.
  - id: M-3.B
    kind: best-practice
    text: Big bee.
""")
    twin = "statement id '{}' differs from '{}' only in case; the two would share one page anchor"
    assert found(root) == [
        Diagnostic(M3, 7, 9, "$.statements[0].id", "statement id 'M-1.extra' must start with the control id 'M-3.'"),
        Diagnostic(M3, 10, 9, "$.statements[1].id", "duplicate statement id 'M-2.BP01' (also in control 'M-2')"),
        Diagnostic(M3, 10, 9, "$.statements[1].id", "statement id 'M-2.BP01' must start with the control id 'M-3.'"),
        Diagnostic(M3, 15, 11, "$.statements[2].text", "the same statement text appears twice in this control; keep one"),
        Diagnostic(M3, 16, 9, "$.statements[3].id", twin.format("M-3.a", "M-3.A")),
        Diagnostic(M3, 22, 9, "$.statements[5].id", twin.format("M-3.B", "M-3.b")),
    ]


def test_control_numbers_and_a_mapped_control_without_statements(root):
    edit(root, "controls/M-3.yaml", "number: 3\n", "number: 2\n")
    write(root, "controls/M-4.yaml", "id: M-4\nnumber: 4\nquestion: How do you do the fourth thing?\nin_source: true\nstatements: []\n")
    assert found(root) == [
        Diagnostic(M3, 2, 9, "$.number", "number 2 is already used by control 'M-2'"),
        Diagnostic("catalog/controls/M-4.yaml", 4, 12, "$.in_source", UNUSED, WARNING),
        Diagnostic("catalog/controls/M-4.yaml", 5, 13, "$.statements", "a control the source maps must have at least one statement"),
    ]


def test_rows_beyond_the_page_and_successors(root):
    delta = "catalog/rules/delta-rule.yaml"
    write(root, "rules/delta-rule.yaml", """id: delta-rule
kind: managed
identifier: DELTA_RULE
guidance: Delta guidance.
mappings:
  - control: M-1
    statement: M-1.desc
    source_rows: [9]
deprecated:
  successor: delta-rule
  reason: Replaced.
""")
    write(root, "rules/epsilon-rule.yaml", """id: epsilon-rule
kind: managed
identifier: EPSILON_RULE
guidance: Epsilon guidance.
mappings: []
deprecated:
  successor: omega-rule
  reason: Replaced.
""")
    assert found(root) == [
        Diagnostic(delta, 8, 19, "$.mappings[0].source_rows[0]", "source row 9 is beyond the source's 4 rows (framework.yaml source.rows)"),
        Diagnostic(delta, 10, 14, "$.deprecated.successor", "a rule cannot be its own successor"),
        Diagnostic("catalog/rules/epsilon-rule.yaml", 5, 11, "$.mappings", "rule supports no control; add a mapping or remove the rule", WARNING),
        Diagnostic("catalog/rules/epsilon-rule.yaml", 7, 14, "$.deprecated.successor", "unknown rule 'omega-rule'; successors must have a file in rules/", WARNING),
    ]


def test_a_control_not_in_the_source_cannot_be_cited_with_rows(root):
    edit(root, "controls/M-3.yaml", "statements: []\n", "statements:\n  - id: M-3.a\n    kind: best-practice\n    text: Third.\n")
    write(root, "rules/delta-rule.yaml", "id: delta-rule\nkind: managed\nidentifier: DELTA_RULE\nguidance: Delta guidance.\nmappings:\n  - control: M-3\n    statement: M-3.a\n    source_rows: [1]\n")
    delta = "catalog/rules/delta-rule.yaml"
    assert found(root) == [
        Diagnostic(delta, 6, 14, "$.mappings[0].control", "control 'M-3' is marked in_source: false but this mapping cites source rows"),
        Diagnostic(delta, 8, 19, "$.mappings[0].source_rows[0]", "source row 1 is already claimed by rule 'alpha-rule'"),
    ]


def test_references_of_a_rule_file_that_fails_its_schema_are_still_checked(root):
    write(root, "rules/delta-rule.yaml", """id: delta-rule
kind: managed
identifier: DELTA_RULE
guidance: Delta guidance.
colour: red
mappings:
  - not a mapping
  - control: M-1
    statement: M-1.nope
    rationale: R.
  - control: Q-1
    statement: Q-1.a
    rationale: R.
  - control: M-2
    statement: M-2.BP01
    rationale: R.
""")
    delta = "catalog/rules/delta-rule.yaml"
    diags = found(root)
    assert [(d.file, d.line, d.column, d.path) for d in diags] == [
        (delta, 5, 1, "$.colour"),
        (delta, 7, 5, "$.mappings[0]"),
        (delta, 9, 16, "$.mappings[1].statement"),
        (delta, 11, 14, "$.mappings[2].control"),
    ]
    assert diags[2].message == "unknown statement 'M-1.nope' (statements of M-1: M-1.desc)"
    assert diags[3].message == "unknown control 'Q-1' (known: M-1, M-2, M-3)"
    write(root, "rules/delta-rule.yaml", "id: delta-rule\nkind: managed\nidentifier: DELTA_RULE\nguidance: D.\nmappings: 5\n")
    assert [(d.line, d.path, d.message) for d in found(root)] == [(5, "$.mappings", "expected array, got an integer 5")]


def test_a_missing_or_unreadable_snapshot(root):
    (root / SNAPSHOT).unlink()
    assert found(root) == [Diagnostic(FRAMEWORK, 8, 13, "$.source.snapshot", "snapshot file 'sources/aws-page.txt' not found in the catalogue")]
    (root / SNAPSHOT).write_bytes(b"\xff\n")
    # sha256 of b"\xff\n", from `printf '\xff\n' | sha256sum`
    digest = "e4688624e5f1ad0629505e6768e3bb36244f2f3e33e751215afa820334a76ed3"
    assert hashlib.sha256(b"\xff\n").hexdigest() == digest
    edit(root, "framework.yaml", "1b2fce6927bba7072c2268f29c26a0246cbf2c22b50dad00c2b9e0527e9941f1", digest)
    assert found(root) == [
        Diagnostic(FRAMEWORK, 8, 13, "$.source.snapshot", "the snapshot cannot be read as UTF-8 text ('utf-8' codec can't decode byte 0xff in position 0: invalid start byte), so no mapping can be checked against it"),
    ]


def test_the_recorded_row_count_must_be_the_pages(root):
    edit(root, "framework.yaml", "  rows: 4\n", "  rows: 5\n")
    assert found(root) == [Diagnostic(FRAMEWORK, 11, 9, "$.source.rows", "the snapshot has 4 rows, not 5")]


def test_each_cited_row_is_the_rule_and_control_the_page_shows(root):
    edit(root, "rules/beta-rule.yaml", "source_rows: [3]", "source_rows: [4]")
    edit(root, "rules/gamma-check.yaml", "source_rows: [4]", "source_rows: [3]")
    edit(root, "rules/alpha-rule.yaml", "source_rows: [1]", "source_rows: [0]")
    edit(root, "rules/alpha-rule.yaml", "source_rows: [2]", "source_rows: [1]")
    edit(root, "rules/alpha-rule.yaml", "source_rows: [0]", "source_rows: [2]")
    alpha = "catalog/rules/alpha-rule.yaml"
    assert found(root) == [
        Diagnostic(alpha, 16, 19, "$.mappings[0].source_rows[0]", "source row 2 of the snapshot is under M-2, not M-1"),
        Diagnostic(alpha, 19, 19, "$.mappings[1].source_rows[0]", "source row 1 of the snapshot is under M-1, not M-2"),
        Diagnostic("catalog/rules/beta-rule.yaml", 8, 19, "$.mappings[0].source_rows[0]", "source row 4 of the snapshot is rule 'gamma-check', not 'beta-rule'"),
        Diagnostic("catalog/rules/gamma-check.yaml", 7, 19, "$.mappings[0].source_rows[0]", "source row 3 of the snapshot is rule 'beta-rule', not 'gamma-check'"),
    ]


def test_errata_ids_controls_and_rows(root):
    write(root, "errata.yaml", """errata:
  - id: E1
    kind: text
    title: One
    source_rows: [9, 4]
    rules: [beta-rule]
    controls: [M-9]
    source_shows: S.
    catalogue_does: C.
    reason: R.
  - id: E1
    kind: duplicate-row
    title: Two
    source_rows: [3, 4]
    source_shows: S.
    catalogue_does: C.
    reason: R.
  - id: E2
    kind: duplicate-row
    title: Three
    source_rows: [1]
    source_shows: S.
    catalogue_does: C.
    reason: R.
""")
    errata = "catalog/errata.yaml"
    assert found(root) == [
        Diagnostic(errata, 5, 19, "$.errata[0].source_rows[0]", "no mapping cites source row 9; update this erratum's rows to the rows its rules' mappings cite"),
        Diagnostic(errata, 5, 22, "$.errata[0].source_rows[1]", "source row 4 is cited by rule 'gamma-check', which this erratum does not name (rules: beta-rule)"),
        Diagnostic(errata, 7, 16, "$.errata[0].controls[0]", "unknown control 'M-9'"),
        Diagnostic(errata, 11, 9, "$.errata[1].id", "duplicate erratum id 'E1' (also errata[0])"),
        Diagnostic(errata, 14, 18, "$.errata[1].source_rows", "duplicate rows must be cited by one mapping (listing all of them); they are cited by beta-rule mappings[0], gamma-check mappings[0]"),
    ]


def test_a_snapshot_that_is_not_the_page(root):
    (root / SNAPSHOT).write_text("hello\n", encoding="utf-8")
    # sha256 of b"hello\n", from `printf 'hello\n' | sha256sum`
    edit(root, "framework.yaml", "1b2fce6927bba7072c2268f29c26a0246cbf2c22b50dad00c2b9e0527e9941f1", "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03")
    header = "no table header line 'Control ID Control Description AWS Config Rule Guidance' and no Markdown table with columns control id, control description, aws config rule, guidance"
    assert found(root) == [
        Diagnostic(FRAMEWORK, 8, 13, "$.source.snapshot", f"the snapshot is not AWS's page (line 1: {header}), so no mapping can be checked against it"),
    ]


def test_guidance_differences_are_shown_where_they_start(root):
    edit(root, "rules/beta-rule.yaml", "guidance: Beta guidance.", "guidance: Beta guidance")
    edit(root, "rules/alpha-rule.yaml", "apostrophe.", "apostrophe!")
    edit(root, "rules/gamma-check.yaml", "guidance: Gamma", "guidance: gamma")
    where = "differs from the snapshot's row {}, which it must copy verbatim: at character {}, the page has {!r}, the file {!r}"
    assert found(root) == [
        Diagnostic("catalog/rules/alpha-rule.yaml", 12, 11, "$.guidance", where.format(1, 43, "le’s apostrophe.", "le’s apostrophe!")),
        Diagnostic("catalog/rules/beta-rule.yaml", 4, 11, "$.guidance", where.format(3, 14, "Beta guidance.", "Beta guidance")),
        Diagnostic("catalog/rules/gamma-check.yaml", 3, 11, "$.guidance", where.format(4, 1, "Gamma guidance for a manu", "gamma guidance for a manu")),
    ]


def test_a_row_no_mapping_cites_does_not_stop_the_checks_of_later_rows(root):
    edit(root, "rules/alpha-rule.yaml", "    source_rows: [1]\n", "    rationale: Cited elsewhere.\n")
    edit(root, "rules/beta-rule.yaml", "guidance: Beta guidance.", "guidance: Beta guidance!")
    assert found(root) == [
        Diagnostic("catalog/rules/alpha-rule.yaml", 14, 3, "$.mappings", "the snapshot's row 1 maps this rule to M-1, but no mapping cites it; restore the mapping with source_rows: [1], or record an erratum"),
        Diagnostic("catalog/rules/beta-rule.yaml", 4, 11, "$.guidance", "differs from the snapshot's row 3, which it must copy verbatim: at character 14, the page has 'Beta guidance.', the file 'Beta guidance!'"),
    ]


def test_a_snapshot_that_cannot_be_read(root, monkeypatch):
    real = Path.read_bytes

    def read_bytes(path):
        if path.name == "aws-page.txt":
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    assert found(root) == [Diagnostic(FRAMEWORK, 8, 13, "$.source.snapshot", "cannot read the snapshot file 'sources/aws-page.txt': Permission denied")]


def test_a_row_whose_rule_has_no_file(root):
    (root / "rules" / "gamma-check.yaml").unlink()
    write(root, "errata.yaml", "errata: []\n")
    assert found(root) == [
        Diagnostic(FRAMEWORK, 8, 13, "$.source.snapshot", "the snapshot's row 4 (gamma-check under M-2) is cited by no rule file; add rules/gamma-check.yaml"),
    ]


def test_without_a_framework_file_rows_are_not_counted(root):
    (root / "framework.yaml").unlink()
    write(root, "rules/delta-rule.yaml", "id: delta-rule\nkind: managed\nidentifier: DELTA_RULE\nguidance: D.\nmappings:\n  - control: M-1\n    statement: M-1.desc\n    source_rows: [9]\n")
    assert found(root) == [Diagnostic(FRAMEWORK, 0, 0, "$", "missing framework.yaml")]


def test_known_controls_and_statements_are_listed(root):
    write(root, "controls/M-10.yaml", "id: M-10\nnumber: 10\nquestion: How do you do the tenth thing?\nin_source: false\nstatements: []\n")
    write(root, "controls/M-4.yaml", "id: M-4\nnumber: 4\nquestion: How do you do the fourth thing?\nin_source: true\nstatements:\n  - id: M-4.a\n    kind: best-practice\n    text: Fourth.\n")
    # epsilon-rule fails its schema: its references are checked all the same, and M-4, which only it maps, is used.
    write(root, "rules/epsilon-rule.yaml", """id: epsilon-rule
kind: managed
identifier: EPSILON_RULE
guidance: E.
colour: red
mappings:
  - control: Q-1
    statement: Q-1.a
    rationale: R.
  - control: M-10
    statement: M-10.a
    rationale: R.
  - control: M-4
    statement: M-4.a
    rationale: R.
""")
    write(root, "rules/delta-rule.yaml", """id: delta-rule
kind: managed
identifier: DELTA_RULE
guidance: D.
mappings:
  - control: Q-1
    statement: Q-1.a
    rationale: R.
  - control: M-10
    statement: M-10.a
    rationale: R.
""")
    delta, epsilon = "catalog/rules/delta-rule.yaml", "catalog/rules/epsilon-rule.yaml"
    assert found(root) == [
        Diagnostic(delta, 6, 14, "$.mappings[0].control", "unknown control 'Q-1' (known: M-1, M-2, M-3, M-4, M-10)"),
        Diagnostic(delta, 10, 16, "$.mappings[1].statement", "unknown statement 'M-10.a' (statements of M-10: none)"),
        Diagnostic(epsilon, 5, 1, "$.colour", f"unknown field 'colour'; allowed fields: {RULE_FIELDS}"),
        Diagnostic(epsilon, 7, 14, "$.mappings[0].control", "unknown control 'Q-1' (known: M-1, M-2, M-3, M-4, M-10)"),
        Diagnostic(epsilon, 11, 16, "$.mappings[1].statement", "unknown statement 'M-10.a' (statements of M-10: none)"),
    ]
    for control in (root / "controls").iterdir():
        control.unlink()
    shown = found(root)
    assert Diagnostic(delta, 6, 14, "$.mappings[0].control", "unknown control 'Q-1' (known: none)") in shown
    assert Diagnostic(epsilon, 7, 14, "$.mappings[0].control", "unknown control 'Q-1' (known: none)") in shown


def test_references_to_broken_files_are_not_reported_again(root):
    edit(root, "controls/M-3.yaml", "statements: []\n", "statements: []\ncolour: red\n")
    write(root, "rules/gamma-check.yaml", "- x\n")
    write(root, "errata.yaml", "errata: []\n")
    write(root, "rules/delta-rule.yaml", """id: delta-rule
kind: managed
identifier: DELTA_RULE
guidance: D.
mappings:
  - control: M-1
    statement: M-1.desc
    rationale: R.
    printed_statement: M-3.x
  - control: M-2
    statement: M-2.BP01
    rationale: R.
    printed_statement: M-9.x
deprecated:
  successor: gamma-check
  reason: R.
""")
    control_fields = "current_question, framework_question_id, id, in_source, note, number, question, sources, statements, url"
    assert found(root) == [
        Diagnostic(M3, 7, 1, "$.colour", f"unknown field 'colour'; allowed fields: {control_fields}"),
        Diagnostic("catalog/rules/delta-rule.yaml", 13, 24, "$.mappings[1].printed_statement", "unknown statement 'M-9.x'"),
        Diagnostic("catalog/rules/gamma-check.yaml", 1, 1, "$", "the file must hold a YAML mapping, not a list"),
    ]


def test_cloudformation_syntax_is_refused_wherever_it_would_reach_a_pack(root):
    """Issue 22, class 2: a dynamic reference in any text a pack carries would be resolved by CloudFormation."""
    edit(root, "rules/alpha-rule.yaml", "guidance: Alpha guidance", "guidance: Alpha {{resolve:ssm:/prod/db-password}} guidance")
    edit(root, "rules/alpha-rule.yaml", "default: '90'", "default: '${AWS::AccountId}'")
    edit(root, "controls/M-1.yaml", "question: ", "question: x {{ Resolve :secretsmanager:x}} ")
    message = "'{}' is CloudFormation syntax (a dynamic reference or a substitution): a conformance pack would make CloudFormation resolve it, and it has no escape; reword the text"
    assert [d for d in found(root) if "CloudFormation syntax" in d.message] == [
        Diagnostic("catalog/controls/M-1.yaml", 3, 11, "$.question", message.format("{{ Resolve :")),
        Diagnostic("catalog/rules/alpha-rule.yaml", 11, 14, "$.parameters[0].default", message.format("${")),
        Diagnostic("catalog/rules/alpha-rule.yaml", 12, 11, "$.guidance", message.format("{{resolve:")),
    ]


def test_logical_ids_a_pack_would_give_twice_are_refused(root):
    """Issue 22, class 2: `gamma-1` and `gamma1` are both the resource `Gamma1`; `max.days` and `max_days` both
    the parameter `AlphaRuleParamMaxDays`: CloudFormation would reject the pack (or one would take the other's value)."""
    for rid in ("gamma-1", "gamma1"):
        write(root, f"rules/{rid}.yaml", f"id: {rid}\nkind: managed\nidentifier: {rid.upper().replace('-', '_')}\nguidance: G.\nmappings:\n"
              "  - control: M-1\n    statement: M-1.desc\n    rationale: Because.\n")
    edit(root, "rules/alpha-rule.yaml", "guidance:", "conformance_pack:\n  input_parameters: {max.days: '1', max_days: '2'}\nguidance:")
    clash = "gives the CloudFormation logical id '{}', as {} does: one pack cannot hold both; rename one"
    assert [d for d in found(root) if "logical id" in d.message] == [
        Diagnostic("catalog/rules/alpha-rule.yaml", 13, 37, "$.conformance_pack.input_parameters.max_days", clash.format("AlphaRuleParamMaxDays", "input parameter 'max.days' of rule 'alpha-rule'")),
        Diagnostic("catalog/rules/gamma1.yaml", 1, 5, "$.id", clash.format("Gamma1", "rule 'gamma-1'")),
    ]


def test_input_parameters_stay_within_cloudformation_lengths(root):
    long_name, long_value = "n" * 101, "v" * 1025
    edit(root, "rules/alpha-rule.yaml", "guidance:", f"conformance_pack:\n  input_parameters: {{{long_name}: '1', ok: '{long_value}'}}\nguidance:")
    messages = [d.message for d in found(root) if d.file.endswith("alpha-rule.yaml")]
    assert f"'{long_name}' is too long" in messages and f"'{long_value}' is too long" in messages


def test_blank_text_is_refused_by_the_schemas(root):
    """Issue 22, class 3: `service: ' '` passed and gave an OSCAL component-definition trestle rejects."""
    edit(root, "rules/alpha-rule.yaml", "service: Amazon S3", "service: ' '")
    edit(root, "controls/M-1.yaml", "question: How do you do the first thing?", "question: \"\\u3000\"")
    blank = "is blank; write the text (or leave out a field that is optional)"
    assert [d for d in found(root) if d.message == blank] == [
        Diagnostic("catalog/controls/M-1.yaml", 3, 11, "$.question", blank),
        Diagnostic("catalog/rules/alpha-rule.yaml", 4, 10, "$.service", blank),
    ]
