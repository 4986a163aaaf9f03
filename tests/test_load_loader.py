"""The loader in one process, case by case: what validate() reports for a catalogue folder that is missing
a part, holds a link or a file of the wrong shape, and what it builds from a valid one (the file of each
record, the folder, the crosswalks, the document cache).

Each catalogue is tests/fixtures/mini copied to a temporary folder, changed by the test; the tests run
from that temporary folder, so files are named relative to it ("catalog/rules/..."), as `conformap
validate` names them. Expected lines are written by hand. These are the fast tests `make mutate` runs
against src/conformap/load/loader.py.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
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


def test_valid_files_are_remembered_in_the_document_cache(root, tmp_path, monkeypatch):
    monkeypatch.setenv("CONFORMAP_CACHE_DIR", str(tmp_path / "cache"))
    shutil.copy(SCOPES, root / "sources" / "conformance-pack-scopes.yaml")
    assert loader.validate(root)[1] == []
    (cache,) = (tmp_path / "cache").iterdir()

    def entry(kind: str, rel: str) -> str:
        return f"{kind}-{hashlib.sha256((root / rel).read_bytes()).hexdigest()}.json"

    assert {p.name for p in cache.iterdir()} == {
        entry("framework", "framework.yaml"),
        entry("errata", "errata.yaml"),
        *(entry("control", f"controls/M-{n}.yaml") for n in (1, 2, 3)),
        *(entry("rule", f"rules/{r}.yaml") for r in ("alpha-rule", "beta-rule", "gamma-check")),
        entry("pack-scopes", "sources/conformance-pack-scopes.yaml"),
    }


def test_errata_are_in_natural_order_of_their_ids(root):
    erratum = (root / "errata.yaml").read_text(encoding="utf-8").split("\n", 1)[1]  # the text after "errata:"
    text = "errata:\n" + "".join(erratum.replace("id: E1", f"id: {e}") for e in ("E10", "E2", "E1"))
    (root / "errata.yaml").write_text(text, encoding="utf-8")
    catalog, diags = loader.validate(root)
    assert diags == [] and [e.id for e in catalog.errata] == ["E1", "E2", "E10"]


def test_a_second_run_reads_every_unchanged_file_from_the_document_cache(root, tmp_path, monkeypatch):
    """Each file is looked up under its own kind: nothing is parsed again."""
    from conformap.load import cache

    monkeypatch.setenv("CONFORMAP_CACHE_DIR", str(tmp_path / "cache"))
    first = loader.validate(root)
    parsed = []
    real = cache.read_yaml_text
    monkeypatch.setattr(cache, "read_yaml_text", lambda raw, name: parsed.append(name) or real(raw, name))
    assert loader.validate(root) == first and parsed == []
