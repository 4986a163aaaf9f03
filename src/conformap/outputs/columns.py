"""The data dictionary: every column of the mapping table (CSV and the workbook's Mappings sheet) and the
JSON fields they come from, with type and meaning, defined once.

The CSV export, the workbook (its Mappings header and the About sheet's dictionary), the JSON Schema's
descriptions (``schema/export.schema.json``; a test checks they agree) and the Downloads page read it.
"""

from __future__ import annotations

from dataclasses import dataclass

from conformap.load import schema

# How a list is written in one CSV or spreadsheet cell.
LIST_SEPARATOR = ";"


@dataclass(frozen=True)
class Column:
    """A column. A column that is a field of mappings.json (``json``: its path there) has the meaning the JSON
    Schema gives that field (:func:`meaning`): the schema's descriptions are the dictionary."""

    name: str
    type: str  # "text", "id", "url", "boolean", "integer list"
    note: str = ""  # the meaning of a column that is no JSON field; for a JSON field, what the table adds
    json: tuple[str, ...] | None = None  # path of the field in mappings.json


def meaning(column: Column) -> str:
    """What a column holds: the JSON Schema's description of its field, then the column's own note."""
    if column.json is None:
        return column.note
    described = schema.description_at("export.schema.json", column.json)
    return f"{described} {column.note}".strip()


# The rule's crosswalk ids (names are the keys of crosswalks.rules in mappings.json), on the Mappings and Rules sheets.
CROSSWALK_COLUMNS: tuple[Column, ...] = (
    Column(
        "security_hub_controls",
        "id list",
        f"Separated by '{LIST_SEPARATOR}'; empty when no Security Hub control names the rule.",
        ("crosswalks", "rules", "security_hub_controls"),
    ),
    Column(
        "nist_800_53_r5",
        "id list",
        f"Separated by '{LIST_SEPARATOR}'; empty when the rule's Security Hub controls list none (or it has none).",
        ("crosswalks", "rules", "nist_800_53_r5"),
    ),
)

MAPPING_COLUMNS: tuple[Column, ...] = (
    Column("control_id", "id", "E.g. SEC-8.", ("mappings", "control")),
    Column("framework_question_id", "id", "E.g. SEC08; empty when the framework has none.", ("controls", "framework_question_id")),
    Column("control_question", "text", "", ("controls", "question")),
    Column("statement_id", "id", "", ("mappings", "statement")),
    Column("statement", "text", "", ("controls", "statements", "text")),
    Column("best_practice", "id", "Id of the Well-Architected best practice the statement is, e.g. SEC03-BP07; empty for a question description."),
    Column("rule", "id", "E.g. s3-bucket-public-read-prohibited.", ("mappings", "rule")),
    Column("rule_identifier", "id", "Used in conformance packs and the AWS API.", ("rules", "identifier")),
    Column("rule_kind", "text", "", ("rules", "kind")),
    Column("service", "text", "", ("rules", "service")),
    Column("trigger", "text", "", ("rules", "trigger")),
    Column("deprecated", "boolean", "true when AWS has replaced the rule (packs leave it out by default), else false."),
    Column("deprecated_successor", "id", "Empty for a current rule.", ("rules", "deprecated", "successor")),
    Column("guidance", "text", "", ("rules", "guidance")),
    Column(
        "source_rows",
        "integer list",
        f"Several rows are separated by '{LIST_SEPARATOR}' in CSV and XLSX; empty for a contributed mapping.",
        ("mappings", "source_rows"),
    ),
    Column("printed_statement", "id", "Usually empty.", ("mappings", "printed_statement")),
    Column("rationale", "text", "Empty for a mapping copied from the source.", ("mappings", "rationale")),
    Column("rule_documentation_url", "url", "", ("rules", "documentation_url")),
    Column("source_url", "url", "The same on every row.", ("framework", "source", "url")),
    *CROSSWALK_COLUMNS,
)

# Top-level facts of mappings.json that are no table column (the CSV stays a plain table: its version is in
# downloads/manifest.json and in the file name's folder).
JSON_FIELDS: tuple[Column, ...] = (
    Column("catalogue_version", "text", "", ("catalogue_version",)),
    Column("source.captured", "text", "", ("framework", "source", "captured")),
)

# The workbook's Rules and Questions sheets (one row per rule, one per question).
RULE_COLUMNS: tuple[Column, ...] = (
    Column("rule", "id", "Name of the AWS Config rule."),
    Column("rule_identifier", "id", "The managed rule's SourceIdentifier."),
    Column("rule_kind", "text", "managed or process-check."),
    Column("service", "text", "AWS service the rule checks."),
    Column("trigger", "text", "When AWS Config evaluates the rule."),
    Column("deprecated", "boolean", "true when AWS has replaced the rule."),
    Column("deprecated_successor", "id", "The rule that replaces a deprecated rule."),
    Column("controls", "id list", f"Questions the rule is mapped to, separated by '{LIST_SEPARATOR}'."),
    Column("mappings", "integer", "Number of mappings of the rule."),
    Column("resource_types", "text list", f"Resource types the rule evaluates, separated by '{LIST_SEPARATOR}'; empty when AWS does not state them."),
    Column("regions_note", "text", "Where the rule is available, as AWS states it; packs that deploy the rule fail in other regions."),
    Column("description", "text", "What the rule checks, from AWS's documentation."),
    Column("rule_documentation_url", "url", "The rule's page in the AWS Config Developer Guide."),
    *CROSSWALK_COLUMNS,
)

QUESTION_COLUMNS: tuple[Column, ...] = (
    Column("control_id", "id", "Id of the question, e.g. SEC-8."),
    Column("framework_question_id", "id", "The question's id in the current AWS Well-Architected Framework, e.g. SEC08."),
    Column("question", "text", "The question, as the source page words it (or the framework, for a question the page omits)."),
    Column("in_source", "boolean", "true when the source page maps at least one rule to the question."),
    Column("statements", "integer", "Number of statements (description, best practices) the source prints for the question."),
    Column("rules", "integer", "Number of distinct rules mapped to the question."),
    Column("mappings", "integer", "Number of mappings (rule, statement) of the question."),
    Column("note", "text", "Editorial note on the question."),
)

CSV_COLUMNS: tuple[str, ...] = tuple(c.name for c in MAPPING_COLUMNS)

# ``conformap posture report --format csv``: one row per question x rule instance x resource evaluation
# (statuses: conformap.posture.status).
POSTURE_COLUMNS: tuple[Column, ...] = (
    Column("control_id", "id", "The question, e.g. SEC-8."),
    Column("question_status", "text", "FAIL, PASS or NOT_EVALUATED: the question's status over all its mapped rules (a PASS is never a compliance statement)."),
    Column("rule", "id", "The catalogue rule the deployed rule is (matched by its SourceIdentifier)."),
    Column("rule_status", "text", "The catalogue rule over its deployed instances: NON_COMPLIANT, COMPLIANT, ERROR, INSUFFICIENT_DATA, NO_RESULT or NOT_DEPLOYED."),
    Column("config_rule_name", "text", "The deployed AWS Config rule's name; empty when the rule is not deployed."),
    Column("account", "id", "AWS account of the deployed rule; empty when unknown."),
    Column("region", "id", "AWS Region of the deployed rule; empty when unknown."),
    Column("custom_implementation", "boolean", "true when a process check or custom rule was matched by its name, not by a managed rule identifier."),
    Column("instance_status", "text", "The deployed rule's status: NON_COMPLIANT, COMPLIANT, ERROR, INSUFFICIENT_DATA or NO_RESULT (NOT_DEPLOYED on a rule's only row when it is not deployed)."),
    Column("resource_type", "text", "Type of the evaluated resource; empty on a rule's row without evaluation."),
    Column("resource_id", "text", "Id of the evaluated resource (as AWS Config reports it)."),
    Column("compliance", "text", "The evaluation's result: COMPLIANT, NON_COMPLIANT, NOT_APPLICABLE or INSUFFICIENT_DATA."),
    Column("evaluation_mode", "text", "DETECTIVE (counted) or PROACTIVE (listed apart, never counted)."),
    Column("annotation", "text", "The rule's explanation of the result, as AWS Config saved it."),
    Column("recorded", "text", "When AWS Config recorded the result (UTC, ISO 8601)."),
    Column("source", "text", "The AWS CLI command whose saved answer the row comes from (degraded inputs carry no annotation)."),
)


def dictionary() -> tuple[tuple[str, tuple[Column, ...]], ...]:
    """Every documented table and its columns, in the order readers see them (the Downloads page, the About sheet)."""
    return (
        ("CSV and the Mappings sheet", MAPPING_COLUMNS),
        ("Rules sheet", RULE_COLUMNS),
        ("Questions sheet", QUESTION_COLUMNS),
        ("mappings.json (top level)", JSON_FIELDS),
    )
