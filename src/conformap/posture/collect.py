"""``conformap posture collect``: save, with boto3, every AWS Config answer ``posture report`` reads,
exactly as the AWS CLI would write it (``--output json``: indented by four spaces, timestamps in ISO 8601,
every page merged, no ``NextToken``), one folder per account and region::

    OUT/<account>/<region>/describe-config-rules.json
                           describe-compliance-by-config-rule.json
                           describe-config-rule-evaluation-status.json
                           get-compliance-details-by-config-rule/<rule>.json
                           describe-conformance-pack-compliance/<pack>.json
                           get-conformance-pack-compliance-details/<pack>.json
    OUT/aggregator/describe-aggregate-compliance-by-config-rules.json      (with --aggregator NAME)
    OUT/aggregator/get-aggregate-compliance-details-by-config-rule/<account>-<region>-<rule>.json

Every call is paginated: botocore's paginator where it has one, a manual ``NextToken`` loop for
``get-conformance-pack-compliance-details``; throttling is retried with exponential backoff. boto3 is an
optional dependency (``pip install conformap[aws]``); ``posture report`` never needs it.
"""

from __future__ import annotations

import json
import re
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from botocore.exceptions import BotoCoreError, ClientError

from conformap.diagnostics import ConformapError
from conformap.escape import terminal
from conformap.writing import write_file


class CollectError(ConformapError):
    """``posture collect`` could not read the account (no boto3, an AWS error); what was saved stays."""

    def __init__(self, message: str):
        line = f"conformap posture collect: {message}"
        super().__init__(lines=[line], message=line)

THROTTLING = frozenset({"Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded", "SlowDown"})
MAX_ATTEMPTS = 8
BASE_DELAY = 0.5  # seconds; doubled at each retry, at most MAX_DELAY
MAX_DELAY = 20.0
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


def cli_json(data: dict) -> bytes:
    """What ``aws ... --output json`` prints for a response: four-space indent, ISO timestamps, no metadata."""
    data = {k: v for k, v in data.items() if k != "ResponseMetadata"}
    return (json.dumps(data, indent=4, ensure_ascii=False, default=_default) + "\n").encode("utf-8")


def _default(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def file_name(name: str) -> str:
    """A rule or pack name as a file name: unsafe characters as ``_``; the name is in the file anyway."""
    return _UNSAFE.sub("_", name)[:200] + ".json"


class Collector:
    def __init__(self, client, sleep: Callable[[float], None] = time.sleep):
        self.client = client
        self.sleep = sleep

    def _throttled(self, exc: Exception, attempt: int) -> bool:
        """True (after sleeping) when ``exc`` is throttling and another attempt is allowed."""
        if not isinstance(exc, ClientError) or exc.response.get("Error", {}).get("Code") not in THROTTLING or attempt >= MAX_ATTEMPTS - 1:
            return False
        self.sleep(min(BASE_DELAY * 2**attempt, MAX_DELAY))
        return True

    def all_pages(self, operation: str, **params) -> dict:
        """Every page of ``operation`` merged as the AWS CLI merges them (result lists joined, NextToken dropped).

        botocore's paginator where there is one (a throttled page is asked again from the last token), else
        a manual NextToken loop."""
        paginated = self.client.can_paginate(operation)
        keys = [k.expression for k in self.client.get_paginator(operation).result_keys] if paginated else []
        method = getattr(self.client, operation)
        merged: dict | None = None
        token: str | None = None
        attempt = 0
        while True:
            try:
                if paginated:
                    pages = self.client.get_paginator(operation).paginate(**params, PaginationConfig={"StartingToken": token} if token else {})
                    for page in pages:
                        merged = _merge(merged, page, keys)
                        token, attempt = page.get("NextToken"), 0
                    return _finish(merged)
                page = method(**params, **({"NextToken": token} if token else {}))
            except Exception as exc:  # botocore's ClientError; anything else is raised again at once
                if not self._throttled(exc, attempt):
                    raise
                attempt += 1
                continue
            merged = _merge(merged, page, [k for k, v in page.items() if isinstance(v, list)])
            token, attempt = page.get("NextToken"), 0
            if not token:
                return _finish(merged)


def _merge(merged: dict | None, page: dict, keys: list[str]) -> dict:
    if merged is None:
        return {k: (list(v) if k in keys else v) for k, v in page.items()}
    for k in keys:
        if k in page:
            merged.setdefault(k, []).extend(page[k])
    return merged


def _finish(merged: dict | None) -> dict:
    return {k: v for k, v in (merged or {}).items() if k not in ("NextToken", "nextToken", "ResponseMetadata")}


def collect_region(config_client, account: str, region: str, out: Path, sleep: Callable[[float], None] = time.sleep) -> list[Path]:
    """Save every answer of one account and region; the files written."""
    c = Collector(config_client, sleep)
    folder = out / account / region
    written: list[Path] = []

    def save(rel: str, data: dict) -> None:
        path = folder / rel
        write_file(path, cli_json(data))
        written.append(path)

    rules = c.all_pages("describe_config_rules")
    save("describe-config-rules.json", rules)
    save("describe-compliance-by-config-rule.json", c.all_pages("describe_compliance_by_config_rule"))
    save("describe-config-rule-evaluation-status.json", c.all_pages("describe_config_rule_evaluation_status"))
    for rule in rules.get("ConfigRules", []):
        name = rule["ConfigRuleName"]
        save(f"get-compliance-details-by-config-rule/{file_name(name)}", c.all_pages("get_compliance_details_by_config_rule", ConfigRuleName=name))
    packs = c.all_pages("describe_conformance_packs")
    for pack in packs.get("ConformancePackDetails", []):
        name = pack["ConformancePackName"]
        save(f"describe-conformance-pack-compliance/{file_name(name)}", c.all_pages("describe_conformance_pack_compliance", ConformancePackName=name))
        save(f"get-conformance-pack-compliance-details/{file_name(name)}", c.all_pages("get_conformance_pack_compliance_details", ConformancePackName=name))
    return written


def collect_aggregator(config_client, aggregator: str, out: Path, sleep: Callable[[float], None] = time.sleep) -> list[Path]:
    c = Collector(config_client, sleep)
    folder = out / "aggregator"
    written = []
    compliance = c.all_pages("describe_aggregate_compliance_by_config_rules", ConfigurationAggregatorName=aggregator)
    path = folder / "describe-aggregate-compliance-by-config-rules.json"
    write_file(path, cli_json(compliance))
    written.append(path)
    for item in compliance.get("AggregateComplianceByConfigRules", []):
        details = c.all_pages(
            "get_aggregate_compliance_details_by_config_rule",
            ConfigurationAggregatorName=aggregator, ConfigRuleName=item["ConfigRuleName"], AccountId=item["AccountId"], AwsRegion=item["AwsRegion"],
        )
        path = folder / "get-aggregate-compliance-details-by-config-rule" / file_name(f"{item['AccountId']}-{item['AwsRegion']}-{item['ConfigRuleName']}")
        write_file(path, cli_json(details))
        written.append(path)
    return written


def run(args) -> int:
    try:
        # Lazy: boto3 is the optional extra conformap[aws] (not a runtime dependency); without it the
        # command says how to install it.
        import boto3
    except ImportError:
        raise CollectError("needs boto3: pip install 'conformap[aws]'") from None
    try:
        session = boto3.Session(profile_name=args.profile)
        account = session.client("sts", region_name=args.regions[0]).get_caller_identity()["Account"]
        for region in args.regions:
            collect_region(session.client("config", region_name=region), account, region, args.out)
        if args.aggregator:
            collect_aggregator(session.client("config", region_name=args.regions[0]), args.aggregator, args.out)
    except (BotoCoreError, ClientError) as exc:
        raise CollectError(terminal(exc)) from None
    print(f"saved into {terminal(args.out)}; now: conformap posture report {terminal(args.out)}", file=sys.stderr)
    return 0
