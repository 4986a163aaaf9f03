"""The document cache: files whose bytes already passed their schema are neither parsed nor checked
again, and nothing else changes: errors are always found again (with the same positions), and any
change to a schema or to the code that reads documents empties the cache."""

from __future__ import annotations

import re
import shutil

import conformap
from conformap.load import cache as doccache
from conformap.load.yamlio import MAX_FILE_BYTES
from conformap.load import schema
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
    (code / "load" / "yamlio.py").write_text((code / "load" / "yamlio.py").read_text() + "\n", encoding="utf-8")
    monkeypatch.setattr(doccache, "__file__", str(code / "load" / "cache.py"))
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



def test_where_the_cache_lives(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    for value in (None, ""):  # unset or empty: the default
        if value is None:
            monkeypatch.delenv("CONFORMAP_CACHE_DIR", raising=False)
        else:
            monkeypatch.setenv("CONFORMAP_CACHE_DIR", value)
        where = doccache.folder()
        assert where.parent == tmp_path / "home" / ".cache" / "conformap"
        assert re.fullmatch(r"docs-[0-9a-f]{20}", where.name)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert doccache.folder().parent == tmp_path / "xdg" / "conformap"
    monkeypatch.setenv("CONFORMAP_CACHE_DIR", str(tmp_path / "mine"))
    assert doccache.folder().parent == tmp_path / "mine"


def _doc_cache(tmp_path, monkeypatch) -> doccache.DocCache:
    monkeypatch.setenv("CONFORMAP_CACHE_DIR", str(tmp_path / "cache"))
    return doccache.DocCache()


YAML = b"id: x\nlist:\n  - a\n  -\n    b: 1\nkey:\n  value\n"


def test_a_document_read_back_from_the_cache(tmp_path, monkeypatch):
    """The entry holds the data; the document knows its file, digest and bytes, and finds its positions
    (value and key) by parsing when first asked, the same as a document read without the cache."""
    file = tmp_path / "x.yaml"
    file.write_bytes(YAML)
    first = _doc_cache(tmp_path, monkeypatch)
    doc = first.read(file, "rule", "shown/x.yaml")
    assert not isinstance(doc, doccache.CachedDocument) and doc.file == "shown/x.yaml" and not first.has("rule", doc.digest)
    first.add("rule", doc)
    first.save()
    assert first.new == {}
    (entry,) = doccache.folder().iterdir()
    assert entry.name == f"rule-{doc.digest}.json"
    again = doccache.DocCache()
    cached = again.read(file, "rule", "shown/x.yaml")
    assert isinstance(cached, doccache.CachedDocument) and again.has("rule", doc.digest) and not again.has("control", doc.digest)
    assert (cached.file, cached.data, cached.digest, cached.raw, cached.diagnostics) == ("shown/x.yaml", doc.data, doc.digest, YAML, [])
    assert again.read(file, "control", "x").data == doc.data and not again.has("control", doc.digest)  # another kind: parsed
    for path, key in ((("key",), True), (("key",), False), (("list", 1, "b"), False), (("list", 1, "b"), True), ((), False)):
        assert cached.mark(path, key=key) == doc.mark(path, key=key), (path, key)
    assert cached.mark(("key",), key=True) == (6, 1) and cached.mark(("key",)) == (7, 3)
    assert cached.error(("key",), "m", key=True).line == 6


def test_files_the_cache_cannot_take_are_read_as_usual(tmp_path, monkeypatch):
    cache = _doc_cache(tmp_path, monkeypatch)
    folder = tmp_path / "a-folder.yaml"
    folder.mkdir()
    doc = cache.read(folder, "rule", "shown/a-folder.yaml")
    assert [(d.file, d.line, d.message[:16]) for d in doc.diagnostics] == [("shown/a-folder.yaml", 0, "cannot read file")]
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: 1\n#" + b"x" * (MAX_FILE_BYTES - 7) + b"\n")
    assert big.stat().st_size == MAX_FILE_BYTES
    assert cache.read(big, "rule", "shown/big.yaml").data == {"a": 1}
    big.write_bytes(b"a: 1\n#" + b"x" * (MAX_FILE_BYTES - 6) + b"\n")
    (d,) = cache.read(big, "rule", "shown/big.yaml").diagnostics
    assert d.file == "shown/big.yaml" and "the limit is" in d.message
    missing = cache.read(tmp_path / "gone.yaml", "rule", "shown/gone.yaml")
    assert [d.file for d in missing.diagnostics] == ["shown/gone.yaml"]


def test_saving_twice_and_a_cache_that_cannot_be_written(tmp_path, monkeypatch):
    file = tmp_path / "x.yaml"
    file.write_bytes(YAML)
    cache = _doc_cache(tmp_path, monkeypatch)
    for n, kind in enumerate(("rule", "control"), 1):
        cache.add(kind, cache.read(file, kind, "x"))
        cache.save()  # the folder exists the second time
        assert len(list(doccache.folder().iterdir())) == n
    blocked = doccache.folder() / f"errata-{cache.read(file, 'rule', 'x').digest}.json"
    blocked.mkdir()  # an entry that cannot be replaced
    cache.add("errata", cache.read(file, "errata", "x"))
    cache.save()
    assert sorted(p.name for p in doccache.folder().iterdir()) == sorted(
        [f"rule-{blocked.name[7:]}", f"control-{blocked.name[7:]}", blocked.name]
    )  # no temporary file left behind
    assert cache.new  # kept: nothing was saved
    monkeypatch.setenv("CONFORMAP_CACHE_DIR", "off")
    off = doccache.DocCache()
    off.add("rule", cache.read(file, "rule", "x"))
    off.save()
    assert off.read(file, "rule", "x").data["id"] == "x" and not off.has("rule", blocked.name[7:-5])


def test_a_write_that_fails_leaves_nothing(tmp_path, monkeypatch):
    """A full disk: the entry's temporary file is never made, and saving gives up quietly."""
    file = tmp_path / "x.yaml"
    file.write_bytes(YAML)
    cache = _doc_cache(tmp_path, monkeypatch)
    cache.add("rule", cache.read(file, "rule", "x"))

    def full(self, data):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(doccache.Path, "write_bytes", full)
    cache.save()
    assert list(doccache.folder().iterdir()) == [] and cache.new
