"""Read every saved file once and keep, per deployed rule instance, what the reports need: its
definition, AWS's summary, its evaluation status, the counts of its results by compliance type, and
only its NON_COMPLIANT and PROACTIVE results in full (never the million COMPLIANT ones).

Where a rule instance is: answers of one account and region (``describe-config-rules``,
``get-compliance-details-by-config-rule``, ...) name no account; their rules are those of the
``describe-config-rules`` answer saved in the same folder (each rule's ARN gives account and region),
as ``conformap posture collect`` lays them out. Aggregator answers and the degraded inputs carry account
and region in every item.

When one instance's results come from several kinds of answer (the rule's details and its pack's
details, say), only the most detailed kind counts: :data:`RESULT_PRIORITY`; likewise for AWS's summary.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import orjson

from conformap import paths
from conformap.diagnostics import Diagnostic, Severity, format_json_path
from conformap.posture import inputs, shapes
from conformap.posture.inputs import InputError, Kind
from conformap.posture.status import DETECTIVE, NON_COMPLIANT, PROACTIVE

RESULT_PRIORITY = (inputs.AGGREGATE_DETAILS, inputs.DETAILS, inputs.PACK_DETAILS, inputs.SELECT, inputs.DELIVERY)
SUMMARY_PRIORITY = (inputs.COMPLIANCE, inputs.AGGREGATE_COMPLIANCE, inputs.PACK_COMPLIANCE)
RESOURCE_COMPLIANCE = "AWS::Config::ResourceCompliance"

Where = tuple[str, str, str]  # (account, region, rule name); account and region "" when unknown


def timestamp(value: object) -> datetime | None:
    """A saved timestamp (ISO text as the AWS CLI writes it, or epoch seconds) as an aware UTC datetime."""
    if isinstance(value, str):
        try:
            t = datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith("Z") else value)
        except ValueError:
            return None
        return t.replace(tzinfo=timezone.utc) if t.tzinfo is None else t.astimezone(timezone.utc)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, timezone.utc)
    return None


def iso(t: datetime | None) -> str:
    return "" if t is None else t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def arn_place(arn: object) -> tuple[str, str]:
    """(account, region) of ``arn:aws:config:REGION:ACCOUNT:config-rule/...``; "" for what is not there."""
    parts = arn.split(":", 5) if isinstance(arn, str) else []
    return (parts[4], parts[3]) if len(parts) == 6 else ("", "")


@dataclass
class Evidence:
    """What one kind of answer says about one rule instance."""

    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # DETECTIVE results by compliance type
    failing: list[tuple[str, str, str, str]] = field(default_factory=list)  # (type, id, annotation, recorded time)
    proactive: list[tuple[str, str, str, str]] = field(default_factory=list)  # (type, id, compliance type, recorded time)
    newest: datetime | None = None
    oldest: datetime | None = None
    summary: str | None = None
    capped: int | None = None
    cap_exceeded: bool = False
    file: str = ""

    def seen(self, t: datetime | None) -> None:
        if t is None:
            return
        if self.newest is None or t > self.newest:
            self.newest = t
        if self.oldest is None or t < self.oldest:
            self.oldest = t


@dataclass
class Definition:
    """A deployed rule as ``describe-config-rules`` saved it."""

    account: str
    region: str
    name: str
    owner: str
    source_identifier: str
    input_parameters: str | None
    description: str
    created_by: str
    file: str


@dataclass
class Bundle:
    files: list[tuple[str, Kind]] = field(default_factory=list)  # every file read (its label), with the kind of its (first) document
    diagnostics: list[Diagnostic] = field(default_factory=list)
    sources: list[tuple[Path, Kind]] = field(default_factory=list)  # result files, for a second pass (evaluations)
    hashes: list[str] = field(default_factory=list)  # "label sha256" of every file read

    @property
    def digest(self) -> str:
        """SHA-256 of the inputs (each file's label and content digest), the seed of the OSCAL uuids."""
        return hashlib.sha256("\n".join(sorted(self.hashes)).encode("utf-8")).hexdigest()
    definitions: dict[Where, Definition] = field(default_factory=dict)
    # Raw evidence: (scope, rule name) -> kind -> Evidence; scope ("dir", folder) or ("at", account, region).
    evidence: dict[tuple, dict[Kind, Evidence]] = field(default_factory=lambda: defaultdict(dict))
    statuses: dict[tuple, dict] = field(default_factory=dict)  # (scope, name) -> describe-config-rule-evaluation-status item
    packs: dict[tuple, set[str]] = field(default_factory=lambda: defaultdict(set))  # (scope, name) -> conformance pack names
    folders: dict[str, dict[str, tuple[str, str]]] = field(default_factory=lambda: defaultdict(dict))  # folder -> name -> (account, region)

    @property
    def degraded(self) -> bool:
        return any(k.degraded for _, k in self.files)


class _Reader:
    def __init__(self, strict: bool):
        self.strict = strict
        self.bundle = Bundle()

    def problem(self, file: str | Path, path: tuple, message: str, severity: Severity = Severity.ERROR, line: int = 0, column: int = 0) -> None:
        shown = file if isinstance(file, str) else paths.display_path(file)
        self.bundle.diagnostics.append(Diagnostic(shown, line, column, format_json_path(path), message, severity))

    def read(self, path: Path, label: str) -> None:
        shown = path  # named as display_path(path) only in a problem: computing it costs as much as reading a small file
        try:
            data = inputs.read_bytes(path)
            self.bundle.hashes.append(f"{label} {hashlib.sha256(data).hexdigest()}")
            docs = list(inputs.documents(data))
        except InputError as exc:
            self.problem(shown, (), exc.message, line=exc.line, column=exc.column)
            return
        first: Kind | None = None
        for n, doc in enumerate(docs):
            where = () if len(docs) == 1 else (f"<document {n + 1}>",)
            kind = inputs.recognise(doc)
            if kind is None or not isinstance(doc, dict):
                keys = ", ".join(sorted(doc)[:8]) if isinstance(doc, dict) else "not an object"
                self.problem(shown, where, f"not an AWS Config answer this tool reads (top-level keys: {keys}); see `conformap posture report --help`")
                continue
            first = first or kind
            if not self.check(shown, where, kind, doc):
                continue
            self.take(kind, doc, path.parent.as_posix(), label)
            if kind in inputs.RESULT_KINDS and (not self.bundle.sources or self.bundle.sources[-1] != (path, kind)):
                self.bundle.sources.append((path, kind))
        if first is not None:
            self.bundle.files.append((label, first))

    def check(self, shown: Path, where: tuple, kind: Kind, doc: dict) -> bool:
        """Problems of the document against its operation's output shape; False when it has errors."""
        found: list = []
        if kind.operation:
            extra = {k: v for k, v in doc.items() if k in inputs.IGNORED_KEYS}
            shapes.validator(kind.operation)({k: v for k, v in doc.items() if k not in extra}, where, found)
        else:
            _check_delivery(doc, where, found)
        if not any(severity == shapes.ERROR for _, _, severity in found):
            found.extend(_missing(kind, doc, where))
        if doc.get("NextToken"):
            severity = shapes.ERROR if self.strict else shapes.WARNING
            found.append((where + ("NextToken",), "a leftover NextToken: this save holds only some pages of the answer (save them all)", severity))
        errors = 0
        for n, (p, message, severity) in enumerate(found):
            if n == shapes.MAX_PROBLEMS:
                self.problem(shown, where, f"{len(found) - n} more problem(s) not listed")
                break
            sev = Severity.ERROR if severity == shapes.ERROR else Severity.WARNING
            self.problem(shown, p, message, sev)
        errors = sum(1 for _, _, s in found if s == shapes.ERROR)
        return errors == 0

    def evidence(self, scope: tuple, name: str, kind: Kind, shown: str) -> Evidence:
        by_kind = self.bundle.evidence[(scope, name)]
        ev = by_kind.get(kind)
        if ev is None:
            ev = by_kind[kind] = Evidence(file=shown)
        return ev

    def take(self, kind: Kind, doc: dict, folder: str, shown: str) -> None:
        items = doc.get(kind.key) or []
        here = ("dir", folder)
        if kind is inputs.RULES:
            for r in items:
                account, region = arn_place(r.get("ConfigRuleArn"))
                source = r.get("Source") or {}
                d = Definition(
                    account, region, r["ConfigRuleName"], source.get("Owner", ""), source.get("SourceIdentifier", ""),
                    r.get("InputParameters"), r.get("Description", ""), r.get("CreatedBy", ""), shown,
                )
                self.bundle.definitions.setdefault((account, region, d.name), d)
                self.bundle.folders[folder].setdefault(d.name, (account, region))
        elif kind in (inputs.COMPLIANCE, inputs.AGGREGATE_COMPLIANCE):
            for c in items:
                scope = ("at", c.get("AccountId", ""), c.get("AwsRegion", "")) if kind.aggregate else here
                ev = self.evidence(scope, c["ConfigRuleName"], kind, shown)
                comp = c.get("Compliance") or {}
                ev.summary = comp.get("ComplianceType")
                count = comp.get("ComplianceContributorCount") or {}
                ev.capped = count.get("CappedCount")
                ev.cap_exceeded = bool(count.get("CapExceeded"))
        elif kind is inputs.PACK_COMPLIANCE:
            for c in items:
                ev = self.evidence(here, c["ConfigRuleName"], kind, shown)
                ev.summary = c.get("ComplianceType")
                self.bundle.packs[(here, c["ConfigRuleName"])].add(doc.get("ConformancePackName", ""))
        elif kind is inputs.EVALUATION_STATUS:
            for s in items:
                self.bundle.statuses[(here, s["ConfigRuleName"])] = s
        else:
            self.results(kind, rows(kind, doc, folder), shown, doc.get("ConformancePackName"))

    def results(self, kind: Kind, rows: Iterator[Row], shown: str, pack: str | None = None) -> None:
        current: tuple | None = None
        ev = Evidence()  # replaced by the first row's
        for scope, name, rtype, rid, ct, mode, annotation, t in rows:
            if (scope, name) != current:
                current = (scope, name)
                ev = self.evidence(scope, name, kind, shown)
                if pack:
                    self.bundle.packs[current].add(pack)
            ev.seen(t)
            if mode == PROACTIVE:
                ev.proactive.append((rtype, rid, ct, iso(t)))
                continue
            ev.counts[ct] += 1
            if ct == NON_COMPLIANT:
                ev.failing.append((rtype, rid, annotation, iso(t)))


# One evaluation: (scope, rule name, resource type, resource id, compliance type, mode, annotation, recorded time).
Row = tuple[tuple, str, str, str, str, str, str, "datetime | None"]


def _missing(kind: Kind, doc: dict, where: tuple) -> Iterator[tuple[tuple, str, str]]:
    """The members the report reads that an item lacks (the shapes, already checked, make them optional)."""
    needed = inputs.NEEDED.get(kind, ())
    for i, item in enumerate(doc.get(kind.key) or [] if needed else []):
        for path in needed:
            value = item
            for depth, member in enumerate(path):
                if not isinstance(value, dict) or member not in value:
                    title = path[depth - 1] if depth else f"an item of {kind.key}"
                    yield where + (kind.key, i, *path[:depth]), f"{title} lacks the member {member!r}, which the report reads", shapes.ERROR
                    break
                value = value[member]


def rows(kind: Kind, doc: dict, folder: str) -> Iterator[Row]:
    """Every evaluation of a document of one of :data:`inputs.RESULT_KINDS`."""
    items = doc.get(kind.key) or []
    if kind is inputs.SELECT:
        yield from _compliance_rows(_select_rows(items))
    elif kind is inputs.DELIVERY:
        yield from _compliance_rows(items)
    else:
        here = ("dir", folder)
        for r in items:
            q = r["EvaluationResultIdentifier"]["EvaluationResultQualifier"]
            scope = ("at", r.get("AccountId", ""), r.get("AwsRegion", "")) if kind.aggregate else here
            yield (
                scope, q["ConfigRuleName"], q.get("ResourceType", ""), q.get("ResourceId", ""), r["ComplianceType"],
                q.get("EvaluationMode", DETECTIVE), r.get("Annotation") or "", timestamp(r.get("ResultRecordedTime")),
            )


def _compliance_rows(items) -> Iterator[Row]:
    """ResourceCompliance configuration items: one evaluation per entry of their configRuleList."""
    for ci in items:
        if not isinstance(ci, dict) or ci.get("resourceType") != RESOURCE_COMPLIANCE:
            continue
        rtype, rid = _evaluated_resource(ci)
        scope = ("at", str(ci.get("accountId", ci.get("awsAccountId", ""))), str(ci.get("awsRegion", "")))  # awsAccountId: S3 delivery's name
        t = timestamp(ci.get("configurationItemCaptureTime"))
        config = ci.get("configuration")
        if isinstance(config, str):
            try:
                config = orjson.loads(config)
            except orjson.JSONDecodeError:
                config = None
        entries = config.get("configRuleList") if isinstance(config, dict) else None
        for entry in entries if isinstance(entries, list) else ():
            name = entry.get("configRuleName") if isinstance(entry, dict) else None
            ct = entry.get("complianceType") if isinstance(entry, dict) else None
            if isinstance(name, str) and isinstance(ct, str):
                yield scope, name, rtype, rid, ct, DETECTIVE, "", t


def _evaluated_resource(ci: dict) -> tuple[str, str]:
    """A ResourceCompliance item's evaluated resource: its resourceId is ``TYPE/ID``, or its configuration names them."""
    config = ci.get("configuration")
    if isinstance(config, dict) and isinstance(config.get("resourceType"), str) and isinstance(config.get("resourceId"), str):
        return config["resourceType"], config["resourceId"]
    rid = str(ci.get("resourceId", ""))
    if rid.startswith("AWS::") and "/" in rid:
        rtype, _, rest = rid.partition("/")
        return rtype, rest
    return "", rid or str(ci.get("resourceName", ""))


def _select_rows(results: list) -> Iterator[dict]:
    """The rows of an advanced query (each a JSON text), as configuration items."""
    for text in results:
        try:
            row = orjson.loads(text)
        except orjson.JSONDecodeError:
            continue
        if isinstance(row, dict):
            row.setdefault("resourceType", RESOURCE_COMPLIANCE)
            yield row


def _check_delivery(doc: dict, where: tuple, found: list) -> None:
    """The S3 delivery file's shape (AWS Config Developer Guide): configurationItems, a list of objects."""
    items = doc.get("configurationItems")
    if not isinstance(items, list):
        found.append((where + ("configurationItems",), "expected a list of configuration items", shapes.ERROR))
        return
    for i, ci in enumerate(items):
        if not isinstance(ci, dict):
            found.append((where + ("configurationItems", i), "expected an object (a configuration item)", shapes.ERROR))
        elif ci.get("resourceType") == RESOURCE_COMPLIANCE:
            config = ci.get("configuration")
            rules = config.get("configRuleList") if isinstance(config, dict) else None
            if not isinstance(rules, list):
                found.append((where + ("configurationItems", i, "configuration"), "a ResourceCompliance item without a configRuleList list", shapes.ERROR))


def evaluations(bundle: Bundle) -> Iterator[tuple[Kind, Row]]:
    """Every evaluation of the bundle's result files again, in file order (for the CSV report: the
    bundle keeps counts, not rows). Only files that were read without error are in ``bundle.sources``."""
    for path, kind in bundle.sources:
        for doc in inputs.documents(inputs.read_bytes(path)):
            if isinstance(doc, dict) and inputs.recognise(doc) is kind:
                for row in rows(kind, doc, path.parent.as_posix()):
                    yield kind, row


def read(paths_given: list[Path], strict: bool = False) -> Bundle:
    """Every input read once, one after another, in this process; problems (file:line:col: json.path:
    message) in ``bundle.diagnostics``."""
    files, missing = inputs.expand(paths_given)
    reader = _Reader(strict)
    for f, label in files:
        reader.read(f, label)
    for m in missing:
        file, _, message = m.partition(": ")
        reader.problem(file, (), message)
    if not files and not missing:
        reader.problem("-", (), "no .json or .json.gz file among the inputs")
    elif files and not any(k is inputs.RULES for _, k in reader.bundle.files):
        reader.problem("-", (), "no describe-config-rules answer among the inputs: it is required (it says which managed rule each deployed rule is)")
    return reader.bundle
