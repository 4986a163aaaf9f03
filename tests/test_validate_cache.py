"""The validation cache: files whose bytes already passed their schema are not checked again, and
nothing else changes: errors are always found again, and any schema change empties the cache."""

from __future__ import annotations

import hashlib
import shutil
import tempfile

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


def test_where_the_cache_lives(tmp_path, monkeypatch):
    monkeypatch.delenv("CONFORMAP_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert schema.ValidCache().path.parent == tmp_path / "xdg" / "conformap"
    monkeypatch.setenv("XDG_CACHE_HOME", "")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert schema.ValidCache().path.parent == tmp_path / "home" / ".cache" / "conformap"
    monkeypatch.setenv("CONFORMAP_CACHE_DIR", str(tmp_path / "mine"))
    # The name is a fingerprint of the schemas and of the code that reads and validates documents.
    code = schema.paths.PROJECT_ROOT / "src" / "conformap"
    h = hashlib.sha256()
    for file in [*sorted(schema.paths.SCHEMA_DIR.glob("*.schema.json")), *(code / "catalog" / f for f in ("schema.py", "yamlio.py", "strictschema.py")), code / "escape.py"]:
        h.update(file.read_bytes())
    assert schema.ValidCache().path == tmp_path / "mine" / f"valid-{h.hexdigest()[:20]}.txt"


def test_no_cache_when_a_schema_cannot_be_read(tmp_path, monkeypatch):
    monkeypatch.setenv("CONFORMAP_CACHE_DIR", str(tmp_path / "cache"))
    broken = tmp_path / "schema"
    shutil.copytree(schema.paths.SCHEMA_DIR, broken)
    (broken / "zz.schema.json").symlink_to(tmp_path / "nowhere")
    monkeypatch.setattr(schema.paths, "SCHEMA_DIR", broken)
    assert schema.ValidCache().path is None


def test_what_is_saved_and_what_is_known(tmp_path, monkeypatch):
    monkeypatch.setenv("CONFORMAP_CACHE_DIR", str(tmp_path / "deep" / "cache"))
    cache = schema.ValidCache()
    assert cache.known == set() and not cache.path.exists()
    cache.save()  # nothing learnt: nothing written
    assert not cache.path.parent.exists()
    cache.add("rule", "")  # a document without a digest is never cached
    assert cache.new == set() and not cache.has("rule", "")
    for d in ("c", "a", "d", "b"):
        cache.add("rule", d)
    monkeypatch.setattr(schema.ValidCache, "MAX_ENTRIES", 3)
    cache.save()
    assert cache.path.read_text(encoding="ascii") == "rule:b\nrule:c\nrule:d\n"  # the last 3, sorted
    again = schema.ValidCache()
    assert again.known == {"rule:b", "rule:c", "rule:d"} and again.has("rule", "c") and not again.has("control", "c")
    before = again.path.stat().st_mtime_ns
    again.add("rule", "c")
    again.save()  # nothing new: the file is left alone
    assert again.path.stat().st_mtime_ns == before and sorted(p.name for p in again.path.parent.iterdir()) == [again.path.name]
    third = schema.ValidCache()
    third.add("control", "e")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no-such-folder"))  # the temporary file is made beside the cache
    monkeypatch.setattr(schema.ValidCache, "MAX_ENTRIES", 10)
    third.save()  # into the folder that exists now
    assert third.path.read_text(encoding="ascii") == "control:e\nrule:b\nrule:c\nrule:d\n"
    again.path.write_bytes("rule:\u00e9\n".encode("utf-8"))
    assert schema.ValidCache().known == set()  # a cache that is not ASCII is unreadable: an empty one


def test_a_cache_turned_off_knows_nothing_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("CONFORMAP_CACHE_DIR", "off")
    cache = schema.ValidCache()
    cache.add("rule", "ab")
    cache.save()
    assert (cache.path, cache.known, cache.has("rule", "ab")) == (None, set(), False)
