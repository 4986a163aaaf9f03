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
