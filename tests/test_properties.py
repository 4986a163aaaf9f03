"""Property-based tests: random valid catalogues round-trip; random damage is reported, never crashes."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.examples import examples
from support.pagegen import resnapshot

import conformap
from conformap import outputs
from conformap.outputs import conformance_pack
from conformap.load import schema
from conformap.ingest.page_import import render
from conformap.site import render_site
from conformap import routes
from conformap.model.cloudformation import resource_id

SETTINGS = settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

# Any single-line text a contributor could type: no control characters, no surrogates, no line separators,
# no bidirectional controls or zero-width characters, in Unicode NFC form (what CONTRIBUTING allows).
BIDI_AND_ZERO_WIDTH = "\u061c\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069\ufeff"
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters=BIDI_AND_ZERO_WIDTH),
    min_size=1,
    max_size=60,
).map(lambda s: unicodedata.normalize("NFC", s).strip()).filter(bool)
# A question as the page prints it: one '?', at its end (the page's text form splits question and statement there).
QUESTION = TEXT.filter(lambda s: "?" not in s).map(lambda s: s + "?")
RESERVED = {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)}
RULE_ID = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}", fullmatch=True).filter(lambda s: s not in RESERVED)


@st.composite
def catalogues(draw):
    n_controls = draw(st.integers(1, 4))
    controls = []
    for i in range(1, n_controls + 1):
        n_st = draw(st.integers(1, 3))
        texts = draw(st.lists(TEXT, min_size=n_st, max_size=n_st, unique=True))
        controls.append({
            "id": f"C-{i}",
            "number": i,
            "question": draw(QUESTION),
            "in_source": True,
            "statements": [{"id": f"C-{i}.S{j + 1}", "kind": "best-practice", "text": t} for j, t in enumerate(texts)],
        })
    statements = [(c["id"], s["id"]) for c in controls for s in c["statements"]]
    # Valid catalogues only: two ids with one CloudFormation logical id (`00`, `0-0`) are refused by validate
    # (tested below, with the packs), so the ids are unique by their logical id too.
    rule_ids = draw(st.lists(RULE_ID, min_size=1, max_size=5, unique_by=(lambda s: s, resource_id)))
    rows = iter(range(1, 10_000))
    rules = []
    for rid in rule_ids:
        chosen = draw(st.lists(st.sampled_from(statements), min_size=1, max_size=3, unique=True))
        rule = {
            "id": rid,
            "kind": "managed",
            "identifier": rid.upper().replace("-", "_"),
            "guidance": draw(TEXT),
            "mappings": [{"control": c, "statement": s, "source_rows": [next(rows)]} for c, s in chosen],
        }
        if draw(st.booleans()):
            rule["service"] = draw(TEXT)
        rules.append(rule)
    # Every control needs a rule, else validation warns (warnings are fine, but keep the data tidy).
    mapped = {m["control"] for r in rules for m in r["mappings"]}
    for c in controls:
        c["in_source"] = c["id"] in mapped
    return {"controls": controls, "rules": rules}


def write_catalogue(root: Path, data: dict) -> None:
    (root / "controls").mkdir(parents=True, exist_ok=True)
    (root / "rules").mkdir(exist_ok=True)
    (root / "sources").mkdir(exist_ok=True)
    snap = b"page\n"
    (root / "sources" / "aws-page.txt").write_bytes(snap)
    fw = {"id": "prop", "title": "Property", "publisher": "tests", "source": {
        "title": "Page", "url": "https://example.com/", "snapshot": "sources/aws-page.txt", "sha256": hashlib.sha256(snap).hexdigest()}}
    (root / "framework.yaml").write_text(render(fw, "framework", "framework.yaml"), encoding="utf-8")
    (root / "errata.yaml").write_text(render({"errata": []}, "errata", "errata.yaml"), encoding="utf-8")
    for c in data["controls"]:
        (root / "controls" / f"{c['id']}.yaml").write_text(render(c, "control", f"controls/{c['id']}.yaml"), encoding="utf-8")
    for r in data["rules"]:
        (root / "rules" / f"{r['id']}.yaml").write_text(render(r, "rule", f"rules/{r['id']}.yaml"), encoding="utf-8")
    resnapshot(root)  # the page these files state, which validate checks them against


@SETTINGS
@given(data=catalogues())
def test_random_valid_catalogues_validate_export_and_load_back(tmp_path_factory, data):
    root = tmp_path_factory.mktemp("cat")
    write_catalogue(root, data)
    cat, diags = conformap.validate(root)
    assert cat is not None, [d.format() for d in diags]
    assert [d for d in diags if d.severity.value == "error"] == []
    assert render_site(cat)  # what validate accepts, the site builds (issue 10, class 6)
    # The model holds exactly what was written.
    assert {r.id: r.guidance for r in cat.rules} == {r["id"]: r["guidance"] for r in data["rules"]}
    assert {c.id: c.question for c in cat.controls} == {c["id"]: c["question"] for c in data["controls"]}
    assert {s.id: s.text for c in cat.controls for s in c.statements} == {s["id"]: s["text"] for c in data["controls"] for s in c["statements"]}
    # The JSON export is valid JSON for any Unicode and carries the same texts and mappings.
    exported = json.loads(outputs.render(cat, "json").decode("utf-8"))
    assert {r["id"]: r["guidance"] for r in exported["rules"]} == {r["id"]: r["guidance"] for r in data["rules"]}
    want = {(r["id"], m["control"], m["statement"]) for r in data["rules"] for m in r["mappings"]}
    assert {(m["rule"], m["control"], m["statement"]) for m in exported["mappings"]} == want
    # Loading twice gives the same model; exporting twice the same bytes.
    assert outputs.render(conformap.load(root), "csv") == outputs.render(cat, "csv")


MUTATIONS = st.one_of(
    st.tuples(st.just("delete"), st.integers(0, 10_000), st.integers(1, 40)),
    st.tuples(st.just("insert"), st.integers(0, 10_000), st.binary(min_size=1, max_size=8)),
    st.tuples(st.just("insert"), st.integers(0, 10_000), st.sampled_from([b":", b"- ", b"\t", b"&a ", b"*a", b"{", b"'", b'"', b"\n  ", b"!!python/object:os.system", b"\xff", b"\x00", b"<<: "])),
    st.tuples(st.just("truncate"), st.integers(0, 10_000), st.just(0)),
)


@SETTINGS
@given(data=catalogues(), mutation=MUTATIONS, which=st.integers(0, 100))
def test_random_damage_is_reported_never_crashes(tmp_path_factory, data, mutation, which):
    root = tmp_path_factory.mktemp("cat")
    write_catalogue(root, data)
    files = sorted(p for p in root.rglob("*.yaml"))
    target = files[which % len(files)]
    raw = target.read_bytes()
    kind, pos, arg = mutation
    pos %= len(raw) + 1
    if kind == "delete":
        raw = raw[:pos] + raw[pos + arg:]
    elif kind == "insert":
        raw = raw[:pos] + arg + raw[pos:]
    else:
        raw = raw[:pos]
    target.write_bytes(raw)
    cat, diags = conformap.validate(root)  # must not raise
    for d in diags:
        assert d.file and d.path.startswith("$") and d.message
        assert "Traceback" not in d.format()
    if cat is None:
        assert any(d.severity.value == "error" for d in diags)


@SETTINGS
@given(data=catalogues(), breakage=st.sampled_from(["drop_guidance", "unknown_field", "wrong_type", "dangling_control", "dangling_statement"]))
def test_structural_damage_is_an_error_in_the_damaged_file(tmp_path_factory, data, breakage):
    rule = data["rules"][0]
    if breakage == "drop_guidance":
        del rule["guidance"]
    elif breakage == "unknown_field":
        rule["colour"] = "red"
    elif breakage == "wrong_type":
        rule["mappings"] = "SEC-1"
    elif breakage == "dangling_control":
        rule["mappings"][0]["control"] = "NOPE-1"
    else:
        rule["mappings"][0]["statement"] = "C-1.MISSING"
    root = tmp_path_factory.mktemp("cat")
    write_catalogue(root, data)
    cat, diags = conformap.validate(root)
    assert cat is None
    damaged = f"rules/{rule['id']}.yaml"
    assert any(d.file.endswith(damaged) and d.line >= 1 and d.severity.value == "error" for d in diags), [d.format() for d in diags]


# Ids: what the schema's id patterns accept, the page layer can name (one definition; issue 10, class 6).
ID_CANDIDATES = st.one_of(
    st.from_regex(r"[a-zA-Z0-9.\-]{1,12}\n?", fullmatch=True),
    st.sampled_from(["index", "INDEX", "Index", "SEC-1\n", "a--b", "-a", "SEC-1.BP01", "SEC-1.desc", "CON", "con-1"]),
)


@settings(max_examples=examples(300), deadline=None)
@given(value=ID_CANDIDATES)
def test_every_id_validation_accepts_names_a_page(value):
    if schema.is_id("rule_id", value):
        assert routes.rule_page(value).startswith("rules/")
    if schema.is_id("control_id", value):
        assert routes.control_page(value).startswith("controls/")
    if schema.is_id("statement_id", value):
        assert routes.statement_anchor(value)
    for kind, make in (("rule_id", routes.rule_page), ("control_id", routes.control_page)):
        if not schema.is_id(kind, value):
            with pytest.raises(ValueError):
                make(value)


# --- issue 22, class 2: whatever validate accepts gives conformance packs cfn-lint accepts -----------------------
# The generated catalogues add what reaches a pack and could break it: rule ids whose logical ids collide (`a-1`,
# `a1`), input parameters with names that collide or run long and any values, and texts holding CloudFormation
# syntax. Those validate must refuse; every pack of a catalogue it accepts must pass cfn-lint.
PACK_TEXT = st.one_of(TEXT, st.sampled_from(["{{resolve:ssm:/p}}", "x ${AWS::AccountId}", "a {{ resolve :s3:x}}", "$", "{{", "}}"]))
PARAM_NAME = st.from_regex(r"[A-Za-z0-9_.]{1,12}", fullmatch=True) | st.just("p" * 101)


@st.composite
def pack_catalogues(draw):
    data = draw(catalogues())
    ids = draw(st.lists(st.sampled_from(["a-1", "a1", "b-param-x", "b"]), max_size=2, unique=True))
    statements = [(c["id"], s["id"]) for c in data["controls"] for s in c["statements"]]
    for rid in ids:
        if rid not in {r["id"] for r in data["rules"]}:
            c, s = draw(st.sampled_from(statements))
            data["rules"].append({"id": rid, "kind": "managed", "identifier": rid.upper().replace("-", "_"), "guidance": "G.",
                                  "mappings": [{"control": c, "statement": s, "rationale": "R."}]})
    for rule in data["rules"]:
        rule["guidance"] = draw(PACK_TEXT)
        params = draw(st.dictionaries(PARAM_NAME, PACK_TEXT | st.just("v" * 1025), max_size=3))
        if params:
            rule["conformance_pack"] = {"input_parameters": params}
    return data


def accepted(tmp_path_factory, data: dict):
    """The catalogue ``data`` written to a new folder, as validate loads it (``None``: validate refuses it)."""
    root = tmp_path_factory.mktemp("cat")
    write_catalogue(root, data)
    return conformap.validate(root)[0]


SLOW_SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.mark.slow  # cfn-lint takes a second or so per catalogue
@SLOW_SETTINGS
@given(data=pack_catalogues())
def test_what_validate_accepts_gives_packs_cfn_lint_accepts(tmp_path_factory, data):
    from cfnlint.api import lint

    cat = accepted(tmp_path_factory, data)
    if cat is None:
        return
    files, notes = conformance_pack.all_packs(cat)
    assert files and not [n for n in notes if "logical id" in n or "over a conformance pack limit" in n], notes
    for name, body in files.items():
        text = body.decode("utf-8")
        assert "{{resolve" not in text.lower().replace(" ", "") and "${" not in text, name
        assert [str(m) for m in lint(text)] == [], name


# --- issue 22, class 3: whatever validate accepts, exports: every download is made and its validator accepts it ----
BLANK = st.sampled_from([" ", "  ", "\u3000", "\u00a0"])  # blank texts: validate must refuse them


@st.composite
def export_catalogues(draw):
    data = draw(catalogues())  # guidance and statement texts are the page's: a blank one fails its snapshot check
    for rule in data["rules"]:
        for field in ("service", "description", "regions_note"):
            if draw(st.booleans()):
                rule[field] = draw(TEXT | BLANK)
    return data


@pytest.mark.slow  # every download of each catalogue, read back by its validator
@SLOW_SETTINGS
@given(data=export_catalogues())
def test_what_validate_accepts_exports_and_every_validator_accepts_it(tmp_path_factory, data):
    import csv
    import io

    import jsonschema
    import openpyxl
    from cfnlint.api import lint
    from trestle.oscal.catalog import Catalog as OscalCatalog
    from trestle.oscal.component import ComponentDefinition

    from conformap.outputs import downloads, mappings_json

    cat = accepted(tmp_path_factory, data)
    if cat is None:
        return
    export_schema = json.loads(mappings_json.json_schema())
    out = tmp_path_factory.mktemp("out")
    readers = {
        "oscal-catalog": OscalCatalog.oscal_read,
        "oscal-component-definition": ComponentDefinition.oscal_read,
    }
    entries = downloads.entries(cat)
    assert {"json", "csv", "xlsx", "oscal-catalog", "oscal-component-definition", "conformance-pack"} <= {e.format for e in entries}
    for entry in entries:
        if entry.format == "json":
            jsonschema.validate(json.loads(entry.data), export_schema, cls=jsonschema.Draft202012Validator)
        elif entry.format == "csv":
            assert list(csv.reader(io.StringIO(entry.data.decode("utf-8"), newline="")))
        elif entry.format == "xlsx":
            assert openpyxl.load_workbook(io.BytesIO(entry.data)).sheetnames
        elif entry.format in readers:
            file = out / entry.path.replace("/", "-")
            file.write_bytes(entry.data)
            assert readers[entry.format](file) is not None, entry.path
        elif entry.format == "conformance-pack":
            assert [str(m) for m in lint(entry.data.decode("utf-8"))] == [], entry.path
    assert render_site(cat)
