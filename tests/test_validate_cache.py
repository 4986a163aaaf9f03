"""The validation cache: files whose bytes already passed their schema are not checked again, and
nothing else changes: errors are always found again, and any schema change empties the cache."""

from __future__ import annotations

import shutil

import conformap
from conformap.catalog import schema
from conformap.cli import main


def _calls(monkeypatch):
    seen = []
    real = schema.errors

    def spy(kind, data):
        seen.append(kind)
        return real(kind, data)

    monkeypatch.setattr(schema, "errors", spy)
    return seen


def test_second_run_checks_only_changed_files(tmp_path, monkeypatch, fixtures_dir):
    monkeypatch.setenv("CONFORMAP_CACHE_DIR", str(tmp_path / "cache"))
    cat = tmp_path / "catalog"
    shutil.copytree(fixtures_dir / "mini", cat)
    seen = _calls(monkeypatch)
    first, _ = conformap.validate(cat)
    n_files = len(seen)
    assert first is not None and n_files >= 5
    seen.clear()
    again, _ = conformap.validate(cat)
    assert seen == [] and again == first
    rule = next((cat / "rules").iterdir())
    rule.write_text(rule.read_text(encoding="utf-8") + "# a comment\n", encoding="utf-8")
    conformap.validate(cat)
    assert seen == ["rule"]


def test_errors_are_never_cached(tmp_path, monkeypatch, fixtures_dir, capsys):
    monkeypatch.setenv("CONFORMAP_CACHE_DIR", str(tmp_path / "cache"))
    cat = tmp_path / "catalog"
    shutil.copytree(fixtures_dir / "mini", cat)
    rule = sorted((cat / "rules").iterdir())[0]
    rule.write_text(rule.read_text(encoding="utf-8").replace("kind: managed", "kind: magic", 1), encoding="utf-8")
    for _ in range(2):
        assert main(["validate", str(cat)]) == 1
        assert "'magic' is not one of" in capsys.readouterr().out


def test_a_schema_change_invalidates_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CONFORMAP_CACHE_DIR", str(tmp_path / "cache"))
    cache = schema.ValidCache()
    cache.add("rule", "ab" * 32)
    cache.save()
    assert schema.ValidCache().has("rule", "ab" * 32)
    fake_schemas = tmp_path / "schema"
    shutil.copytree(schema.paths.SCHEMA_DIR, fake_schemas)
    (fake_schemas / "rule.schema.json").write_text((fake_schemas / "rule.schema.json").read_text() + " ", encoding="utf-8")
    monkeypatch.setattr(schema.paths, "SCHEMA_DIR", fake_schemas)
    assert not schema.ValidCache().has("rule", "ab" * 32)


def test_off_and_unwritable(tmp_path, monkeypatch, fixtures_dir):
    monkeypatch.setenv("CONFORMAP_CACHE_DIR", "off")
    assert schema.ValidCache().path is None
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("CONFORMAP_CACHE_DIR", str(blocker / "cache"))
    cat, _ = conformap.validate(fixtures_dir / "mini")  # the cache cannot be written: validation goes on
    assert cat is not None
