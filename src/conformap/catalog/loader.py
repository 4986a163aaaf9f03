"""Load a catalogue directory: read every file, validate it, and build the model.

Validation never stops at the first problem. It runs in layers and reports everything
each layer can see: file hygiene and YAML syntax (:mod:`conformap.catalog.yamlio`), JSON Schema,
id/filename agreement, then references across files. A file that fails an earlier layer
is left out of the later ones, so one mistake is not reported three times.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterable
from urllib.parse import urljoin

import jsonschema
from referencing import Registry, Resource

from conformap import paths
from conformap.catalog.model import (
    BestPractice,
    Catalog,
    Control,
    Deprecation,
    Erratum,
    Framework,
    Mapping,
    Parameter,
    Rule,
    SourceDocument,
    SourceRef,
    Statement,
)
from conformap.catalog.yamlio import YamlDocument, read_yaml
from conformap.diagnostics import CatalogError, Diagnostic, Severity, errors

WARNING = Severity.WARNING
_RESERVED_NAMES = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
_SAFE_STEM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]{0,127}$")


@lru_cache(maxsize=1)
def _registry() -> Registry:
    resources = []
    for file in sorted(paths.SCHEMA_DIR.glob("*.schema.json")):
        schema = json.loads(file.read_text(encoding="utf-8"))
        resources.append((schema["$id"], Resource.from_contents(schema)))
    return Registry().with_resources(resources)


_ANNOTATIONS = {"description", "title", "examples", "default", "$comment", "markdownDescription"}


def _inline_refs(node: Any, registry: Registry, base: str, depth: int = 0) -> Any:
    """Replace each ``$ref`` by the schema it points to, so validation does no reference lookups.

    Resolving ``$ref`` through the registry is most of jsonschema's work on our files; the schemas
    are small and acyclic, so inlining them once per process makes validation about twice as fast.
    The target's keywords win over annotation siblings (its description is the more specific
    one in error messages); a sibling that validates is kept beside it with ``allOf``.
    """
    if depth > 50:
        raise ValueError("schema $ref chain too deep (a cycle?)")
    if isinstance(node, list):
        return [_inline_refs(x, registry, base, depth) for x in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    out = {k: _inline_refs(v, registry, base, depth) for k, v in node.items() if k != "$ref" or not isinstance(v, str)}
    if not isinstance(ref, str):
        return out
    uri, _, fragment = ref.partition("#")
    target_uri = base if not uri else urljoin(base, uri)
    resolved = registry.resolver(base_uri=target_uri).lookup("#" + fragment)
    target = _inline_refs(resolved.contents, registry, target_uri, depth + 1)
    if not isinstance(target, dict):
        return {**out, "allOf": [target]}
    if all(k in _ANNOTATIONS for k in out) and "$id" not in target:
        return {**out, **target}
    return {**out, "allOf": [*out.get("allOf", []), target]}


@lru_cache(maxsize=None)
def validator(kind: str) -> jsonschema.Draft202012Validator:
    """The JSON Schema validator for one catalogue file kind (framework, control, rule, errata)."""
    schema = json.loads((paths.SCHEMA_DIR / paths.SCHEMAS[kind]).read_text(encoding="utf-8"))
    schema = _inline_refs(schema, _registry(), schema["$id"])
    return jsonschema.Draft202012Validator(schema, registry=_registry(), format_checker=None)


def _schema_message(err: jsonschema.ValidationError) -> tuple[tuple, str, bool]:
    """Turn a jsonschema error into (path, human message, point-at-key?)."""
    path = tuple(err.absolute_path)
    validator_name = err.validator
    if validator_name == "additionalProperties":
        allowed = sorted(err.schema.get("properties", {}))
        extras = [k for k in err.instance if k not in err.schema.get("properties", {})]
        key = extras[0] if extras else None
        close = difflib.get_close_matches(str(key), allowed, n=1) if key is not None else []
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        msg = f"unknown field '{key}'{hint}; allowed fields: {', '.join(allowed)}"
        return (path + (key,) if key is not None else path), msg, key is not None
    if validator_name == "required":
        missing = re.findall(r"'([^']+)' is a required property", err.message)
        return path, f"missing required field '{missing[0] if missing else err.message}'", False
    if validator_name == "anyOf" and err.schema.get("anyOf") and all("required" in s for s in err.schema["anyOf"]):
        options = " or ".join("'" + "', '".join(s["required"]) + "'" for s in err.schema["anyOf"])
        return path, f"needs {options}", False
    if validator_name == "if":
        return path, err.message, False
    description = err.schema.get("description") if isinstance(err.schema, dict) else None
    if validator_name == "pattern":
        msg = f"{err.instance!r} is not valid here"
        return path, msg + (f": {description}" if description else f" (must match {err.validator_value})"), False
    if validator_name == "enum":
        choices = ", ".join(repr(v) for v in err.validator_value)
        return path, f"{err.instance!r} is not one of {choices}", False
    if validator_name == "type":
        expected = err.validator_value
        shown = "" if err.instance is None else " " + _short(err.instance)
        return path, f"expected {expected}, got {_type_name(err.instance)}{shown}", False
    return path, err.message, False


def _type_name(value: Any) -> str:
    return {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean", int: "an integer", float: "a number", type(None): "null"}.get(
        type(value), type(value).__name__
    )


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def schema_diagnostics(doc: YamlDocument, kind: str) -> list[Diagnostic]:
    out = []
    for err in validator(kind).iter_errors(doc.data):
        path, msg, at_key = _schema_message(err)
        out.append(doc.error(path, msg, key=at_key))
    return out


def _check_stem(file: Path, shown: str) -> list[Diagnostic]:
    stem = file.name[: -len(".yaml")]
    if not _SAFE_STEM.match(stem) or ".." in stem:
        return [Diagnostic(shown, 1, 1, "$", f"file name '{file.name}' is not a valid catalogue id (letters, digits, '-' and '.')")]
    if stem.lower() in _RESERVED_NAMES:
        return [Diagnostic(shown, 1, 1, "$", f"file name '{file.name}' is a reserved device name on Windows; choose another id")]
    return []


class _Reader:
    """Collects documents and diagnostics for one catalogue directory."""

    def __init__(self, root: Path):
        self.root = root
        self.diags: list[Diagnostic] = []
        # Ids of files that exist but are invalid: references to them are not reported again.
        self.broken: dict[str, set[str]] = {"control": set(), "rule": set()}
        # Rule files that parsed but failed their schema or id check: their mappings' references are
        # still checked, so one run reports every problem of the file.
        self.partial_rules: list[YamlDocument] = []

    def show(self, file: Path) -> str:
        return paths.display_path(file)

    def read(self, file: Path, kind: str) -> YamlDocument | None:
        """The document if it is valid against its schema, else ``None`` (its problems are recorded)."""
        doc = read_yaml(file, self.show(file))
        self.diags.extend(doc.diagnostics)
        if not doc.ok:
            return None
        if not isinstance(doc.data, dict):
            self.diags.append(doc.error((), f"the file must hold a YAML mapping, not {_type_name(doc.data)}"))
            return None
        schema_errs = schema_diagnostics(doc, kind)
        self.diags.extend(schema_errs)
        if schema_errs and kind == "rule":
            self.partial_rules.append(doc)
        return None if schema_errs else doc

    def read_dir(self, sub: str, kind: str) -> list[YamlDocument]:
        folder = self.root / sub
        if not folder.is_dir():
            self.diags.append(Diagnostic(self.show(folder), 0, 0, "$", f"missing folder '{sub}/'"))
            return []
        docs = []
        for file in sorted(folder.iterdir()):
            shown = self.show(file)
            if file.name.startswith(".") and file.name.endswith((".yaml", ".yml")):
                self.diags.append(Diagnostic(shown, 1, 1, "$", "a hidden file (its name starts with '.') is not read; catalogue ids start with a letter or digit"))
                continue
            if file.name.startswith(".") or file.name == "README.md":
                continue
            if file.is_symlink() or not file.is_file():
                self.diags.append(Diagnostic(shown, 0, 0, "$", "only regular .yaml files belong here (no folders or links)"))
                continue
            if not file.name.endswith(".yaml"):
                self.diags.append(Diagnostic(shown, 0, 0, "$", f"unexpected file; catalogue files end in .yaml (rename to '{file.stem}.yaml')"))
                continue
            stem_errs = _check_stem(file, shown)
            if stem_errs:
                self.diags.extend(stem_errs)
                continue
            stem = file.name[: -len(".yaml")]
            doc = self.read(file, kind)
            if doc is None:
                self.broken.setdefault(kind, set()).add(stem)
                continue
            if doc.data["id"] != stem:
                self.diags.append(doc.error(("id",), f"id '{doc.data['id']}' does not match the file name '{file.name}'; rename the file to '{doc.data['id']}.yaml' or fix the id"))
                self.broken.setdefault(kind, set()).update({stem, doc.data["id"]})
                if kind == "rule":
                    self.partial_rules.append(doc)
                continue
            docs.append(doc)
        return docs


def _sources(items: Iterable[dict] | None) -> tuple[SourceRef, ...]:
    return tuple(SourceRef(**s) for s in items or ())


def _build_control(doc: YamlDocument) -> Control:
    d = doc.data
    statements = tuple(
        Statement(
            id=s["id"],
            control_id=d["id"],
            kind=s["kind"],
            text=s["text"],
            best_practice=BestPractice(**s["best_practice"]) if s.get("best_practice") else None,
        )
        for s in d["statements"]
    )
    return Control(
        id=d["id"],
        number=d["number"],
        question=d["question"],
        in_source=d["in_source"],
        statements=statements,
        framework_question_id=d.get("framework_question_id"),
        current_question=d.get("current_question"),
        url=d.get("url"),
        note=d.get("note"),
        sources=_sources(d.get("sources")),
        file=doc.file,
    )


def _build_rule(doc: YamlDocument) -> Rule:
    d = doc.data
    pack = d.get("conformance_pack") or {}
    dep = d.get("deprecated")
    return Rule(
        id=d["id"],
        kind=d["kind"],
        guidance=d["guidance"],
        mappings=tuple(
            Mapping(
                rule_id=d["id"],
                control_id=m["control"],
                statement_id=m["statement"],
                source_rows=tuple(m.get("source_rows") or ()),
                printed_statement=m.get("printed_statement"),
                rationale=m.get("rationale"),
            )
            for m in d["mappings"]
        ),
        identifier=d.get("identifier"),
        service=d.get("service"),
        trigger=d.get("trigger"),
        description=d.get("description"),
        documentation_url=d.get("documentation_url"),
        resource_types=tuple(d["resource_types"]) if "resource_types" in d else None,
        resource_types_current_docs=tuple(d["resource_types_current_docs"]) if "resource_types_current_docs" in d else None,
        regions_note=d.get("regions_note"),
        parameters=tuple(Parameter(**p) for p in d.get("parameters") or ()),
        pack_input_parameters=MappingProxyType(dict(sorted((pack.get("input_parameters") or {}).items()))),
        pack_scope_resource_types=tuple(pack["scope_resource_types"]) if "scope_resource_types" in pack else None,
        deprecated=Deprecation(**dep) if dep else None,
        sources=_sources(d.get("sources")),
        file=doc.file,
    )


def _build_framework(doc: YamlDocument) -> Framework:
    d = dict(doc.data)
    return Framework(
        id=d["id"],
        title=d["title"],
        publisher=d["publisher"],
        url=d.get("url"),
        description=d.get("description"),
        version=d.get("version"),
        released=d.get("released"),
        source=SourceDocument(**d["source"]),
    )


def _build_errata(doc: YamlDocument | None) -> tuple[Erratum, ...]:
    if doc is None:
        return ()
    return tuple(
        Erratum(
            id=e["id"],
            kind=e["kind"],
            title=e["title"],
            source_shows=e["source_shows"],
            catalogue_does=e["catalogue_does"],
            reason=e["reason"],
            source_rows=tuple(e.get("source_rows") or ()),
            rules=tuple(e.get("rules") or ()),
            controls=tuple(e.get("controls") or ()),
        )
        for e in doc.data["errata"]
    )


def _check_references(
    framework_doc: YamlDocument | None,
    control_docs: list[YamlDocument],
    rule_docs: list[YamlDocument],
    errata_doc: YamlDocument | None,
    root: Path,
    broken: dict[str, set[str]] | None = None,
    partial_rules: Iterable[YamlDocument] = (),
) -> list[Diagnostic]:
    """Cross-file checks, as set differences: used-but-undefined is an error, defined-but-unused a warning.

    ``broken`` names the controls and rules whose files exist but are invalid (already reported):
    references to them are not errors again, so one bad file gives its own errors, not one per user.
    """
    out: list[Diagnostic] = []
    broken_controls = (broken or {}).get("control", set())
    broken_rules = (broken or {}).get("rule", set())
    controls = {d.data["id"]: d for d in control_docs}
    rules = {d.data["id"]: d for d in rule_docs}
    statement_owner: dict[str, str] = {}
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
                known = ", ".join(sorted(controls, key=_natural)) or "none"
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
                known = ", ".join(sorted(controls, key=_natural)) or "none"
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
            digest = hashlib.sha256(snap.read_bytes()).hexdigest()
            if digest != src["sha256"]:
                out.append(framework_doc.error(("source", "sha256"), f"does not match the snapshot file (its SHA-256 is {digest})"))
            elif not broken_rules:
                out.extend(_check_against_snapshot(framework_doc, snap, rules, row_mapping))

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


def _check_against_snapshot(framework_doc: YamlDocument, snap: Path, rules: dict[str, YamlDocument], row_mapping: dict[int, tuple[str, int]]) -> list[Diagnostic]:
    """The mappings and guidance that cite the snapshot say what it says, and every row is cited.

    Guidance must be AWS's paragraph verbatim, and a mapping the page states cannot disappear
    silently: removing one is an erratum (or a re-import of a changed page), never a quiet edit.
    """
    from conformap.catalog.awspage import PageError, parse_page

    try:
        _, page_rows = parse_page(snap.read_text(encoding="utf-8"))
    except (PageError, UnicodeDecodeError, OSError):
        return []  # not a page (test fixtures hold placeholders); the SHA-256 still pins the file
    out: list[Diagnostic] = []
    by_number = {r.number: r for r in page_rows}
    guidance_checked: set[str] = set()
    for number, (rid, i) in sorted(row_mapping.items()):
        row = by_number.get(number)
        doc = rules[rid]
        if row is None:
            continue  # beyond the page: reported with source.rows
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
    for row in page_rows:
        if row.number in row_mapping:
            continue
        if row.rule in rules:
            out.append(rules[row.rule].error(("mappings",), f"the snapshot's row {row.number} maps this rule to {row.control_id}, but no mapping cites it; restore the mapping with source_rows: [{row.number}], or record an erratum"))
        else:
            out.append(framework_doc.error(("source", "snapshot"), f"the snapshot's row {row.number} ({row.rule} under {row.control_id}) is cited by no rule file; add rules/{row.rule}.yaml"))
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


def _natural(text: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text))


def validate(path: str | Path | None = None) -> tuple[Catalog | None, list[Diagnostic]]:
    """Validate a catalogue directory. Returns the model (``None`` if there are errors) and all diagnostics."""
    root = Path(path) if path is not None else paths.DEFAULT_CATALOG
    reader = _Reader(root)
    if not root.is_dir():
        return None, [Diagnostic(paths.display_path(root), 0, 0, "$", "catalogue folder not found")]
    fw_file = root / paths.FRAMEWORK_FILE
    framework_doc = reader.read(fw_file, "framework") if fw_file.is_file() else None
    if not fw_file.is_file():
        reader.diags.append(Diagnostic(reader.show(fw_file), 0, 0, "$", f"missing {paths.FRAMEWORK_FILE}"))
    control_docs = reader.read_dir(paths.CONTROLS_DIR, "control")
    rule_docs = reader.read_dir(paths.RULES_DIR, "rule")
    er_file = root / paths.ERRATA_FILE
    errata_doc = reader.read(er_file, "errata") if er_file.is_file() else None

    reader.diags.extend(_check_references(framework_doc, control_docs, rule_docs, errata_doc, root, reader.broken, reader.partial_rules))
    diags = sorted(set(reader.diags), key=lambda d: (d.file, d.line, d.column, d.path, d.message))
    if errors(diags) or framework_doc is None:
        return None, diags
    controls = tuple(sorted((_build_control(d) for d in control_docs), key=lambda c: (c.number, c.id)))
    rules = tuple(sorted((_build_rule(d) for d in rule_docs), key=lambda r: r.id))
    catalog = Catalog(
        root=root.resolve(),
        framework=_build_framework(framework_doc),
        controls=controls,
        rules=rules,
        errata=tuple(sorted(_build_errata(errata_doc), key=lambda e: _natural(e.id))),
    )
    return catalog, diags


def load(path: str | Path | None = None) -> Catalog:
    """Load and validate a catalogue; raise :class:`CatalogError` listing every error if it is invalid."""
    catalog, diags = validate(path)
    if catalog is None:
        raise CatalogError(diags)
    return catalog


__all__ = ["load", "validate", "validator", "CatalogError", "Diagnostic"]
