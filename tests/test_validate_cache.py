"""The document cache: files whose bytes already passed their schema are neither parsed nor checked
again, and nothing else changes: errors are always found again (with the same positions), and any
change to a schema or to the code that reads documents empties the cache."""

from __future__ import annotations

import shutil

import conformap
from conformap.catalog import cache as doccache
from conformap.catalog import schema
from conformap.cli import main


def _calls(monkeypatch, module, name):
    seen = []
    real = getattr(module, name)

    def spy(*args, **kwargs):
        seen.append(args[0] if module is schema else args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, spy)
    return seen


def test_second_run_reads_and_checks_only_changed_files(tmp_path, monkeypatch, fixtures_dir):
    monkeypatch.setenv("CONFORMAP_CACHE_DIR", str(tmp_path / "cache"))
    cat = tmp_path / "catalog"
    shutil.copytree(fixtures_dir / "mini", cat)
    checked = _calls(monkeypatch, schema, "errors")
    parsed = _calls(monkeypatch, doccache, "read_yaml_text")
    first, _ = conformap.validate(cat)
    n_files = len(checked)
    assert first is not None and n_files >= 5 and len(parsed) == n_files
    checked.clear()
    parsed.clear()
    again, _ = conformap.validate(cat)
    assert checked == [] and parsed == [] and again == first
    rule = sorted((cat / "rules").iterdir())[0]
    rule.write_text(rule.read_text(encoding="utf-8") + "# a comment\n", encoding="utf-8")
    assert conformap.validate(cat)[0] == first
    assert checked == ["rule"] and len(parsed) == 1 and parsed[0].endswith(f"rules/{rule.name}")


def test_errors_are_never_cached(tmp_path, monkeypatch, fixtures_dir, capsys):
    monkeypatch.setenv("CONFORMAP_CACHE_DIR", str(tmp_path / "cache"))
    cat = tmp_path / "catalog"
    shutil.copytree(fixtures_dir / "mini", cat)
    rule = sorted((cat / "rules").iterdir())[0]
    rule.write_text(rule.read_text(encoding="utf-8").replace("kind: managed", "kind: magic", 1), encoding="utf-8")
    for _ in range(2):
        assert main(["validate", str(cat)]) == 1
        assert "'magic' is not one of" in capsys.readouterr().out


def test_a_cached_file_reports_later_problems_at_the_same_position(tmp_path, monkeypatch, fixtures_dir, capsys):
    """A referential error in a file read from the cache: the file is parsed again for its position."""
    cat = tmp_path / "catalog"
    shutil.copytree(fixtures_dir / "mini", cat)
    control = sorted((cat / "controls").iterdir())[0]
    control.unlink()  # every mapping to it is now a dangling reference, in rule files that did not change
    monkeypatch.setenv("CONFORMAP_CACHE_DIR", "off")
    assert main(["validate", str(cat)]) == 1
    uncached = capsys.readouterr().out
    assert ":" in uncached and "rules/" in uncached
    monkeypatch.setenv("CONFORMAP_CACHE_DIR", str(tmp_path / "cache"))
    shutil.copy(fixtures_dir / "mini" / "controls" / control.name, control)
    assert main(["validate", str(cat)]) == 0  # fills the cache with every file
    control.unlink()
    capsys.readouterr()
    assert main(["validate", str(cat)]) == 1
    assert capsys.readouterr().out == uncached


def test_a_schema_or_code_change_empties_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CONFORMAP_CACHE_DIR", str(tmp_path / "cache"))
    before = doccache.folder()
    assert before is not None and before.parent == tmp_path / "cache"
    fake_schemas = tmp_path / "schema"
    shutil.copytree(schema.paths.SCHEMA_DIR, fake_schemas)
    (fake_schemas / "rule.schema.json").write_text((fake_schemas / "rule.schema.json").read_text() + " ", encoding="utf-8")
    monkeypatch.setattr(schema.paths, "SCHEMA_DIR", fake_schemas)
    assert doccache.folder() not in (None, before)
    monkeypatch.undo()
    monkeypatch.setenv("CONFORMAP_CACHE_DIR", str(tmp_path / "cache"))
    assert doccache.folder() == before
    code = tmp_path / "package"
    shutil.copytree(doccache.Path(doccache.__file__).parents[1], code)
    (code / "catalog" / "yamlio.py").write_text((code / "catalog" / "yamlio.py").read_text() + "\n", encoding="utf-8")
    monkeypatch.setattr(doccache, "__file__", str(code / "catalog" / "cache.py"))
    assert doccache.folder() not in (None, before)


def test_a_damaged_entry_is_ignored(tmp_path, monkeypatch, fixtures_dir):
    monkeypatch.setenv("CONFORMAP_CACHE_DIR", str(tmp_path / "cache"))
    cat = tmp_path / "catalog"
    shutil.copytree(fixtures_dir / "mini", cat)
    first, _ = conformap.validate(cat)
    entries = sorted(doccache.folder().iterdir())
    assert entries and all(e.suffix == ".json" for e in entries)
    for e in entries:
        e.write_text('{"id": ', encoding="utf-8")
    assert conformap.validate(cat)[0] == first


def test_off_and_unwritable(tmp_path, monkeypatch, fixtures_dir):
    monkeypatch.setenv("CONFORMAP_CACHE_DIR", "off")
    assert doccache.DocCache().folder is None
    blocker = tmp_path / "file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("CONFORMAP_CACHE_DIR", str(blocker / "cache"))
    cat, _ = conformap.validate(fixtures_dir / "mini")  # the cache cannot be written: validation goes on
    assert cat is not None

