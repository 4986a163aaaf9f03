"""The files a user saved: which AWS Config answer each holds (by its top-level keys, never its name),
read within size limits, one JSON document at a time.

A file is plain JSON (``.json``) or gzip-compressed JSON (``.json.gz``, AWS Config's S3 delivery). One
file may hold several JSON documents one after another (``aws ... >> results.json`` for each rule or each
page). Folders are walked recursively in sorted order (symbolic links to folders are not followed); in a
folder, files with other extensions are skipped (S3 delivery also holds ``ConfigWritabilityCheckFile``).
"""

from __future__ import annotations

import gzip
import io
import json
import os
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import orjson

from conformap import paths
from conformap.diagnostics import ConformapError

MAX_FILE_BYTES = 64 * 1024 * 1024  # one saved file, after gzip decompression
EXTENSIONS = (".json", ".json.gz")


@dataclass(frozen=True)
class Kind:
    """One kind of saved answer: the AWS CLI command that writes it, its botocore operation and the list
    member that recognises it; ``aggregate``: its items carry account and region; ``degraded``: it holds
    no annotation nor evaluation status (flagged as such in every report)."""

    command: str
    operation: str
    key: str
    aggregate: bool = False
    degraded: bool = False

    def __reduce__(self):
        """Pickled as a reference: a kind read in another process is the same object (kinds are compared with ``is``)."""
        return (kind_of, (self.key,))


def kind_of(key: str) -> Kind:
    return next(k for k in KINDS if k.key == key)


RULES = Kind("describe-config-rules", "DescribeConfigRules", "ConfigRules")
COMPLIANCE = Kind("describe-compliance-by-config-rule", "DescribeComplianceByConfigRule", "ComplianceByConfigRules")
DETAILS = Kind("get-compliance-details-by-config-rule", "GetComplianceDetailsByConfigRule", "EvaluationResults")
EVALUATION_STATUS = Kind("describe-config-rule-evaluation-status", "DescribeConfigRuleEvaluationStatus", "ConfigRulesEvaluationStatus")
PACK_COMPLIANCE = Kind("describe-conformance-pack-compliance", "DescribeConformancePackCompliance", "ConformancePackRuleComplianceList")
PACK_DETAILS = Kind("get-conformance-pack-compliance-details", "GetConformancePackComplianceDetails", "ConformancePackRuleEvaluationResults")
AGGREGATE_COMPLIANCE = Kind(
    "describe-aggregate-compliance-by-config-rules", "DescribeAggregateComplianceByConfigRules", "AggregateComplianceByConfigRules", aggregate=True
)
AGGREGATE_DETAILS = Kind(
    "get-aggregate-compliance-details-by-config-rule", "GetAggregateComplianceDetailsByConfigRule", "AggregateEvaluationResults", aggregate=True
)
# select-aggregate-resource-config answers in the same shape; its rows carry accountId and awsRegion.
SELECT = Kind("select-resource-config", "SelectResourceConfig", "Results", aggregate=True, degraded=True)
# AWS Config's S3 delivery (ConfigSnapshot / ConfigHistory files): documented in the developer guide, not in botocore.
DELIVERY = Kind("S3 delivery (ConfigSnapshot / ConfigHistory)", "", "configurationItems", aggregate=True, degraded=True)

# The members of each item the report reads, as paths: botocore's shapes make most of them optional.
_RULE_NAME = (("ConfigRuleName",),)
_RESULT = (("EvaluationResultIdentifier", "EvaluationResultQualifier", "ConfigRuleName"), ("ComplianceType",))
NEEDED: dict[Kind, tuple[tuple[str, ...], ...]] = {
    RULES: _RULE_NAME, COMPLIANCE: _RULE_NAME, EVALUATION_STATUS: _RULE_NAME, PACK_COMPLIANCE: _RULE_NAME, AGGREGATE_COMPLIANCE: _RULE_NAME,
    DETAILS: _RESULT, PACK_DETAILS: _RESULT, AGGREGATE_DETAILS: _RESULT,
}

KINDS: tuple[Kind, ...] = (
    RULES, COMPLIANCE, DETAILS, EVALUATION_STATUS, PACK_COMPLIANCE, PACK_DETAILS, AGGREGATE_COMPLIANCE, AGGREGATE_DETAILS, SELECT, DELIVERY,
)
RESULT_KINDS = (DETAILS, PACK_DETAILS, AGGREGATE_DETAILS, SELECT, DELIVERY)  # per-resource evaluations
# Keys a saved answer may carry beside its operation's members: boto3's response metadata.
IGNORED_KEYS = frozenset({"ResponseMetadata"})


class InputError(ConformapError):
    """A file that cannot be read as saved AWS Config answers; ``line``/``column`` 0 when unknown.
    :mod:`.bundle` turns it into a diagnostic naming the file, so that every input's problems are reported."""

    def __init__(self, message: str, line: int = 0, column: int = 0):
        super().__init__(lines=[message], message=message)
        self.message, self.line, self.column = message, line, column


def recognise(doc: object) -> Kind | None:
    """The kind whose list member the document holds, when exactly one does."""
    if not isinstance(doc, dict):
        return None
    found = [k for k in KINDS if k.key in doc]
    return found[0] if len(found) == 1 else None


def expand(inputs: list[Path]) -> tuple[list[tuple[Path, str]], list[str]]:
    """The files to read (a file as given; a folder's ``.json``/``.json.gz`` files, recursively, in
    sorted order), each with its label in reports (its name, under its folder's name: never a path of
    the machine, so that the same bundle gives the same report anywhere), and a problem per input that
    is neither."""
    files: list[tuple[Path, str]] = []
    problems: list[str] = []
    for given in inputs:
        if given.is_dir():
            found: list[Path] = []
            for root, dirs, names in os.walk(given):
                dirs.sort()
                found.extend(Path(root, n) for n in names if n.endswith(EXTENSIONS) and not n.startswith("."))
            label = Path(os.path.abspath(given)).name
            files.extend((p, f"{label}/{p.relative_to(given).as_posix()}") for p in sorted(found, key=lambda p: p.relative_to(given).as_posix()))
        elif given.is_file():
            files.append((given, given.name))
        else:
            problems.append(f"{paths.display_path(given)}: no such file or folder")
    return files, problems


def read_bytes(path: Path) -> bytes:
    """The file's bytes, gzip-decompressed for ``.gz``, refused over :data:`MAX_FILE_BYTES`."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise InputError(f"larger than {MAX_FILE_BYTES // 2**20} MiB; save the answer in several files (one per rule or page)")
    if path.name.endswith(".gz") or data[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as gz:
                data = gz.read(MAX_FILE_BYTES + 1)
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError(f"not a gzip file: {exc}") from None
        if len(data) > MAX_FILE_BYTES:
            raise InputError(f"decompresses to more than {MAX_FILE_BYTES // 2**20} MiB")
    return data


def documents(data: bytes) -> Iterator[object]:
    """Every JSON document of the file: one, or several written one after another."""
    if data.startswith(b"\xef\xbb\xbf"):
        raise InputError("starts with a byte-order mark; save the file as plain UTF-8", 1, 1)
    try:
        yield orjson.loads(data)
        return
    except orjson.JSONDecodeError:
        pass
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", line, 1) from None
    decoder = json.JSONDecoder()
    pos, n = 0, 0
    while True:
        while pos < len(text) and text[pos] in " \t\r\n":
            pos += 1
        if pos == len(text):
            if n == 0:
                raise InputError("empty file", 1, 1)
            return
        try:
            doc, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise InputError(f"not JSON: {exc.msg}", exc.lineno, exc.colno) from None
        except RecursionError:
            raise InputError("not JSON this tool reads: nested too deeply") from None
        yield doc
        pos, n = end, n + 1
