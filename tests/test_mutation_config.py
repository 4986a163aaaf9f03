"""`make mutate`'s configuration stays true: mutation.toml names modules and tests that exist, and every
reviewed equivalent mutant belongs to one of those modules (a moved module fails here, in `make test`,
rather than in the next slow mutation run)."""

from __future__ import annotations

import importlib.util
import sys

from conformap import paths

spec = importlib.util.spec_from_file_location("mutate", paths.PROJECT_ROOT / "scripts" / "mutate.py")
mutate = sys.modules["mutate"] = importlib.util.module_from_spec(spec)  # dataclasses look their module up
spec.loader.exec_module(mutate)


def test_every_listed_module_and_test_file_exists():
    threshold, equivalents, modules = mutate.load_config()
    assert threshold == 90 and equivalents.is_file()
    for m in modules:
        assert (paths.PROJECT_ROOT / m.path).is_file(), m.path
        assert m.path.startswith("src/") and m.tests, m.path
        for t in m.tests:
            assert (paths.PROJECT_ROOT / t.split("::")[0]).is_file(), (m.path, t)


def test_every_equivalent_names_a_listed_module_and_gives_a_reason():
    _, equivalents, modules = mutate.load_config()
    entries = mutate.load_equivalents(equivalents)
    assert entries
    names = {m.dotted for m in modules}
    for mutant, (line, reason) in entries.items():
        assert mutant.rsplit(".", 1)[0] in names, mutant
        assert "__mutmut_" in mutant and line and len(reason) > 10, mutant


def test_the_modules_not_measured_are_listed_and_those_users_rely_on_are_measured(tmp_path):
    _, _, modules = mutate.load_config()
    rest = mutate.unmeasured(modules)
    listed = {m.path for m in modules}
    assert not listed & set(rest)
    for must in ("outputs/conformance_pack.py", "outputs/oscal.py", "outputs/oscal_mapping.py", "site/pages.py", "ingest/source_import.py", "ingest/source_specs.py", "parse/reading.py", "parse/rule_pages.py", "parse/pack_templates.py",
                 "parse/security_hub_guide.py", "parse/oscal_catalogs.py", "parse/well_architected.py", "parse/guard.py", "analysis/sources.py", "load/fidelity.py"):
        assert "src/conformap/" + must in listed, must
    (tmp_path / "src" / "conformap" / "sub").mkdir(parents=True)
    for name in ("__init__.py", "a.py", "sub/__init__.py", "sub/b.py"):
        (tmp_path / "src" / "conformap" / name).write_text("", encoding="utf-8")
    assert mutate.unmeasured([mutate.Module("src/conformap/a.py", ["t"])], tmp_path) == ["src/conformap/sub/b.py"]
