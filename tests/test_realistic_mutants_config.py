"""The realistic mutants (tests/realistic-mutants.toml, run by scripts/realistic_mutants.py) stay true: every snippet
is in the code exactly once and every test selection exists, so a mutant whose code changed fails here, in
`make test`, rather than in the next slow mutation run; and the runner's lookup and score behave as documented."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from conformap import paths

spec = importlib.util.spec_from_file_location("realistic_mutants", paths.PROJECT_ROOT / "scripts" / "realistic_mutants.py")
rm = sys.modules["realistic_mutants"] = importlib.util.module_from_spec(spec)
spec.loader.exec_module(rm)


def test_every_mutant_is_found_once_and_its_tests_exist():
    threshold, mutants = rm.load()
    assert threshold == 90 and len(mutants) >= 45
    for m in mutants:
        assert rm.locate(paths.PROJECT_ROOT, m), m.user_sees
        for t in m.tests:
            assert (paths.PROJECT_ROOT / t.split("::")[0]).is_file(), (m.user_sees, t)
    assert len({(m.module, m.original) for m in mutants}) == len(mutants), "a mutant is listed twice"


def test_every_module_users_rely_on_has_mutants():
    _, mutants = rm.load()
    names = {m.module.rsplit("/", 1)[-1] for m in mutants}
    for module in ("mappings_json.py", "mappings_csv.py", "xlsx.py", "conformance_pack.py", "oscal.py", "oscal_mapping.py", "manifest.py", "downloads.py", "stats.py", "compare.py", "importer.py", "awspage.py"):
        assert module in names, module


def _mutant(module: str, original: str) -> rm.Mutant:
    return rm.Mutant(module=module, original=original, replacement="x", user_sees="a bug", tests=[])


def test_a_moved_module_is_found_by_its_snippet_and_a_stale_or_ambiguous_one_is_an_error(tmp_path):
    (tmp_path / "src" / "pkg" / "new").mkdir(parents=True)
    (tmp_path / "src" / "pkg" / "new" / "place.py").write_text("a = 1\nb = 2\nb = 2\n", encoding="utf-8")
    assert rm.locate(tmp_path, _mutant("src/pkg/old.py", "a = 1")) == "src/pkg/new/place.py"
    with pytest.raises(rm.SetupError, match="found nowhere"):
        rm.locate(tmp_path, _mutant("src/pkg/old.py", "c = 3"))
    with pytest.raises(rm.SetupError, match="2x"):
        rm.locate(tmp_path, _mutant("src/pkg/old.py", "b = 2"))
    with pytest.raises(rm.SetupError, match="occurs 2 times"):
        rm.locate(tmp_path, _mutant("src/pkg/new/place.py", "b = 2"))


def test_the_score_is_per_module_and_leaves_reviewed_equivalents_out(capsys):
    ms = [_mutant("a.py", str(i)) for i in range(10)] + [_mutant("b.py", "x"), _mutant("b.py", "y")]
    for m in ms:
        m.status = "killed"
    ms[0].status = "survived"  # a.py: 9 of 10 = 90 %
    ms[10].status = "equivalent"  # b.py: 1 of 1
    assert rm.report(ms, 90.0) == 0
    out = capsys.readouterr().out
    assert "| `a.py` | 10 | 9 | 0 | 1 | 90 % |" in out and "| `b.py` | 2 | 1 | 1 | 0 | 100 % |" in out
    ms[1].status = "survived"  # a.py: 80 %
    assert rm.report(ms, 90.0) == 1
