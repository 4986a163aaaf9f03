"""The loader in one process, case by case: what validate() reports for a catalogue folder that is missing
a part, holds a link or a file of the wrong shape, and what it builds from a valid one (the file of each
record, the folder, the crosswalks).

Each catalogue is tests/fixtures/mini copied to a temporary folder, changed by the test; the tests run
from that temporary folder, so files are named relative to it ("catalog/rules/..."), as `conformap
validate` names them. Expected lines are written by hand. These are the fast tests `make mutate` runs
against src/conformap/load/loader.py.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from support.catalogs import found

from conformap import paths
from conformap.load import loader
from conformap.diagnostics import Diagnostic, Severity

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SCOPES = FIXTURES / "loader" / "conformance-pack-scopes.yaml"
RULE_PAGES = FIXTURES / "loader" / "config-rule-pages.yaml"  # names gamma-check only


def at_start(file: str, message: str) -> Diagnostic:
    """A problem of a whole file or folder: no line, no column (``Diagnostic.format`` shows neither)."""
    return Diagnostic(file, 0, 0, "$", message)


def test_a_missing_folder_is_one_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert loader.validate(tmp_path / "nowhere") == (None, [at_start("nowhere", "catalogue folder not found")])


def test_no_path_means_the_default_catalogue(root, monkeypatch):
    monkeypatch.setattr(paths, "DEFAULT_CATALOG", root)
    catalog, diags = loader.validate()
    assert diags == [] and [c.id for c in catalog.controls] == ["M-1", "M-2", "M-3"]


def test_the_model_knows_its_folder_files_and_crosswalks(root):
    shutil.copy(SCOPES, root / "sources" / "conformance-pack-scopes.yaml")
    catalog, diags = loader.validate(root)
    assert diags == []
    assert catalog.root == root.resolve()
    assert [c.file for c in catalog.controls] == ["catalog/controls/M-1.yaml", "catalog/controls/M-2.yaml", "catalog/controls/M-3.yaml"]
    assert [r.file for r in catalog.rules] == ["catalog/rules/alpha-rule.yaml", "catalog/rules/beta-rule.yaml", "catalog/rules/gamma-check.yaml"]
    assert [e.id for e in catalog.errata] == ["E1"]
    assert [s.name for s in catalog.crosswalks.sources] == ["conformance-packs"]
    assert dict(catalog.crosswalks.pack_scopes) == {"ALPHA_RULE": ("AWS::S3::Bucket",)}


def test_missing_framework_and_errata_files(root):
    (root / "framework.yaml").unlink()
    (root / "errata.yaml").unlink()
    assert found(root) == [
        at_start("catalog/errata.yaml", "missing errata.yaml; a catalogue without errata has one that says 'errata: []'"),
        at_start("catalog/framework.yaml", "missing framework.yaml"),
    ]


def test_a_top_file_that_is_a_folder(root):
    (root / "errata.yaml").unlink()
    (root / "errata.yaml").mkdir()
    assert found(root) == [at_start("catalog/errata.yaml", "errata.yaml must be a regular file, not a folder")]


def test_a_missing_rules_folder(root):
    shutil.rmtree(root / "rules")
    (root / "errata.yaml").write_text("errata: []\n", encoding="utf-8")
    unused = "no rule maps to this control; set in_source: false or add mappings"
    uncited = "the snapshot's row {} ({} under {}) is cited by no rule file; add rules/{}.yaml"
    assert found(root) == [
        Diagnostic("catalog/controls/M-1.yaml", 4, 12, "$.in_source", unused, Severity.WARNING),
        Diagnostic("catalog/controls/M-2.yaml", 4, 12, "$.in_source", unused, Severity.WARNING),
        Diagnostic("catalog/framework.yaml", 8, 13, "$.source.snapshot", uncited.format(1, "alpha-rule", "M-1", "alpha-rule")),
        Diagnostic("catalog/framework.yaml", 8, 13, "$.source.snapshot", uncited.format(2, "alpha-rule", "M-2", "alpha-rule")),
        Diagnostic("catalog/framework.yaml", 8, 13, "$.source.snapshot", uncited.format(3, "beta-rule", "M-2", "beta-rule")),
        Diagnostic("catalog/framework.yaml", 8, 13, "$.source.snapshot", uncited.format(4, "gamma-check", "M-2", "gamma-check")),
        at_start("catalog/rules", "missing folder 'rules/'"),
    ]


def test_each_link_is_reported_once(root, tmp_path):
    os.symlink(root / "rules" / "alpha-rule.yaml", root / "rules" / "zeta-rule.yaml")
    shutil.move(root / "framework.yaml", tmp_path / "framework.yaml")
    os.symlink(tmp_path / "framework.yaml", root / "framework.yaml")
    assert found(root) == [
        at_start("catalog/framework.yaml", "symlinks are not allowed"),
        at_start("catalog/rules/zeta-rule.yaml", "symlinks are not allowed"),
    ]


def test_a_file_that_is_not_a_mapping(root):
    # The rule pages' snapshot names gamma-check: a rule whose file is broken is not "unknown" there too.
    shutil.copy(RULE_PAGES, root / "sources" / "config-rule-pages.yaml")
    (root / "rules" / "gamma-check.yaml").write_text("- id: gamma-check\n", encoding="utf-8")
    (root / "errata.yaml").write_text("errata: []\n", encoding="utf-8")
    assert found(root) == [Diagnostic("catalog/rules/gamma-check.yaml", 1, 1, "$", "the file must hold a YAML mapping, not a list")]


def test_mappings_in_a_bad_control_file_are_not_checked_as_a_rules_are(root):
    # A rule file that fails its schema still has its mappings' references checked; a control file does not.
    text = (root / "controls" / "M-3.yaml").read_text(encoding="utf-8")
    (root / "controls" / "M-3.yaml").write_text(text + "mappings:\n  - control: X-9\n    statement: X-9.a\n", encoding="utf-8")
    (only,) = found(root)
    assert (only.file, only.line, only.column, only.path) == ("catalog/controls/M-3.yaml", 7, 1, "$.mappings")
    assert only.message.startswith("unknown field 'mappings'; allowed fields: ")


def test_errata_are_in_natural_order_of_their_ids(root):
    erratum = (root / "errata.yaml").read_text(encoding="utf-8").split("\n", 1)[1]  # the text after "errata:"
    text = "errata:\n" + "".join(erratum.replace("id: E1", f"id: {e}") for e in ("E10", "E2", "E1"))
    (root / "errata.yaml").write_text(text, encoding="utf-8")
    catalog, diags = loader.validate(root)
    assert diags == [] and [e.id for e in catalog.errata] == ["E1", "E2", "E10"]


# Run `conformap validate` in a fresh process and record every path it opens or lists (Python's audit events).
_WATCHED_VALIDATE = """
import os, sys
from pathlib import Path
touched = []
def hook(event, args):
    if event in ("open", "os.listdir", "os.scandir", "os.mkdir", "os.rename", "os.replace", "os.symlink", "os.remove") and args:
        if isinstance(args[0], (str, bytes, os.PathLike)):
            touched.append(os.path.abspath(os.fsdecode(args[0])))
sys.addaudithook(hook)
from conformap.cli import main
code = main(["validate", sys.argv[1]])
seen = list(touched)
Path(sys.argv[2]).write_text("\\n".join(seen), encoding="utf-8")
sys.exit(code)
"""


def _plant(folder: Path, root: Path, decoy: Path) -> None:
    """Entries in the old document cache's layout (``docs-<fingerprint>/<kind>-<sha256 of the file>.json``)
    claiming that every catalogue file, as it is now, passed its schema with the data of ``decoy``; plus a
    FIFO, which blocks whoever opens it, and links to a catalogue file and out of the folder."""
    entries = folder / "docs-planted"
    entries.mkdir(parents=True)
    good = json.dumps(yaml.safe_load(decoy.read_text(encoding="utf-8")))
    for file in sorted(root.rglob("*.yaml")):
        digest = hashlib.sha256(file.read_bytes()).hexdigest()
        for kind in ("framework", "control", "rule", "errata"):
            (entries / f"{kind}-{digest}.json").write_text(good, encoding="utf-8")
    os.mkfifo(entries / "rule-fifo.json")
    (entries / "rule-link.json").symlink_to(decoy)
    (folder / "docs-elsewhere").symlink_to(root)


def _state(folder: Path) -> list[tuple[str, int, int]]:
    return sorted((str(p.relative_to(folder)), p.lstat().st_mode, p.lstat().st_mtime_ns) for p in folder.rglob("*"))


@pytest.mark.scenario
def test_nothing_cached_can_change_what_validate_reports(root, tmp_path):
    """Caches cannot lie: validate reads and checks every YAML file every time. Tampered, planted, linked and
    FIFO entries in the old cache's folders (~/.cache/conformap, $XDG_CACHE_HOME/conformap,
    $CONFORMAP_CACHE_DIR) are never opened, listed or written, and the report is the one of a clean home."""
    home, xdg, env_dir = tmp_path / "home", tmp_path / "xdg", tmp_path / "env-cache"
    decoy = root / "rules" / "beta-rule.yaml"
    bad_rule = root / "rules" / "alpha-rule.yaml"
    bad_rule.write_text(bad_rule.read_text(encoding="utf-8").replace("kind: managed", "kind: 7"), encoding="utf-8")
    for folder in (home / ".cache" / "conformap", xdg / "conformap", env_dir):
        _plant(folder, root, decoy)
    before = {f: _state(f) for f in (home, xdg, env_dir)}

    def run(env: dict[str, str]) -> tuple[subprocess.CompletedProcess, set[str]]:
        opened = tmp_path / "opened.txt"
        proc = subprocess.run(
            [sys.executable, "-c", _WATCHED_VALIDATE, str(root), str(opened)],
            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
        )
        return proc, set(opened.read_text(encoding="utf-8").splitlines())

    base = {k: v for k, v in os.environ.items() if k not in ("HOME", "XDG_CACHE_HOME", "CONFORMAP_CACHE_DIR")}
    clean, _ = run(dict(base, HOME=str(tmp_path / "empty-home")))
    planted, opened = run(dict(base, HOME=str(home), XDG_CACHE_HOME=str(xdg), CONFORMAP_CACHE_DIR=str(env_dir)))
    assert clean.returncode == planted.returncode == 1
    assert "catalog/rules/alpha-rule.yaml:2:7: $.kind: " in planted.stdout
    assert (planted.stdout, planted.stderr) == (clean.stdout, clean.stderr)
    assert not [p for p in opened if p.startswith((str(home), str(xdg), str(env_dir)))]
    assert {str(f) for f in root.rglob("*.yaml")} <= opened  # every catalogue file is read
    assert {f: _state(f) for f in (home, xdg, env_dir)} == before
