"""One definition of every fact (docs/architecture.md's table): where a second definition can be recognised in the
source, it fails here. Each check reads the syntax tree of src/conformap/ (or the templates' text), so a
comment or a docstring naming a fact does not count, and each says which module owns the fact."""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import pytest

import conformap

PACKAGE = Path(conformap.__file__).resolve().parent
MODULES = sorted(PACKAGE.rglob("*.py"))
TEMPLATES = sorted((PACKAGE / "site" / "templates").glob("*.j2"))

# validate's summary line counts the catalogue it loaded (len(cat.mappings)): conformap.analysis imports
# networkx, about 0.25 s of `python -X importtime` on a command that takes about 0.35 s with a 0.5 s budget.
PENDING = {"commands/validate.py"}


def rel(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


@functools.cache
def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


def trees():
    for path in MODULES:
        if rel(path) not in PENDING:
            yield rel(path), parse(path)


def strings(tree: ast.AST):
    """Every string constant that is not a docstring."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node


def offenders(check, owner: str | set[str]) -> list[str]:
    owners = {owner} if isinstance(owner, str) else owner
    return [f"{name}:{line}" for name, tree in trees() if name not in owners for line in check(tree)]


def test_the_checks_see_the_package():
    assert len(MODULES) > 40 and "escape.py" in {rel(p) for p in MODULES} and TEMPLATES


@pytest.mark.scenario
def test_whitespace_is_folded_only_by_escape():
    """``" ".join(s.split())`` or a ``\\s+`` regex outside escape.py: use conformap.escape.single_line."""

    def check(tree):
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "join"
                and isinstance(node.func.value, ast.Constant)
                and node.func.value.value == " "
                and len(node.args) == 1
                and isinstance(node.args[0], ast.Call)
                and isinstance(node.args[0].func, ast.Attribute)
                and node.args[0].func.attr == "split"
                and not node.args[0].args
            ):
                yield node.lineno
        for node in strings(tree):
            if node.value in (r"\s+", r"[\s]+"):
                yield node.lineno

    assert offenders(check, "escape.py") == []


@pytest.mark.scenario
def test_markdown_is_unescaped_only_by_escape():
    """A regex that reads a backslash-escaped character back (``\\\\([...])``) outside escape.py: use
    conformap.escape.markdown_unescape."""

    def check(tree):
        yield from (node.lineno for node in strings(tree) if node.value.startswith("\\\\(["))

    assert offenders(check, "escape.py") == []


def test_columns_are_listed_only_in_columns():
    """A ``Column(...)`` or a ``*_COLUMNS`` list outside outputs/columns.py."""

    def check(tree):
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Column":
                yield node.lineno
            if isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id.endswith("_COLUMNS") for t in targets):
                    yield node.lineno

    assert offenders(check, "outputs/columns.py") == []


def _over_mappings(node: ast.AST) -> bool:
    """Whether an expression reads a catalogue's mappings or corroborations."""
    return any(
        isinstance(n, ast.Attribute) and n.attr in ("mappings", "corroborations") for n in ast.walk(node)
    )


def test_statistics_over_mappings_are_computed_only_in_analysis():
    """``len``, ``sum`` or ``Counter`` over mappings outside conformap.analysis: read the number from
    analysis.stats.Analysis (counts per rule and question, the summary) or analysis.sources.CrosswalkAnalysis."""

    def check(tree):
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("len", "sum", "Counter"):
                if any(_over_mappings(a) for a in node.args):
                    yield node.lineno

    analysis = {rel(p) for p in MODULES if rel(p).startswith("analysis/")}
    assert offenders(check, analysis) == []
    counted = [f"{t.name}:{n}" for t in TEMPLATES for n, line in enumerate(t.read_text(encoding="utf-8").splitlines(), 1) if re.search(r"\bmappings\s*\|\s*length", line)]
    assert counted == []


def test_crosswalk_queries_live_in_analysis():
    """The model holds the sources' records; what they say about rules and questions is analysis.sources'."""
    model = (PACKAGE / "model" / "crosswalk.py").read_text(encoding="utf-8")
    assert "def nist_for_rule" not in model and "def corroboration" not in model


def test_one_wording_for_a_file_that_is_no_mapping():
    """Only load/schema.py (check_document) and load/yamlio.py (an empty file) say what a catalogue file must hold."""

    def check(tree):
        yield from (node.lineno for node in strings(tree) if "YAML mapping" in node.value)

    assert offenders(check, {"load/schema.py", "load/yamlio.py"}) == []


def test_new_errors_are_kept_only_by_staging():
    """Comparing the staged catalogue's errors with the catalogue's (``staging.key``) is ingest.staging.new_errors' job."""

    def check(tree):
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ("key", "stage") and isinstance(node.value, ast.Name) and node.value.id == "staging":
                yield node.lineno

    assert offenders(check, "ingest/staging.py") == []


def test_the_page_question_id_pattern_is_defined_once():
    """The question id of AWS's page (``SEC-8``, ``CIS-1.4``) is parse.aws_page.CONTROL_ID, used by both page forms."""

    def check(tree):
        yield from (node.lineno for node in strings(tree) if "[A-Z][A-Z0-9]*-[0-9]+" in node.value)

    assert offenders(check, "parse/aws_page.py") == []
    text = (PACKAGE / "parse" / "aws_page.py").read_text(encoding="utf-8")
    assert text.count("[A-Z][A-Z0-9]*-[0-9]+") == 1


def test_drift_is_decided_by_fidelity():
    """sources check turns load.fidelity's findings into its report and decides none itself."""
    tree = ast.parse((PACKAGE / "analysis" / "sources.py").read_text(encoding="utf-8"))
    called = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "fidelity"}
    assert {"page_drift", "scope_drift"} <= called
    compared = [
        n.lineno
        for n in ast.walk(tree)
        if isinstance(n, ast.Compare)
        and any(isinstance(op, ast.NotEq) for op in n.ops)
        and any(isinstance(x, ast.Attribute) and x.attr in ("identifier", "description", "note", "pack_scope_resource_types") for x in [n.left, *n.comparators])
    ]
    assert compared == []


@pytest.mark.parametrize("check", [test_whitespace_is_folded_only_by_escape, test_columns_are_listed_only_in_columns])
def test_a_second_definition_is_caught(check, monkeypatch, tmp_path):
    """The checks can fail: a module with a second definition is reported."""
    bad = tmp_path / "bad.py"
    bad.write_text('A_COLUMNS = (Column("x", "id"),)\nname = " ".join(text.split())\n', encoding="utf-8")
    monkeypatch.setattr(__import__(__name__), "MODULES", [*MODULES, bad], raising=True)
    monkeypatch.setattr(__import__(__name__), "rel", lambda p: "bad.py" if p == bad else p.relative_to(PACKAGE).as_posix())
    with pytest.raises(AssertionError):
        check()


def test_a_rules_cells_are_one_set_of_columns(real_catalog):
    """mappings_csv.rule_cells fills every table with a rule per row: each of its cells is a column, of one
    type, in both the mapping table (CSV, Mappings sheet) and the Rules sheet."""
    from conformap.analysis.sources import CrosswalkAnalysis
    from conformap.outputs import columns
    from conformap.outputs.mappings_csv import rule_cells

    cells = rule_cells(real_catalog.rules[0], CrosswalkAnalysis(real_catalog))
    mapping = {c.name: c.type for c in columns.MAPPING_COLUMNS}
    rule = {c.name: c.type for c in columns.RULE_COLUMNS}
    assert {name: mapping.get(name) for name in cells} == {name: rule.get(name) for name in cells}
    assert None not in {mapping.get(name) for name in cells}
