"""Checks across catalogue files, run on documents that passed their schema.

Set differences, each reported where it can be fixed: used-but-undefined is an error,
defined-but-unused a warning; the snapshot of AWS's page pins the mappings and guidance that
cite it; errata rows must be rows the mappings cite.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path
from typing import Iterable

from conformap.model import cloudformation as cfn
from conformap.model.catalog import natural_key
from conformap.parse.aws_page import PageError, parse_page
from conformap.load.yamlio import YamlDocument
from conformap.diagnostics import Diagnostic, JsonPath, Severity

WARNING = Severity.WARNING


def references(
    framework_doc: YamlDocument | None,
    control_docs: list[YamlDocument],
    rule_docs: list[YamlDocument],
    errata_doc: YamlDocument | None,
    root: Path,
    broken: dict[str, set[str]],
    partial_rules: Iterable[YamlDocument] = (),
) -> list[Diagnostic]:
    """Cross-file checks, as set differences: used-but-undefined is an error, defined-but-unused a warning.

    ``broken`` names the controls and rules whose files exist but are invalid (already reported):
    references to them are not errors again, so one bad file gives its own errors, not one per user.
    """
    out: list[Diagnostic] = []
    broken_controls, broken_rules = broken["control"], broken["rule"]
    controls = {d.data["id"]: d for d in control_docs}
    rules = {d.data["id"]: d for d in rule_docs}
    statement_owner: dict[str, str] = {}
    folded: dict[str, str] = {}  # statement ids by their case-folded form
    numbers: dict[int, str] = {}

    for doc in control_docs:
        cid = doc.data["id"]
        n = doc.data["number"]
        if n in numbers:
            out.append(doc.error(("number",), f"number {n} is already used by control '{numbers[n]}'"))
        numbers.setdefault(n, cid)
        for i, s in enumerate(doc.data["statements"]):
            sid = s["id"]
            if not sid.startswith(cid + "."):
                out.append(doc.error(("statements", i, "id"), f"statement id '{sid}' must start with the control id '{cid}.'"))
            if sid in statement_owner:
                out.append(doc.error(("statements", i, "id"), f"duplicate statement id '{sid}' (also in control '{statement_owner[sid]}')"))
                continue
            twin = folded.get(sid.casefold())
            if twin is not None:
                out.append(doc.error(("statements", i, "id"), f"statement id '{sid}' differs from '{twin}' only in case; the two would share one page anchor"))
                continue
            folded[sid.casefold()] = sid
            statement_owner[sid] = cid
        texts = Counter(s["text"] for s in doc.data["statements"])
        for i, s in enumerate(doc.data["statements"]):
            if texts[s["text"]] > 1:
                out.append(doc.error(("statements", i, "text"), "the same statement text appears twice in this control; keep one"))
                texts[s["text"]] = 0
        if doc.data["in_source"] and not doc.data["statements"]:
            out.append(doc.error(("statements",), "a control the source maps must have at least one statement"))

    used_controls: set[str] = set()
    row_owner: dict[int, str] = {}
    row_mapping: dict[int, tuple[str, int]] = {}
    total_rows = framework_doc.data["source"].get("rows") if framework_doc is not None else None
    for doc in rule_docs:
        rid = doc.data["id"]
        seen: dict[tuple[str, str], int] = {}
        for i, m in enumerate(doc.data["mappings"]):
            base = ("mappings", i)
            cid, sid = m["control"], m["statement"]
            if cid in broken_controls:
                pass  # its file has errors of its own
            elif cid not in controls:
                known = ", ".join(sorted(controls, key=natural_key)) or "none"
                out.append(doc.error(base + ("control",), f"unknown control '{cid}' (known: {known})"))
            else:
                used_controls.add(cid)
                if sid not in statement_owner:
                    choices = ", ".join(s["id"] for s in controls[cid].data["statements"]) or "none"
                    out.append(doc.error(base + ("statement",), f"unknown statement '{sid}' (statements of {cid}: {choices})"))
                elif statement_owner[sid] != cid:
                    out.append(doc.error(base + ("statement",), f"statement '{sid}' belongs to control '{statement_owner[sid]}', not '{cid}'"))
                elif not controls[cid].data["in_source"] and m.get("source_rows"):
                    out.append(doc.error(base + ("control",), f"control '{cid}' is marked in_source: false but this mapping cites source rows"))
            ps = m.get("printed_statement")
            if ps is not None and ps not in statement_owner and ps.split(".")[0] not in broken_controls:
                out.append(doc.error(base + ("printed_statement",), f"unknown statement '{ps}'"))
            key = (cid, sid)
            if key in seen:
                out.append(doc.error(base, f"duplicate mapping to {cid} / {sid} (same as mappings[{seen[key]}]); remove one and list both source rows in the other"))
            seen.setdefault(key, i)
            for j, row in enumerate(m.get("source_rows") or ()):
                if total_rows is not None and row > total_rows:
                    out.append(doc.error(base + ("source_rows", j), f"source row {row} is beyond the source's {total_rows} rows (framework.yaml source.rows)"))
                if row in row_owner:
                    out.append(doc.error(base + ("source_rows", j), f"source row {row} is already claimed by rule '{row_owner[row]}'"))
                row_owner.setdefault(row, rid)
                row_mapping.setdefault(row, (rid, i))
        if not doc.data["mappings"]:
            out.append(doc.error(("mappings",), "rule supports no control; add a mapping or remove the rule", severity=WARNING))
        dep = doc.data.get("deprecated")
        if dep:
            succ = dep["successor"]
            if succ == rid:
                out.append(doc.error(("deprecated", "successor"), "a rule cannot be its own successor"))
            elif succ not in rules and succ not in broken_rules:
                out.append(doc.error(("deprecated", "successor"), f"unknown rule '{succ}'; successors must have a file in rules/", severity=WARNING))

    for doc in partial_rules:
        mappings = doc.data.get("mappings")
        for i, m in enumerate(mappings if isinstance(mappings, list) else ()):
            cid = m.get("control") if isinstance(m, dict) else None
            sid = m.get("statement") if isinstance(m, dict) else None
            if not isinstance(cid, str) or cid in broken_controls:
                continue
            if cid not in controls:
                known = ", ".join(sorted(controls, key=natural_key)) or "none"
                out.append(doc.error(("mappings", i, "control"), f"unknown control '{cid}' (known: {known})"))
            elif isinstance(sid, str) and sid not in statement_owner:
                choices = ", ".join(s["id"] for s in controls[cid].data["statements"]) or "none"
                out.append(doc.error(("mappings", i, "statement"), f"unknown statement '{sid}' (statements of {cid}: {choices})"))
            used_controls.add(cid)

    for cid, doc in controls.items():
        if doc.data["in_source"] and cid not in used_controls:
            out.append(doc.error(("in_source",), "no rule maps to this control; set in_source: false or add mappings", severity=WARNING))

    if framework_doc is not None:
        src = framework_doc.data["source"]
        snap = root / src["snapshot"]
        if not snap.is_file():
            out.append(framework_doc.error(("source", "snapshot"), f"snapshot file '{src['snapshot']}' not found in the catalogue"))
        else:
            try:
                page = snap.read_bytes()
            except OSError as exc:
                out.append(framework_doc.error(("source", "snapshot"), f"cannot read the snapshot file '{src['snapshot']}': {exc.strerror or exc}"))
            else:
                digest = hashlib.sha256(page).hexdigest()
                if digest != src["sha256"]:
                    out.append(framework_doc.error(("source", "sha256"), f"does not match the snapshot file (its SHA-256 is {digest})"))
                elif not broken_rules:
                    out.extend(_check_against_snapshot(framework_doc, page, rules, row_mapping))

    if errata_doc is not None:
        ids: dict[str, int] = {}
        for i, e in enumerate(errata_doc.data["errata"]):
            base = ("errata", i)
            if e["id"] in ids:
                out.append(errata_doc.error(base + ("id",), f"duplicate erratum id '{e['id']}' (also errata[{ids[e['id']]}])"))
            ids.setdefault(e["id"], i)
            for j, r in enumerate(e.get("rules") or ()):
                if r not in rules and r not in broken_rules:
                    out.append(errata_doc.error(base + ("rules", j), f"unknown rule '{r}'"))
            for j, c in enumerate(e.get("controls") or ()):
                if c not in controls and c not in broken_controls:
                    out.append(errata_doc.error(base + ("controls", j), f"unknown control '{c}'"))
            if not broken_rules:  # with a rule file unreadable, its rows are unknown
                out.extend(_check_erratum_rows(errata_doc, base, e, row_mapping))
    return out


def _first_difference(expected: str, actual: str) -> str:
    k = next((i for i, (a, b) in enumerate(zip(expected, actual)) if a != b), min(len(expected), len(actual)))
    return f"at character {k + 1}, the page has {expected[max(0, k - 15):k + 25]!r}, the file {actual[max(0, k - 15):k + 25]!r}"


def _check_against_snapshot(framework_doc: YamlDocument, page: bytes, rules: dict[str, YamlDocument], row_mapping: dict[int, tuple[str, int]]) -> list[Diagnostic]:
    """The mappings and guidance that cite the snapshot (``page``: the bytes whose digest was checked) say
    what it says, and every row is cited.

    Guidance must be AWS's paragraph verbatim, and a mapping the page states cannot disappear
    silently: removing one is an erratum (or a re-import of a changed page), never a quiet edit.
    """
    where: JsonPath = ("source", "snapshot")
    try:
        _, page_rows = parse_page(page.decode("utf-8"))
    except PageError as exc:
        line, problem = exc.problems[0]
        return [framework_doc.error(where, f"the snapshot is not AWS's page (line {line}: {problem}), so no mapping can be checked against it")]
    except UnicodeDecodeError as exc:
        return [framework_doc.error(where, f"the snapshot cannot be read as UTF-8 text ({exc}), so no mapping can be checked against it")]
    out: list[Diagnostic] = []
    recorded = framework_doc.data["source"].get("rows")
    if recorded is not None and recorded != len(page_rows):
        out.append(framework_doc.error(("source", "rows"), f"the snapshot has {len(page_rows)} rows, not {recorded}"))
    guidance_checked: set[str] = set()
    for row in page_rows:  # in the page's order (rows beyond the page are reported with source.rows)
        number = row.number
        if number not in row_mapping:
            if row.rule in rules:
                out.append(rules[row.rule].error(("mappings",), f"the snapshot's row {number} maps this rule to {row.control_id}, but no mapping cites it; restore the mapping with source_rows: [{number}], or record an erratum"))
            else:
                out.append(framework_doc.error(("source", "snapshot"), f"the snapshot's row {number} ({row.rule} under {row.control_id}) is cited by no rule file; add rules/{row.rule}.yaml"))
            continue
        rid, i = row_mapping[number]
        doc = rules[rid]
        j = doc.data["mappings"][i]["source_rows"].index(number)
        where = ("mappings", i, "source_rows", j)
        if row.rule != rid:
            out.append(doc.error(where, f"source row {number} of the snapshot is rule '{row.rule}', not '{rid}'"))
        elif row.control_id != doc.data["mappings"][i]["control"]:
            out.append(doc.error(where, f"source row {number} of the snapshot is under {row.control_id}, not {doc.data['mappings'][i]['control']}"))
        elif rid not in guidance_checked:
            guidance_checked.add(rid)
            if doc.data["guidance"] != row.guidance:
                out.append(doc.error(("guidance",), f"differs from the snapshot's row {number}, which it must copy verbatim: {_first_difference(row.guidance, doc.data['guidance'])}"))
    return out


def _check_erratum_rows(errata_doc: YamlDocument, base: tuple, e: dict, row_mapping: dict[int, tuple[str, int]]) -> list[Diagnostic]:
    """An erratum's source rows must be rows the mappings cite, of the rules it names.

    Rows renumber when AWS's page gains or loses rows (a re-import moves every mapping's
    ``source_rows``); this check keeps the errata from silently pointing at other rows.
    """
    out: list[Diagnostic] = []
    named = set(e.get("rules") or ())
    owners = set()
    for j, row in enumerate(e.get("source_rows") or ()):
        where = base + ("source_rows", j)
        if row not in row_mapping:
            out.append(errata_doc.error(where, f"no mapping cites source row {row}; update this erratum's rows to the rows its rules' mappings cite"))
            continue
        rule, index = row_mapping[row]
        owners.add((rule, index))
        if named and rule not in named:
            out.append(errata_doc.error(where, f"source row {row} is cited by rule '{rule}', which this erratum does not name (rules: {', '.join(sorted(named))})"))
    if e.get("kind") == "duplicate-row" and len(owners) > 1:
        cited = ", ".join(f"{r} mappings[{i}]" for r, i in sorted(owners))
        out.append(errata_doc.error(base + ("source_rows",), f"duplicate rows must be cited by one mapping (listing all of them); they are cited by {cited}"))
    return out


def _strings(value: object, path: JsonPath) -> Iterable[tuple[JsonPath, str]]:
    """Every string of a document, keys included, with its path."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(k, path + (k,))
            yield from _strings(v, path + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _strings(v, path + (i,))


def cloudformation(docs: Iterable[YamlDocument], rule_docs: list[YamlDocument]) -> list[Diagnostic]:
    """What would make a conformance pack execute catalogue text or fail CloudFormation (issue 22, class 2).

    * No text of the framework, control and rule files (what packs are made of) holds a dynamic reference
      (``{{resolve:``) or ``${`` (substitution): CloudFormation resolves the first wherever it stands and has
      no escape for it.
    * The logical ids a pack gives rules and their input parameters (:mod:`conformap.model.cloudformation`)
      are distinct: reported at the second rule (by id) or parameter that takes one.
    """
    out: list[Diagnostic] = []
    for doc in docs:
        for path, text in _strings(doc.data, ()):
            found = cfn.EXECUTABLE.search(text)
            if found:
                out.append(doc.error(path, f"'{found.group()}' is CloudFormation syntax (a dynamic reference or a substitution): a conformance pack would make CloudFormation resolve it, and it has no escape; reword the text"))
    owners: dict[str, str] = {}
    for doc in sorted(rule_docs, key=lambda d: d.data["id"]):
        rid = doc.data["id"]
        if doc.data.get("kind") != "managed" or not doc.data.get("identifier"):
            continue  # never in a pack
        taken: list[tuple[JsonPath, str, str]] = [(("id",), cfn.resource_id(rid), f"rule '{rid}'")]
        params = (doc.data.get("conformance_pack") or {}).get("input_parameters") or {}
        taken += [(("conformance_pack", "input_parameters", name), cfn.parameter_id(rid, name), f"input parameter '{name}' of rule '{rid}'") for name in sorted(params)]
        for path, logical_id, what in taken:
            if logical_id in owners:
                out.append(doc.error(path, key=len(path) > 1, message=f"gives the CloudFormation logical id '{logical_id}', as {owners[logical_id]} does: one pack cannot hold both; rename one"))
            owners.setdefault(logical_id, what)
    return out
