"""A fixed sample of hand-written mutants of the escaping and CSV code, run on every `make test`.

Slow-marked (not in `make test-fast`): each mutant forks this process and runs pytest again, about
0.7 s of CPU each, half of what test-fast would otherwise spend; the tests it runs are all in test-fast.

`make mutate` (mutmut, too slow for every run) mutates code inside functions only; the most dangerous
bugs in these two modules are one-character edits of module-level tables (an entity or a formula
trigger dropped), so they are planted here by hand. For each mutant: a forked copy of this process
re-executes the module's source with the one edit in the module's own namespace, runs the suite's
tests of that module with pytest, and must see a test fail. A mutant whose original text is no longer
in the module fails this test: the code moved or changed, so update the sample (it is reviewed code).
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow

# The module (import name), the suite's tests that must catch its bugs, and its mutants: (original, mutant).
ESCAPE = "conformap.escape"
ESCAPE_TESTS = [
    "tests/test_escape.py::test_every_markdown_escape_is_used",
    "tests/test_escape.py::test_html_specials_and_tilde_become_entities",
    "tests/test_escape.py::test_control_characters_are_removed_not_replaced",
    "tests/test_escape.py::test_whitespace_runs_become_one_space_and_ends_are_trimmed",
    "tests/test_escape.py::test_https_urls_are_percent_encoded_where_markdown_could_read_them",
    "tests/test_escape.py::test_tilde_becomes_an_entity_in_every_text_helper",
]
CSV = "conformap.outputs.mappings_csv"
CSV_TESTS = [
    "tests/test_export.py::test_csv_safe",
    "tests/test_escape.py::test_every_full_width_formula_trigger_is_neutralised",
    "tests/test_export_formats.py::test_csv_has_crlf_rows_and_quotes_only_where_needed",
    "tests/test_export.py::test_csv_is_rfc4180_with_neutralised_formulas",
]
MUTANTS = {
    "escape: '~' no longer an entity": (ESCAPE, ', "~": "&#126;"}', "}"),
    "escape: '&' no longer an entity": (ESCAPE, '{"&": "&amp;", ', "{"),
    "escape: '<' no longer an entity": (ESCAPE, '"<": "&lt;", ', ""),
    "escape: '\"' no longer an entity": (ESCAPE, "'\"': \"&quot;\", ", ""),
    "escape: '|' not backslash-escaped": (ESCAPE, '(\"\\\\`*_{}[]()#+-.!|\")', '(\"\\\\`*_{}[]()#+-.!\")'),
    "escape: '*' not backslash-escaped": (ESCAPE, '(\"\\\\`*_{}', '(\"\\\\`_{}'),
    "escape: '[' not backslash-escaped": (ESCAPE, '_{}[]()#+-.!|")', '_{}]()#+-.!|")'),
    "escape: C1 control characters kept": (ESCAPE, "\\x7f-\\x9f\\ufffe", "\\x7f\\ufffe"),
    "escape: whitespace not collapsed": (ESCAPE, '_WHITESPACE.sub(" ", str(value))', "str(value)"),
    "escape: parentheses left in URLs": (ESCAPE, '_URL_SAFE = "-._~:/?#@$&+,;=%"', '_URL_SAFE = "-._~:/?#@$&+,;=%()"'),
    "csv: full-width minus not a trigger": (ESCAPE, '"\\uff0b", "\\uff0d", ', '"\\uff0b", '),
    "csv: full-width equals not a trigger": (ESCAPE, '"\\uff1d", ', ""),
    "csv: '@' not a trigger": (ESCAPE, '"-", "@", ', '"-", '),
    "csv: tab not a trigger": (ESCAPE, '"@", "\\t", ', '"@", '),
    "csv: carriage return not a trigger": (ESCAPE, '"\\t", "\\r", ', '"\\t", '),
    "csv: spaces before a trigger hide it": (ESCAPE, 'value.lstrip(" ").startswith', "value.startswith"),
    "csv: cells not neutralised": (CSV, "{k: spreadsheet_cell(_text(v)) for k, v in row.items()}", "{k: _text(v) for k, v in row.items()}"),
    "csv: LF instead of CRLF": (CSV, 'lineterminator="\\r\\n"', 'lineterminator="\\n"'),
}


@pytest.fixture(scope="module", autouse=True)
def warm_imports():
    """Import the sampled test files once here, so that each forked pytest finds them loaded."""
    for name in {t.split("::")[0] for t in ESCAPE_TESTS + CSV_TESTS}:
        importlib.import_module(Path(name).stem)


def run_tests_against(module_name: str, source: str, tests: list[str]) -> int:
    """pytest's exit code for ``tests`` in a forked process whose ``module_name`` runs ``source``."""
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 99
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            module = importlib.import_module(module_name)
            exec(compile(source, module.__file__, "exec"), module.__dict__)
            package = module_name.rpartition(".")[0]
            if package != "conformap":  # e.g. conformap.outputs keeps its formats' functions in a table
                importlib.reload(importlib.import_module(package))
            code = int(pytest.main([*tests, "-x", "-q", "-p", "no:cacheprovider", "--rootdir", str(ROOT)]))
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
@pytest.mark.parametrize("name", sorted(MUTANTS))
def test_the_suite_kills_the_mutant(name, monkeypatch):
    module_name, original, mutant = MUTANTS[name]
    source = Path(importlib.import_module(module_name).__file__).read_text(encoding="utf-8")
    assert source.count(original) == 1, f"{name}: {original!r} is not (once) in {module_name}: update the sample"
    tests = CSV_TESTS if name.startswith("csv") else ESCAPE_TESTS
    monkeypatch.chdir(ROOT)
    code = run_tests_against(module_name, source.replace(original, mutant), tests)
    assert code == 1, f"{name}: the tests {'passed' if code == 0 else f'did not run (pytest exit {code})'}"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_the_sampled_tests_pass_on_the_real_modules(monkeypatch):
    monkeypatch.chdir(ROOT)
    for module_name, tests in ((ESCAPE, ESCAPE_TESTS), (CSV, CSV_TESTS)):
        source = Path(importlib.import_module(module_name).__file__).read_text(encoding="utf-8")
        assert run_tests_against(module_name, source, tests) == 0, module_name
