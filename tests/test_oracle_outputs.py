"""Every published number and cell against the independent oracle (tests/oracle/), on the real catalogue and on a
generated catalogue with the awkward cases (tests/oracle/synth.py).

The outputs are produced through the public command line (``conformap render-site OUT``: every download and page,
as the site publishes them), then read back as a user's tools read them (csv, openpyxl, yaml, JSON, the Markdown
text). The expected values come from the page snapshot, the crosswalk snapshots and the catalogue YAML only.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
import yaml
from oracle import published, synth
from oracle.derive import SNAPSHOT_FILES, Oracle

from conformap.cli import main

REAL = Path(__file__).resolve().parents[1] / "catalog"


@pytest.fixture(scope="module", params=[pytest.param("real", marks=pytest.mark.scenario), "awkward"])
def site(request, tmp_path_factory):
    """(oracle, the render-site folder) of one catalogue."""
    tmp = tmp_path_factory.mktemp(request.param)
    root = REAL if request.param == "real" else synth.awkward(tmp / "catalog")
    if request.param != "real":
        assert main(["validate", str(root)]) == 0
    out = tmp / "docs"
    assert main(["render-site", str(out), "--catalog", str(root)]) == 0
    return Oracle(root), out


def downloads(out: Path) -> Path:
    return out / "downloads"


# --------------------------------------------------------------------------- JSON


@pytest.mark.scenario
def test_json_counts_mappings_and_crosswalks(site):
    o, out = site
    data = json.loads((downloads(out) / "mappings.json").read_text(encoding="utf-8"))
    assert data["counts"] == o.counts()
    got = [(m["rule"], m["control"], m["statement"], m.get("source_rows", []), m.get("printed_statement"), m.get("rationale")) for m in data["mappings"]]
    want = [(m["rule"], m["control"], m["statement"], m["source_rows"], m["printed_statement"], m["rationale"]) for m in o.mappings]
    assert got == want
    rules = {r["rule"]: {k: v for k, v in r.items() if k != "rule"} for r in data["crosswalks"]["rules"]}
    want_rules = {r: cw for r in o.rules if any((cw := o.rule_crosswalk(r)).values())}
    assert rules == want_rules
    assert data["crosswalks"]["corroboration"] == (o.corroboration() if o.cw.docs.get("guard-registry") else [])
    hubs = [(h["id"], h["title"], h.get("severity"), h["config_rules"], h["nist_800_53_r5"], h["pci_dss_v3_2_1"], sorted(h["sources"])) for h in data["crosswalks"]["security_hub_controls"]]
    assert hubs == [(h.id, h.title, h.severity, h.rules, h.nist, h.pci, sorted(h.stated_by)) for h in o.cw.hubs]
    assert [n["id"] for n in data["crosswalks"]["nist_800_53_r5"]] == [n["id"] for n in o.cw.nist]
    # Every snapshot the catalogue holds is listed with its provenance (the developer guide's too), in one order.
    held = {name: yaml.safe_load((o.root / rel).read_text(encoding="utf-8")) for name, rel in SNAPSHOT_FILES.items() if (o.root / rel).is_file()}
    assert [(s["id"], s["source"]["repo"], s["source"]["commit"], s["source"]["license"]) for s in data["crosswalks"]["sources"]] == [
        (name, d["source"]["repo"], d["source"]["commit"], d["source"]["license"]) for name, d in held.items()
    ]


def test_json_rule_and_question_records_follow_their_files(site):
    o, out = site
    data = json.loads((downloads(out) / "mappings.json").read_text(encoding="utf-8"))
    assert [c["id"] for c in data["controls"]] == o.question_ids()
    assert [r["id"] for r in data["rules"]] == list(o.rules)
    for r in data["rules"]:
        assert len(r["mappings"]) == len(o.mappings_of_rule(r["id"])), r["id"]
        assert r.get("deprecated") == o.rules[r["id"]].get("deprecated")


# --------------------------------------------------------------------------- CSV


def test_csv_every_cell(site):
    o, out = site
    want = [{k: published.neutralised(v) for k, v in row.items()} for row in o.csv_rows()]
    assert published.csv_rows(downloads(out) / "mappings.csv") == want


def test_question_csv_every_cell_and_only_mapped_questions(site):
    o, out = site
    folder = downloads(out) / "questions"
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{q.lower()}.csv" for q in o.question_ids() if o.mappings_of(q))
    for q in o.question_ids():
        if o.mappings_of(q):
            want = [{k: published.neutralised(v) for k, v in row.items()} for row in o.csv_rows(q)]
            assert published.csv_rows(folder / f"{q.lower()}.csv") == want, q


# --------------------------------------------------------------------------- workbook


def test_workbook_every_cell(site):
    o, out = site
    book = downloads(out) / "mappings.xlsx"
    mappings = []
    for row in o.csv_rows():
        row = dict(row)
        row["deprecated"] = row["deprecated"] == "true"
        mappings.append(row)
    for name, want in (("Mappings", mappings), ("Rules", o.rule_rows()), ("Questions", o.question_rows())):
        got = published.sheet(book, name)
        want = published.blanks(want)  # an empty value is a blank cell
        assert got == want, name
        # 0 == False in Python: the types too (a boolean cell written as the number 0 reads back as 0)
        assert [{k: type(v) for k, v in r.items()} for r in got] == [{k: type(v) for k, v in r.items()} for r in want], name


def test_workbook_about_names_version_and_capture(site):
    o, out = site
    import openpyxl

    ws = openpyxl.load_workbook(downloads(out) / "mappings.xlsx")["About"]
    facts = {r[0]: r[1] for r in ws.iter_rows(min_row=1, max_row=10, values_only=True)}
    assert facts["Catalogue version"] == o.framework["version"]
    assert facts["Source snapshot captured"] == o.framework["source"]["captured"]
    assert facts["Source snapshot SHA-256"] == o.framework["source"]["sha256"]


# --------------------------------------------------------------------------- manifest


@pytest.mark.scenario
def test_manifest_rows_units_and_hashes(site):
    o, out = site
    d = downloads(out)
    manifest = json.loads((d / "manifest.json").read_text(encoding="utf-8"))
    n = len(o.mappings)
    want = {"mappings.json": (n, "mappings"), "mappings.csv": (n, "rows"), "mappings.xlsx": (n, "mappings"), "mappings.schema.json": (None, None)}
    for q in o.question_ids():
        if o.mappings_of(q):
            want[f"questions/{q.lower()}.csv"] = (len(o.mappings_of(q)), "rows")
    want["oscal/catalog.json"] = (len(o.controls), "controls")
    want["oscal/component-definition.json"] = (n, "mappings")
    if o.nist_pairs():
        want["oscal/mapping-collection.json"] = (len(o.nist_pairs()), "maps")
    for name, rules in o.published_packs().items():
        want[f"conformance-packs/{name}.yaml"] = (len(rules), "rules")
    licences = o.licence_downloads()
    want |= {path: (None, None) for path in licences}
    got: dict[str, tuple] = {}
    for f in manifest["files"]:  # a pack split into parts counts as the whole pack: its parts' rules add up
        path = re.sub(r"-part-[0-9]+\.yaml$", ".yaml", f["path"])
        rows = f["rows"] + got[path][0] if path in got else f["rows"]
        got[path] = (rows, f["unit"])
    assert got == want
    for f in manifest["files"]:
        data = (d / f["path"]).read_bytes()
        assert (f["bytes"], f["sha256"], f["version"]) == (len(data), hashlib.sha256(data).hexdigest(), o.framework["version"])
        if f["path"] in licences:
            assert data == licences[f["path"]].read_bytes(), f["path"]
    assert manifest["source"]["captured"] == o.framework["source"]["captured"]


# --------------------------------------------------------------------------- OSCAL


def nist_oscal_id(nist: str) -> str:
    """NIST's OSCAL catalog writes AC-2 as ac-2 and the enhancement AC-2(1) as ac-2.1."""
    m = re.fullmatch(r"([A-Z]+-[0-9]+)(?:\(([0-9]+)\))?", nist)
    return m.group(1).lower() + (f".{m.group(2)}" if m.group(2) else "")


def test_oscal_mapping_collection_every_pair_and_map(site):
    o, out = site
    path = downloads(out) / "oscal" / "mapping-collection.json"
    pairs = o.nist_pairs()
    assert path.exists() == bool(pairs)
    if not pairs:
        return
    maps = json.loads(path.read_text(encoding="utf-8"))["mapping-collection"]["mappings"][0]["maps"]
    got = []
    for m in maps:
        rules = [p["value"] for p in m["props"] if p["name"] == "shared-rule"]
        hubs = {r: [p["value"] for p in m["props"] if p["name"] == "security-hub-control" and p["remarks"] == r] for r in rules}
        nist = m["targets"][0]["remarks"].split(":")[0]
        assert m["targets"][0]["id-ref"] == nist_oscal_id(nist)
        got.append({"question": m["sources"][0]["id-ref"].upper(), "nist": nist, "rules": rules, "hubs": hubs, "relationship": m["relationship"]})
    assert got == [{"question": p["question"], "nist": p["nist"], "rules": p["rules"], "hubs": p["hubs"], "relationship": "intersects-with"} for p in pairs]


def test_oscal_component_definition_every_rule_of_every_question_and_statement(site):
    o, out = site
    data = json.loads((downloads(out) / "oscal" / "component-definition.json").read_text(encoding="utf-8"))
    comp = data["component-definition"]["components"][0]
    assert [p["value"] for p in comp["props"] if p["name"] == "Rule_Id"] == list(o.rules)
    reqs = comp["control-implementations"][0]["implemented-requirements"]
    assert [r["control-id"] for r in reqs] == [q.lower() for q in o.question_ids() if o.mappings_of(q)]
    for req in reqs:
        q = req["control-id"].upper()
        assert [p["value"] for p in req["props"]] == o.rules_of(q)
        assert req["description"].startswith(f"{len(o.rules_of(q))} AWS Config rule")
        want = []
        for s in o.control[q].get("statements") or []:
            ms = [m for m in o.mappings_of(q) if m["statement"] == s["id"]]
            if ms:
                want.append([(m["rule"], f"source rows: {';'.join(map(str, m['source_rows']))}" if m["source_rows"] else "contributed mapping (no source row)") for m in ms])
        assert [[(p["value"], p["remarks"]) for p in st["props"]] for st in req["statements"]] == want


def test_oscal_catalog_has_every_question_and_statement(site):
    o, out = site
    data = json.loads((downloads(out) / "oscal" / "catalog.json").read_text(encoding="utf-8"))
    controls = data["catalog"]["controls"]
    assert [c["id"] for c in controls] == [q.lower() for q in o.question_ids()]
    for c in controls:
        q = o.control[c["id"].upper()]
        parts = c["parts"][0].get("parts", [])
        assert len(parts) == len(q.get("statements") or [])
        # The title is the page's wording; AWS's current wording, where it differs, is a prop beside it.
        assert c["title"] == " ".join(q["question"].split())
        assert [p["value"] for p in c["props"] if p["name"] == "current-question"] == ([" ".join(q["current_question"].split())] if q.get("current_question") else [])
        # Every best practice of the question, as the best-practice snapshot lists them.
        items = [i for part in c["parts"][1:] for i in part.get("parts", []) if part["name"] == "guidance"]
        got = [(next(p["value"] for p in i["props"] if p["name"] == "label"), i["title"]) for i in items]
        assert got == o.best_practices(q["id"]), q["id"]


# --------------------------------------------------------------------------- conformance packs


@pytest.mark.slow  # over 1.5 s of CPU: make test runs it, make test-fast does not
def test_packs_every_rule_and_parameter(site):
    o, out = site
    folder = downloads(out) / "conformance-packs"
    expected = o.published_packs()
    files = {p.name for p in folder.iterdir()}
    for name, rules in expected.items():
        got = published.pack(folder / f"{name}.yaml") if f"{name}.yaml" in files else None
        if got is None:  # split packs: every part together
            got = {}
            for part in sorted(folder.glob(f"{name}-part-*.yaml")):
                got |= published.pack(part)
        assert sorted(got) == rules, name
        for r, res in got.items():
            assert res["identifier"] == o.rules[r]["identifier"]
            assert res["inputs"] == o.pack_parameters(r), (name, r)
            assert {k: res[k] for k in ("logical_id", "parameters", "scope")} == o.pack_resource(r), (name, r)
            assert res["description"].startswith(" ".join(o.served_ids(r)) + ": "), (name, r)
            assert res["controls"] is None
            assert res["type"] == "AWS::Config::ConfigRule"
    stems = {f.split("-part-")[0].removesuffix(".yaml") for f in files}
    assert stems == set(expected)


# --------------------------------------------------------------------------- pages (Markdown of render-site)


def test_questions_index_numbers(site):
    o, out = site
    rows = published.md_table_after((out / "controls" / "index.md").read_text(encoding="utf-8"), "Question")
    assert [r["Question"] for r in rows] == o.question_ids()
    for r in rows:
        q = r["Question"]
        assert (int(r["Rules"]), int(r["Exclusive"]), int(r["Statements"])) == (len(o.rules_of(q)), len(o.exclusive(q)), len(o.control[q].get("statements") or [])), q


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def test_question_pages_numbers_rules_and_pack_link(site):
    o, out = site
    packs = o.published_packs()
    for q in o.question_ids():
        text = (out / "controls" / f"{q.lower()}.md").read_text(encoding="utf-8")
        rules = o.rules_of(q)
        if not rules:
            assert "No rule mapped" in text
            assert "## Rules" not in text
            continue
        assert f"**{_plural(len(rules), 'rule')}** · {len(o.exclusive(q))} exclusive" in text, q
        assert f"{_plural(len(rules), 'rule')} {'supports' if len(rules) == 1 else 'support'} this question" in text
        table = published.md_table_after(text, "Rule")
        assert [r["Rule"] for r in table] == rules, q  # by name, as the rules index
        for r in table:
            others = [x for x in o.questions_of(r["Rule"]) if x != q]
            assert r["Also supports"] == (", ".join(others) if others else "—")
            assert r["Deprecated"] == ("yes" if o.rules[r["Rule"]].get("deprecated") else "no")
        linked = f"../downloads/conformance-packs/{q.lower()}.yaml" in text
        assert linked == (q.lower() in packs), q
        assert f"../downloads/questions/{q.lower()}.csv" in text
        for s in o.control[q].get("statements") or []:
            n = len({m["rule"] for m in o.mappings_of(q) if m["statement"] == s["id"]})
            if n:
                assert f"{_plural(n, 'rule')} under this statement" in text


def test_rules_index_lists_every_rule_by_name_with_its_questions(site):
    o, out = site
    text = (out / "rules" / "index.md").read_text(encoding="utf-8")
    rows = published.md_table_after(text, "Rule")
    want = []
    for r, doc in o.rules.items():
        marks = (" (deprecated)" if doc.get("deprecated") else "") + (" (process check)" if doc["kind"] == "process-check" else "")
        qs = o.questions_of(r)
        want.append((r + marks, doc.get("service") or "—", ", ".join(qs) if qs else "none", "yes" if doc.get("deprecated") else "no"))
    assert [(r["Rule"], r["Service"], r["Questions"], r["Deprecated"]) for r in rows] == want
    assert f"{len(o.rules)} rules, by name." in text


def test_overlap_page_matrix_pairs_and_counts(site):
    o, out = site
    text = (out / "overlap.md").read_text(encoding="utf-8")
    matrix = published.md_table_after(text, "Question")
    qs = o.question_ids()
    for row in matrix:
        a = row["Question"]
        for b in qs:
            assert int(row[b]) == (len(o.rules_of(a)) if a == b else o.overlap(a, b)[0]), (a, b)
    section = text.split("### Pairs of questions that share rules", 1)[1].split("###", 1)[0]
    tables = published.md_tables(section)
    pairs = tables[0][1:] if tables else []
    got = [(published.md_text(a), published.md_text(b), int(published.md_text(n)), float(j)) for a, b, n, j in pairs]
    want = o.overlapping_pairs()
    assert sorted(got) == sorted(want)
    # The caption: "Sorted by Jaccard index"; ties by shared rules, then question order.
    if want:
        assert "Sorted by Jaccard index" in text
        order = {q: i for i, q in enumerate(qs)}
        assert got == sorted(got, key=lambda p: (-p[3], -p[2], order[p[0]], order[p[1]]))
    by_count = published.md_table_after(text, "Questions supported")
    assert [(int(r["Questions supported"]), int(r["Rules"])) for r in by_count] == [(k, len(v)) for k, v in o.rules_by_question_count().items()]
    for k, members in o.rules_by_question_count().items():
        assert f"**Supporting {_plural(k, 'question')}** ({_plural(len(members), 'rule')})" in text


def test_home_page_numbers(site):
    o, out = site
    text = (out / "index.md").read_text(encoding="utf-8")
    c = o.counts()
    tiles = dict((label, value) for value, label in re.findall(r'cm-tile__value">([^<]+)</span><span class="cm-tile__label">([^<]+)<', text))
    assert tiles["questions"] == str(c["controls"])
    assert tiles["AWS Config rules"] == str(c["rules"])
    assert tiles["mappings"] == str(c["mappings"])
    assert tiles["shared rules"] == str(len(o.shared_rules()))
    assert tiles["exclusive rules"] == str(sum(1 for r in o.rules if len(o.questions_of(r)) == 1))
    assert f"{c['controls_with_rules']} with rules" in text


def test_rule_pages_mapped_alongside_ranking(site):
    o, out = site
    for r in o.rules:
        text = (out / "rules" / f"{r}.md").read_text(encoding="utf-8")
        line = next((x for x in text.splitlines() if x.startswith("- Most often mapped alongside:")), None)
        mine = set(o.questions_of(r))
        common = {x: len(mine & set(o.questions_of(x))) for x in o.rules if x != r}
        want = sorted(((x, n) for x, n in common.items() if n), key=lambda kv: (-kv[1], kv[0]))[:5]
        if line is None:
            assert not want, r
            continue
        got = [(m[0], int(m[1])) for m in re.findall(r"\[([^\]]+)\]\([^)]*\) \((\d+) questions? in common\)", line.replace("\\", ""))]
        assert got == want, r


def test_crosswalk_page_corroboration_counts(site):
    o, out = site
    page = out / "crosswalk.md"
    if not o.cw.docs.get("guard-registry"):
        return
    text = " ".join(page.read_text(encoding="utf-8").split())
    c = o.corroboration_counts()
    n = len(o.mappings)
    assert (
        f"Of the catalogue's {_plural(n, 'mapping')}, the registry maps the same rule to the same question for {c['agree']}, "
        f"maps the rule to other questions only for {c['contradicted']}, and does not map the rule at all for {c['not_covered']}."
    ) in text.replace("\\", "")


def test_downloads_page_rows_sizes_and_hashes(site):
    """The Downloads table: every file with its row count in words ("1 rule", "5 rows"), size and SHA-256."""
    o, out = site
    d = downloads(out)
    manifest = json.loads((d / "manifest.json").read_text(encoding="utf-8"))
    rows = published.md_table_after((d / "index.md").read_text(encoding="utf-8"), "File")
    by_name = {r["File"]: r for r in rows}
    for f in manifest["files"]:
        r = by_name[f["path"]]
        singular = {"rows": "row", "rules": "rule", "mappings": "mapping", "maps": "map", "controls": "control"}
        want = "—" if f["rows"] is None else _plural(f["rows"], singular[f["unit"]])
        assert r["Rows"] == want, f["path"]
        data = (d / f["path"]).read_bytes()
        assert (int(r["Bytes"]), r["SHA-256"]) == (len(data), hashlib.sha256(data).hexdigest())
    for q in o.question_ids():
        if o.mappings_of(q):
            assert by_name[f"questions/{q.lower()}.csv"]["Rows"] == _plural(len(o.mappings_of(q)), "row")


def test_overlap_coverage_by_service_sorted_by_name(site):
    """"For each AWS service, how many of its rules are mapped and which questions they support"; every list sorted,
    services by name (a rule that names no service is counted under the source's silence, listed first)."""
    o, out = site
    rows = published.md_table_after((out / "overlap.md").read_text(encoding="utf-8"), "Service")
    services: dict[str, list[str]] = {}
    for r, doc in o.rules.items():
        services.setdefault(doc.get("service") or "", []).append(r)
    want = []
    for sv in sorted(services, key=lambda s: (s != "", s)):
        qs = {q for r in services[sv] for q in o.questions_of(r)}
        want.append((sv or "not stated by the source", len(services[sv]), ", ".join(q for q in o.question_ids() if q in qs) or "none"))
    assert [(r["Service"], int(r["Rules"]), r["Questions"]) for r in rows] == want


def test_rule_pages_carry_the_developer_guide_note(site):
    """A rule's Note from the developer guide is on its page, every line of it, and only where the rule file has one.
    A reader sees AWS's links and emphasis as written (text stays text) and its code spans as code."""
    o, out = site
    for r, doc in o.rules.items():
        text = (out / "rules" / f"{r}.md").read_text(encoding="utf-8")
        assert ('!!! note "Note (AWS Config Developer Guide)"' in text) == bool(doc.get("note")), r
        shown = " ".join(published.md_text(line) for line in text.splitlines())
        for line in (doc.get("note") or "").splitlines():
            assert " ".join(re.sub(r"[*`]", "", line).split()) in shown, (r, line)  # md_text drops the marks and the tags
