"""Each command-line option's own effect, alone and in pairs, against the oracle, on the awkward catalogue
(tests/oracle/synth.py): a swapped, ignored or misapplied option changes an asserted fact.

The awkward catalogue makes every option visible: SEC-4's only rules are a process check and a deprecated rule (no
pack without --include-deprecated), alpha serves two questions and a best practice (what --controls-key writes),
SEC-1 has two best-practice statements (--statement), and --all gives per-question, per-statement and framework packs.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

import pytest
import yaml
from oracle import published, synth
from oracle.derive import Oracle

from conformap.cli import main


@pytest.fixture(scope="module")
def awkward(tmp_path_factory) -> tuple[Oracle, Path]:
    root = synth.awkward(tmp_path_factory.mktemp("awkward") / "catalog")
    return Oracle(root), root


def export(root: Path, out: Path, *args: str) -> int:
    return main(["export", "--catalog", str(root), "--out", str(out), *args])


def pack_file(root: Path, tmp_path: Path, *args: str) -> dict[str, dict]:
    out = tmp_path / "pack.yaml"
    assert export(root, out, "--format", "conformance-pack", *args) == 0
    return published.pack(out)


# --------------------------------------------------------------------------- conformance-pack options




def test_default_pack_is_the_framework_without_deprecated_or_controls_key(awkward, tmp_path):
    o, root = awkward
    got = pack_file(root, tmp_path)
    assert sorted(got) == o.pack_rules("synth")
    assert "foxtrot" not in got
    assert all(r["controls"] is None for r in got.values())


def test_include_deprecated_alone_adds_the_deprecated_rules_and_nothing_else(awkward, tmp_path):
    o, root = awkward
    got = pack_file(root, tmp_path, "--include-deprecated")
    assert sorted(got) == o.pack_rules("synth", include_deprecated=True)
    assert "foxtrot" in got and "echo" not in got  # a process check is never deployed
    assert all(r["controls"] is None for r in got.values())


def test_controls_key_alone_adds_the_served_ids_and_changes_no_rule(awkward, tmp_path):
    o, root = awkward
    got = pack_file(root, tmp_path, "--controls-key")
    assert sorted(got) == o.pack_rules("synth")
    for r, res in got.items():
        assert res["controls"] == o.served_ids(r), r
        assert res["inputs"] == o.pack_parameters(r)


def test_controls_key_and_include_deprecated_together(awkward, tmp_path):
    o, root = awkward
    got = pack_file(root, tmp_path, "--controls-key", "--include-deprecated")
    assert sorted(got) == o.pack_rules("synth", include_deprecated=True)
    assert {r: res["controls"] for r, res in got.items()} == {r: o.served_ids(r) for r in got}


@pytest.mark.parametrize("question", ["SEC-1", "SEC-2", "SEC-5", "SEC-6", "SEC-7"])
def test_control_selects_that_questions_rules(awkward, tmp_path, question):
    o, root = awkward
    got = pack_file(root, tmp_path, "--control", question)
    assert sorted(got) == o.pack_rules(question.lower())
    for r, res in got.items():
        assert res["description"].startswith(" ".join(o.served_ids(r)) + ": ")


def test_a_question_of_process_checks_and_deprecated_rules_has_no_pack_unless_deprecated_are_included(awkward, tmp_path, capsys):
    o, root = awkward
    out = tmp_path / "pack.yaml"
    assert export(root, out, "--format", "conformance-pack", "--control", "SEC-4") == 1
    assert not out.exists()
    assert "no deployable rule" in capsys.readouterr().err
    got = pack_file(root, tmp_path, "--control", "SEC-4", "--include-deprecated")
    assert sorted(got) == ["foxtrot"] == o.pack_rules("sec-4", include_deprecated=True)


def test_control_with_controls_key(awkward, tmp_path):
    o, root = awkward
    got = pack_file(root, tmp_path, "--control", "SEC-2", "--controls-key")
    assert got["delta"]["controls"] == o.served_ids("delta") == ["SEC-1", "SEC01-BP02", "SEC-2"]


@pytest.mark.parametrize("statement,rules", [("SEC-1.BP01", ["alpha", "bravo"]), ("SEC-1.BP02", ["delta"])])
def test_statement_selects_that_best_practices_rules(awkward, tmp_path, statement, rules):
    o, root = awkward
    got = pack_file(root, tmp_path, "--statement", statement)
    assert sorted(got) == rules == o.pack_rules(statement.lower().replace(".", "-"))


def test_statement_with_controls_key_and_include_deprecated(awkward, tmp_path):
    o, root = awkward
    got = pack_file(root, tmp_path, "--statement", "SEC-1.BP01", "--controls-key", "--include-deprecated")
    assert {r: res["controls"] for r, res in got.items()} == {"alpha": ["SEC-1", "SEC01-BP01", "SEC-5"], "bravo": ["SEC-1", "SEC01-BP01", "SEC-5"]}


def test_a_question_description_has_no_statement_pack(awkward, tmp_path, capsys):
    _, root = awkward
    out = tmp_path / "pack.yaml"
    assert export(root, out, "--format", "conformance-pack", "--statement", "SEC-5.desc") == 1
    assert not out.exists()


def _all(root: Path, folder: Path, *args: str) -> dict[str, dict[str, dict]]:
    assert export(root, folder, "--format", "conformance-pack", "--all", *args) == 0
    return {p.stem: published.pack(p) for p in sorted(folder.iterdir())}


def test_all_writes_every_pack(awkward, tmp_path):
    o, root = awkward
    got = _all(root, tmp_path / "packs")
    assert {name: sorted(p) for name, p in got.items()} == o.published_packs()
    assert all(r["controls"] is None for p in got.values() for r in p.values())


def test_all_with_include_deprecated(awkward, tmp_path):
    o, root = awkward
    got = _all(root, tmp_path / "packs", "--include-deprecated")
    assert {name: sorted(p) for name, p in got.items()} == o.published_packs(include_deprecated=True)
    assert sorted(got["sec-4"]) == ["foxtrot"]


def test_all_with_controls_key(awkward, tmp_path):
    o, root = awkward
    got = _all(root, tmp_path / "packs", "--controls-key")
    assert {name: sorted(p) for name, p in got.items()} == o.published_packs()
    assert all(r["controls"] == o.served_ids(n) for p in got.values() for n, r in p.items())


def test_control_and_statement_cannot_be_combined(awkward, tmp_path):
    _, root = awkward
    with pytest.raises(SystemExit) as exc:
        export(root, tmp_path / "p.yaml", "--format", "conformance-pack", "--control", "SEC-1", "--statement", "SEC-1.BP01")
    assert exc.value.code == 2


@pytest.mark.parametrize("option", ["--controls-key", "--include-deprecated", "--all"])
def test_pack_options_are_refused_for_other_formats(awkward, tmp_path, option, capsys):
    _, root = awkward
    out = tmp_path / "x.json"
    assert export(root, out, "--format", "json", option) == 1
    assert not out.exists()
    assert "apply to --format conformance-pack only" in capsys.readouterr().err


# --------------------------------------------------------------------------- every export format


def test_each_format_writes_its_own_document(awkward, tmp_path):
    o, root = awkward
    outs = {}
    for fmt in ("json", "csv", "aws-text", "xlsx", "oscal-catalog", "oscal-component-definition", "oscal-mapping-collection"):
        outs[fmt] = tmp_path / (f"out-{fmt}.xlsx" if fmt == "xlsx" else f"out-{fmt}")
        assert export(root, outs[fmt], "--format", fmt) == 0, fmt
    assert json.loads(outs["json"].read_text(encoding="utf-8"))["counts"] == o.counts()
    rows = list(csv.DictReader(io.StringIO(outs["csv"].read_bytes().decode("utf-8"), newline="")))
    assert rows == [{k: published.neutralised(v) for k, v in r.items()} for r in o.csv_rows()]
    assert outs["aws-text"].read_text(encoding="utf-8") == o.aws_text()
    assert published.sheet(outs["xlsx"], "Questions") == o.question_rows()
    assert set(json.loads(outs["oscal-catalog"].read_text(encoding="utf-8"))) == {"catalog"}
    assert set(json.loads(outs["oscal-component-definition"].read_text(encoding="utf-8"))) == {"component-definition"}
    maps = json.loads(outs["oscal-mapping-collection"].read_text(encoding="utf-8"))["mapping-collection"]["mappings"][0]["maps"]
    assert len(maps) == len(o.nist_pairs())
    assert len({hashlib.sha256(p.read_bytes()).hexdigest() for p in outs.values()}) == len(outs)


def test_mapping_collection_is_refused_without_the_nist_crosswalk(tmp_path, capsys):
    root = synth.awkward(tmp_path / "catalog", crosswalks=False)
    out = tmp_path / "mc.json"
    assert export(root, out, "--format", "oscal-mapping-collection") == 1
    assert not out.exists()


# --------------------------------------------------------------------------- import-aws-page --allow-removals


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _page_without(tmp_path: Path, drop: set[int]) -> Path:
    rows = [r for n, r in enumerate(synth.ROWS, 1) if n not in drop]
    page = tmp_path / "new-page.txt"
    page.write_text(synth.page_text(rows), encoding="utf-8")
    return page


def test_an_import_that_removes_a_mapping_is_refused_without_allow_removals(tmp_path, capsys):
    root = synth.awkward(tmp_path / "catalog")
    before = _snapshot(root)
    page = _page_without(tmp_path, {12})  # golf on SEC-6
    assert main(["import-aws-page", str(page), "--catalog", str(root)]) != 0
    assert _snapshot(root) == before
    assert "--allow-removals" in capsys.readouterr().err


def test_allow_removals_n_allows_exactly_n(tmp_path):
    root = synth.awkward(tmp_path / "catalog")
    before = _snapshot(root)
    page = _page_without(tmp_path, {12, 13})  # golf on SEC-6 and lima on SEC-7: two mappings
    assert main(["import-aws-page", str(page), "--catalog", str(root), "--allow-removals", "1"]) != 0
    assert _snapshot(root) == before
    assert main(["import-aws-page", str(page), "--catalog", str(root), "--allow-removals", "2"]) == 0
    assert main(["validate", str(root)]) == 0
    o = Oracle(root)
    assert [q for q in o.question_ids() if o.rules_of(q)] == ["SEC-1", "SEC-2", "SEC-4", "SEC-5", "SEC-6"]
    assert o.rules_of("SEC-6") == ["lima"]
    golf = yaml.safe_load((root / "rules" / "golf.yaml").read_text(encoding="utf-8"))
    assert [m["control"] for m in golf["mappings"]] == ["SEC-5"]
    lima = yaml.safe_load((root / "rules" / "lima.yaml").read_text(encoding="utf-8"))
    assert [m["control"] for m in lima["mappings"]] == ["SEC-6", "SEC-2"]
    _rule_files_match_the_page(o, root)


def _rule_files_match_the_page(o: Oracle, root: Path) -> None:
    """Every rule file holds exactly the mappings the (new) page states, with their rows, and its contributed ones."""
    for r in o.rules:
        doc = yaml.safe_load((root / "rules" / f"{r}.yaml").read_text(encoding="utf-8"))
        got = sorted((m["control"], m["statement"], m.get("source_rows", []), m.get("printed_statement")) for m in doc["mappings"])
        assert got == sorted((m["control"], m["statement"], m["source_rows"], m["printed_statement"]) for m in o.mappings_of_rule(r)), r


def test_allow_removals_is_not_needed_to_add(tmp_path):
    root = synth.awkward(tmp_path / "catalog")
    page = tmp_path / "page.txt"
    page.write_text(synth.page_text([*synth.ROWS, ("SEC-7", "SEC-7.desc", "golf")]), encoding="utf-8")
    assert main(["import-aws-page", str(page), "--catalog", str(root)]) == 0
    o = Oracle(root)
    assert o.rules_of("SEC-7") == ["golf", "lima"]
    _rule_files_match_the_page(o, root)
