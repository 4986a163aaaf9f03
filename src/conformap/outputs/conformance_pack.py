"""AWS Config conformance packs (CloudFormation YAML in the style of AWS's own pack templates).

One pack per mapped question (``sec-8.yaml``), one per best-practice statement (``sec-3-bp07.yaml``) and
one for the whole framework (``<framework id>.yaml``). As in AWS's templates: ``Parameters`` named
``<RuleCamel>Param<Name>`` defaulting to the pack's values, ``Conditions`` with ``Fn::If`` so that an empty
parameter is left out, ``AWS::Config::ConfigRule`` resources with ``Source.Owner: AWS``, and ``Scope`` from
the catalogue. Each rule's ``Description`` starts with the ids it serves (``SEC-3 SEC03-BP07 SEC-5: ...``);
``controls_key`` adds AWS's non-standard ``Controls`` resource key. A pack over AWS's limits is split into
``-part-1``, ``-part-2`` files. Every catalogue string is written as a double-quoted YAML scalar, so that
no catalogue text can become a YAML tag, an anchor, a comment or a value of another type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from conformap.diagnostics import CommandError
from conformap.escape import clean, single_line, terminal
from conformap.model import cloudformation as cfn
from conformap.model.catalog import Catalog, Mapping, Rule
from conformap.outputs import wa_template

MAX_RULES = 130  # rules per conformance pack
MAX_TEMPLATE_BYTES = 51_200  # TemplateBody; larger templates need an S3 upload
MAX_PARAMETERS = 60  # ConformancePackInputParameters
MAX_DESCRIPTION = 256  # AWS::Config::ConfigRule Description
MAX_TEMPLATE_DESCRIPTION = 1024  # template Description (bytes)
ELLIPSIS = "…"


class PackError(CommandError):
    """A pack that cannot be made (e.g. one rule alone is over a limit, or no pack has the id asked for); the message says why."""


@dataclass(frozen=True)
class PackOptions:
    controls_key: bool = False
    include_deprecated: bool = False


@dataclass(frozen=True)
class Scope:
    """What one pack covers: its file stem, a label for its Description and the mappings it deploys."""

    name: str
    label: str
    mappings: tuple[Mapping, ...]


class _Quoted(str):
    """A catalogue string: always emitted double-quoted and escaped."""


# libyaml's emitter: the same bytes, several times faster (a PyYAML built without libyaml has only SafeDumper)
class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]  # the base depends on the PyYAML build
    pass


_Dumper.add_representer(_Quoted, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", str(v), style='"'))


def _q(value: str) -> _Quoted:
    return _Quoted(value)


def truncate(text: str, limit: int) -> str:
    """``text`` on one line, cut at a word boundary with an ellipsis when longer than ``limit`` characters."""
    text = single_line(text)
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ELLIPSIS)]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:") + ELLIPSIS


def served_ids(cat: Catalog, rule: Rule) -> tuple[str, ...]:
    """Question and best-practice ids a rule serves, in mapping order: ``SEC-3 SEC03-BP07 SEC-5``."""
    seen: dict[str, None] = {}
    for m in sorted(rule.mappings, key=lambda m: (m.first_row, m.control_id, m.statement_id)):
        seen.setdefault(m.control_id)
        bp = cat.statement(m.statement_id).best_practice
        if bp is not None:
            seen.setdefault(bp.id)
    return tuple(seen)


def rule_description(cat: Catalog, rule: Rule) -> str:
    """``SEC-3 SEC03-BP07: <what the rule checks>`` within CloudFormation's 256 characters."""
    what = rule.description or rule.guidance
    return truncate(f"{' '.join(served_ids(cat, rule))}: {what}", MAX_DESCRIPTION)


def deployable(rule: Rule, options: PackOptions) -> bool:
    return rule.kind == "managed" and bool(rule.identifier) and (options.include_deprecated or rule.deprecated is None)


def scopes(cat: Catalog) -> list[Scope]:
    """Every pack the catalogue yields: per mapped question, per best-practice statement, the whole framework."""
    mappings = cat.mappings
    by_control: dict[str, list[Mapping]] = {}
    by_statement: dict[str, list[Mapping]] = {}
    for m in mappings:
        by_control.setdefault(m.control_id, []).append(m)
        by_statement.setdefault(m.statement_id, []).append(m)
    out = []
    for c in cat.controls:
        ms = tuple(by_control.get(c.id, ()))
        if ms:
            out.append(Scope(c.id.lower(), f"{c.id} ({single_line(c.question)})", ms))
    for c in cat.controls:
        for s in c.statements:
            ms = tuple(by_statement.get(s.id, ()))
            if s.best_practice is not None and ms:
                label = f"{c.id} {s.best_practice.id} ({single_line(s.best_practice.title)})"
                out.append(Scope(_slug(s.id), label, ms))
    out.append(Scope(cat.framework.id, f"every question of {single_line(cat.framework.title)}", mappings))
    return out


def _slug(statement_id: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", statement_id.lower()).strip("-")


def statement_pack_name(statement_id: str) -> str:
    """``sec-3-bp07``: the scope name (file stem) of a best-practice statement's pack."""
    return _slug(statement_id)


def find_scope(cat: Catalog, *, control: str | None = None, statement: str | None = None) -> Scope:
    """The pack of one question (``SEC-8``) or one best-practice statement (``SEC-3.BP07``), or the whole framework.

    An id of the other kind (a statement given as a question, or the reverse) is refused, naming what it is."""
    questions = {c.id.lower() for c in cat.controls}
    statements = {_slug(s.id) for c in cat.controls for s in c.statements}
    if control is not None:
        wanted, what, known = control.lower(), f"question {terminal(control)}", questions
        if wanted not in questions and _slug(control) in statements:
            raise PackError(f"{terminal(control)} is a best-practice statement, not a question: give it with --statement")
    elif statement is not None:
        wanted, what, known = _slug(statement), f"best-practice statement {terminal(statement)}", statements
        if wanted not in statements and statement.lower() in questions:
            raise PackError(f"{terminal(statement)} is a question, not a best-practice statement: give it with --control")
    else:
        wanted, what, known = cat.framework.id, "", {cat.framework.id}
    found = {s.name: s for s in scopes(cat)}.get(wanted) if wanted in known else None
    if found is None:
        raise PackError(f"no pack for {what}: it is not in the catalogue or has no mapped rule")
    return found


def export(
    cat: Catalog,
    *,
    control: str | None = None,
    statement: str | None = None,
    every: bool = False,
    controls_key: bool = False,
    include_deprecated: bool = False,
) -> tuple[dict[str, bytes], list[str]]:
    """``conformap export --format conformance-pack``: the files of one pack (:func:`find_scope`), or of
    every pack (``every``), and the notes on what was left out or split."""
    options = PackOptions(controls_key=controls_key, include_deprecated=include_deprecated)
    if every:
        return all_packs(cat, options)
    return build(cat, find_scope(cat, control=control, statement=statement), options)


@dataclass(frozen=True)
class _Part:
    """One rule's share of a template, rendered once: its logical id, its parameter names and the YAML
    text of its entries under ``Parameters``, ``Resources`` and ``Conditions`` (indented as in a template)."""

    logical_id: str
    parameter_names: tuple[str, ...]  # one per input parameter (a repeat is an error of the pack)
    parameters: bytes
    resource: bytes
    conditions: bytes


_SECTIONS = ("Parameters", "Resources", "Conditions")  # the template's keys after Description, in order


def _rule_part(cat: Catalog, rule: Rule, options: PackOptions) -> _Part:
    """A rule's template Parameters, Conditions and resource, dumped once as the lines they take in any pack.

    Where AWS's WA template (its snapshot, ``sources/wa-conformance-pack.yaml``) deploys the rule, the
    logical id, the template parameter names and the Scope are the template's; otherwise they are derived
    as AWS derives them (:mod:`conformap.model.cloudformation`) and the Scope is the rule file's."""
    aws = cat.crosswalks.wa_template_rule(rule.id)
    camel = aws.logical_id if aws else cfn.resource_id(rule.id)
    named = {p.name: p.parameter for p in aws.input_parameters if p.parameter} if aws else {}
    scope = aws.scope if aws else rule.pack_scope_resource_types
    params: dict[str, Any] = {}
    conditions: dict[str, Any] = {}
    inputs: dict[str, Any] = {}
    names: list[str] = []
    for name, value in sorted(rule.pack_input_parameters.items()):
        pname = named.get(name) or cfn.parameter_id(rule.id, name, resource=camel)
        names.append(pname)
        cname = cfn.condition_id(pname)
        params[pname] = {"Default": _q(value), "Type": "String"}
        conditions[cname] = {"Fn::Not": [{"Fn::Equals": ["", {"Ref": pname}]}]}
        inputs[_q(name)] = {"Fn::If": [cname, {"Ref": pname}, {"Ref": "AWS::NoValue"}]}
    props: dict[str, Any] = {"ConfigRuleName": _q(rule.id), "Description": _q(rule_description(cat, rule))}
    if inputs:
        props["InputParameters"] = inputs
    if scope:
        props["Scope"] = {"ComplianceResourceTypes": [_q(t) for t in scope]}
    props["Source"] = {"Owner": "AWS", "SourceIdentifier": _q(rule.identifier or "")}
    resource: dict[str, Any] = {}
    if options.controls_key:
        resource["Controls"] = [_q(i) for i in served_ids(cat, rule)]
    resource["Properties"] = props
    resource["Type"] = "AWS::Config::ConfigRule"
    # Dumped in a template of this rule alone, every entry sits at the depth it has in any pack: a
    # template is the Description, then each section's key followed by the entries of its rules.
    text = _dump({k: v for k, v in zip(_SECTIONS, (params, {camel: resource}, conditions)) if v})
    body = _sections(text)
    return _Part(camel, tuple(names), body.get("Parameters", b""), body["Resources"], body.get("Conditions", b""))


def _sections(text: bytes) -> dict[str, bytes]:
    """A dumped template's top-level keys -> the lines under each (every nested line is indented)."""
    out: dict[str, bytes] = {}
    key = ""  # the first line is a top-level key
    for line in text.splitlines(keepends=True):
        if line[:1] != b" ":
            key = line.split(b":", 1)[0].decode("utf-8")
            out[key] = b""
        else:
            out[key] += line
    return out


def _dump(doc: dict[str, Any]) -> bytes:
    return yaml.dump(doc, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10**6).encode("utf-8")


def _header(description: str, comment: tuple[str, ...] = ()) -> bytes:
    """The template's first lines: the comment (each line cleaned of line breaks and control characters), the Description."""
    lines = "".join(f"# {clean(line)}\n" for line in comment).encode("utf-8")
    return lines + _dump({"Description": _q(description)})


def _template(header: bytes, parts: list[_Part]) -> bytes:
    """The pack's YAML: as ``yaml.dump`` writes the whole template, assembled from the rules' parts."""
    out = [header]
    for key, field_ in zip(_SECTIONS, ("parameters", "resource", "conditions")):
        entries = [getattr(p, field_) for p in parts]
        if any(entries):
            out.append(f"{key}:\n".encode("utf-8"))
            out.extend(entries)
    return b"".join(out)


def _size(header: bytes, parts: list[_Part]) -> int:
    """len(_template(header, parts)), without building it."""
    size = len(header) + len(b"Resources:\n") + sum(len(p.parameters) + len(p.resource) + len(p.conditions) for p in parts)
    if any(p.parameters for p in parts):
        size += len(b"Parameters:\n") + len(b"Conditions:\n")
    return size


def _description(cat: Catalog, scope: Scope, part: str) -> str:
    fw = cat.framework
    text = (
        f"conformap {fw.version or 'unversioned'} (source snapshot captured {fw.source.captured or 'on an unknown date'}){part}: "
        f"AWS Config managed rules that AWS's page maps to {scope.label}. Each rule's Description starts with the ids it serves. "
        "A sample, not a compliance guarantee."
    )
    while len(text.encode("utf-8")) > MAX_TEMPLATE_DESCRIPTION:
        text = truncate(text, len(text) - 16)
    return text


def pack_rules(cat: Catalog, scope: Scope, options: PackOptions) -> tuple[Rule, ...]:
    """The rules a pack deploys, in rule id order, each once."""
    ids = sorted({m.rule_id for m in scope.mappings})
    return tuple(r for r in (cat.rule(i) for i in ids) if deployable(r, options))


def build(
    cat: Catalog, scope: Scope, options: PackOptions = PackOptions(), *, _parts: dict[str, _Part] | None = None
) -> tuple[dict[str, bytes], list[str]]:
    """The pack's files (``name.yaml``, or ``name-part-N.yaml`` when split) and notes on what was left out or split.

    ``_parts``: rules' parts already rendered with the same options (:func:`all_packs` shares them)."""
    notes: list[str] = []
    rules = pack_rules(cat, scope, options)
    skipped = sorted({m.rule_id for m in scope.mappings} - {r.id for r in rules})
    if skipped:
        notes.append(f"{scope.name}: left out {len(skipped)} rule(s) that are deprecated or not AWS managed rules: {', '.join(skipped)}")
    if not rules:
        raise PackError(f"{scope.name}: no deployable rule (all {len(skipped)} are deprecated or not managed rules)")
    cache = {} if _parts is None else _parts
    parts = [cache[r.id] if r.id in cache else cache.setdefault(r.id, _rule_part(cat, r, options)) for r in rules]
    ids = [p.logical_id for p in parts] + [n for p in parts for n in p.parameter_names]
    if len(set(ids)) != len(ids):  # validate refuses such a catalogue (conformap.load.checks.cloudformation)
        raise PackError(f"{scope.name}: two rules or input parameters give the same CloudFormation logical id")
    comment = tuple(wa_template.header_lines(cat, rules, scope.label, options.controls_key))
    groups = _split(cat, scope, parts, comment + (_split_line(99),))
    if len(groups) == 1:
        return {f"{scope.name}.yaml": _template(_header(_description(cat, scope, ""), comment), groups[0])}, notes
    notes.append(
        f"{scope.name}: {len(rules)} rules split into {len(groups)} packs to stay within AWS's limits "
        f"({MAX_RULES} rules, {MAX_PARAMETERS} parameters, {MAX_TEMPLATE_BYTES:,} bytes of template per pack)"
    )
    files = {}
    for n, group in enumerate(groups, 1):
        header = _header(_description(cat, scope, f", part {n} of {len(groups)}"), comment + (_split_line(len(groups)),))
        files[f"{scope.name}-part-{n}.yaml"] = _template(header, group)
    return files, notes


def _split_line(packs: int) -> str:
    return (
        f"- split into {packs} packs (this is one) to stay within AWS's limits: {MAX_RULES} rules, "
        f"{MAX_PARAMETERS} parameters, {MAX_TEMPLATE_BYTES:,} bytes of template per pack."
    )


def _fits(header: bytes, group: list[_Part]) -> bool:
    n_params = sum(len(p.parameter_names) for p in group)
    return len(group) <= MAX_RULES and n_params <= MAX_PARAMETERS and _size(header, group) <= MAX_TEMPLATE_BYTES


def _split(cat: Catalog, scope: Scope, parts: list[_Part], comment: tuple[str, ...]) -> list[list[_Part]]:
    """Greedy, in rule order: as many rules per pack as the limits allow.

    Sizes are measured, not guessed: a template's length is its header's plus its rules' parts (and the
    section keys), so each group is the longest run of rules that fits, found without rendering it. The
    limits are checked with the longest header a part can have (``part 99 of 99``, and ``comment``, the
    longest comment a part can have).
    """
    header = _header(_description(cat, scope, ", part 99 of 99"), comment)
    if _fits(header, parts):
        return [parts]
    groups: list[list[_Part]] = []
    start = 0
    while start < len(parts):
        if not _fits(header, parts[start : start + 1]):
            raise PackError(f"{scope.name}: rule {parts[start].logical_id} alone is over a conformance pack limit")
        end = start + 1
        while end < len(parts) and _fits(header, parts[start : end + 1]):
            end += 1
        groups.append(parts[start:end])
        start = end
    return groups


def all_packs(cat: Catalog, options: PackOptions = PackOptions()) -> tuple[dict[str, bytes], list[str]]:
    """Every pack of :func:`scopes`, by file name, with the notes of each."""
    files: dict[str, bytes] = {}
    notes: list[str] = []
    parts: dict[str, _Part] = {}
    for scope in scopes(cat):
        try:
            f, n = build(cat, scope, options, _parts=parts)
        except PackError as exc:
            notes.append(str(exc))
            continue
        files.update(f)
        notes.extend(n)
    return files, notes


@dataclass(frozen=True)
class PackSummary:
    """What a page says beside one pack: its files, what it deploys, what it leaves out and why, and the
    input parameters a user may override at deployment (``--conformance-pack-input-parameters``)."""

    name: str  # the scope's file stem: sec-8, sec-3-bp07, the framework id
    label: str
    files: tuple[str, ...]  # one, or the parts of a split pack, in order
    rules: int
    left_out: tuple[tuple[str, str], ...]  # (rule id, "deprecated" | "process check")
    parameters: tuple[str, ...]

    @property
    def mapped(self) -> int:
        """The rules of the pack's question or statement: each is deployed or left out."""
        return self.rules + len(self.left_out)


def summaries(cat: Catalog, options: PackOptions = PackOptions()) -> dict[str, PackSummary]:
    """The :class:`PackSummary` of every pack :func:`all_packs` writes, by scope name (packs that cannot be
    made are absent)."""
    out: dict[str, PackSummary] = {}
    parts: dict[str, _Part] = {}
    for scope in scopes(cat):
        try:
            files, _notes = build(cat, scope, options, _parts=parts)
        except PackError:
            continue
        rules = pack_rules(cat, scope, options)
        skipped = sorted({m.rule_id for m in scope.mappings} - {r.id for r in rules})
        left_out = tuple((r, "deprecated" if cat.rule(r).deprecated else "process check") for r in skipped)
        params = tuple(n for r in rules for n in parts[r.id].parameter_names)
        out[scope.name] = PackSummary(scope.name, scope.label, tuple(files), len(rules), left_out, params)
    return out
