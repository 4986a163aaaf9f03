"""Maintenance task: (re)build catalog/ from AWS's page and the reference facts gathered for it.

    python scripts/bootstrap_catalog.py PAGE MANAGED_RULES_JSON PILLAR_JSON

1. ``conformap import-aws-page PAGE`` writes what the page carries (questions, statements,
   guidance, mappings with row numbers);
2. rule metadata (identifier, trigger, resource types, parameters, the conformance pack's
   values, regions, sources) is copied from MANAGED_RULES_JSON, a record per rule gathered from
   the AWS Config developer guide and AWS's conformance pack template;
3. the Security Pillar crosswalk (question ids, current wording, best-practice ids) and the
   questions the page does not map (SEC-7, SEC-10, SEC-11) come from PILLAR_JSON.

The catalogue owns the result: nothing the project runs or tests reads those JSON files.
Run it again only to re-derive the catalogue from updated reference files; day-to-day
updates from AWS use ``conformap import-aws-page`` alone, which keeps curated fields.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from conformap import paths
from conformap.writing import write_file
from conformap.ingest.page_import import import_page, render
from conformap.load.yamlio import read_yaml

# Rule-name prefix -> AWS service, longest prefix first. A curated fact: edit rules/*.yaml to change one.
SERVICES = [
    ("account-part-of-organizations", "AWS Organizations"),
    ("acm-", "AWS Certificate Manager"),
    ("alb-", "Elastic Load Balancing"),
    ("api-gw-", "Amazon API Gateway"),
    ("autoscaling-", "Amazon EC2 Auto Scaling"),
    ("backup-", "AWS Backup"),
    ("cloud-trail-", "AWS CloudTrail"),
    ("cloudtrail-", "AWS CloudTrail"),
    ("multi-region-cloudtrail-", "AWS CloudTrail"),
    ("cloudwatch-", "Amazon CloudWatch"),
    ("cw-loggroup-", "Amazon CloudWatch"),
    ("codebuild-", "AWS CodeBuild"),
    ("dms-", "AWS Database Migration Service"),
    ("dynamodb-", "Amazon DynamoDB"),
    ("ebs-", "Amazon EBS"),
    ("encrypted-volumes", "Amazon EBS"),
    ("ec2-ebs-", "Amazon EBS"),
    ("ec2-volume-", "Amazon EBS"),
    ("ec2-managedinstance-", "AWS Systems Manager"),
    ("ec2-instance-managed-by-systems-manager", "AWS Systems Manager"),
    ("ssm-", "AWS Systems Manager"),
    ("ec2-security-group-", "Amazon VPC"),
    ("ec2-", "Amazon EC2"),
    ("ecr-", "Amazon ECR"),
    ("ecs-", "Amazon ECS"),
    ("efs-", "Amazon EFS"),
    ("elastic-beanstalk-", "AWS Elastic Beanstalk"),
    ("elasticsearch-", "Amazon OpenSearch Service"),
    ("opensearch-", "Amazon OpenSearch Service"),
    ("elb-", "Elastic Load Balancing"),
    ("elbv2-", "Elastic Load Balancing"),
    ("emr-", "Amazon EMR"),
    ("guardduty-", "Amazon GuardDuty"),
    ("iam-customer-policy-blocked-kms-actions", "AWS IAM"),
    ("iam-", "AWS IAM"),
    ("mfa-enabled-for-iam-console-access", "AWS IAM"),
    ("root-account-", "AWS IAM"),
    ("access-keys-rotated", "AWS IAM"),
    ("kms-", "AWS KMS"),
    ("lambda-", "AWS Lambda"),
    ("no-unrestricted-route-to-igw", "Amazon VPC"),
    ("rds-", "Amazon RDS"),
    ("redshift-", "Amazon Redshift"),
    ("restricted-", "Amazon VPC"),
    ("s3-", "Amazon S3"),
    ("sagemaker-", "Amazon SageMaker"),
    ("secretsmanager-", "AWS Secrets Manager"),
    ("securityhub-", "AWS Security Hub"),
    ("sns-", "Amazon SNS"),
    ("subnet-", "Amazon VPC"),
    ("vpc-", "Amazon VPC"),
    ("waf-regional-", "AWS WAF"),
    ("wafv2-", "AWS WAF"),
]

DOC_URL = "https://docs.aws.amazon.com/config/latest/developerguide/{}.html"
PAGE_URL = "https://docs.aws.amazon.com/config/latest/developerguide/operational-best-practices-for-wa-Security-Pillar.html"
TEMPLATE_URL = (
    "https://github.com/awslabs/aws-config-rules/blob/master/aws-config-conformance-packs/"
    "Operational-Best-Practices-for-AWS-Well-Architected-Security-Pillar.yaml"
)
DEPRECATION_REASON = (
    "Amazon Elasticsearch Service was renamed Amazon OpenSearch Service in 2021; AWS Config added the "
    "opensearch-* rule, which the source page maps beside this one."
)


def service_for(rule_id: str) -> str:
    for prefix, service in sorted(SERVICES, key=lambda p: -len(p[0])):
        if rule_id.startswith(prefix):
            return service
    raise SystemExit(f"no service known for rule {rule_id}; add it to SERVICES")


def enrich_rule(rule: dict, ref: dict) -> dict:
    rule["identifier"] = ref["identifier"]
    rule["service"] = service_for(rule["id"])
    rule["trigger"] = ref["trigger"]
    rule["description"] = ref["description"]
    rule["documentation_url"] = DOC_URL.format(rule["id"])
    if ref.get("resource_types") is not None:
        rule["resource_types"] = ref["resource_types"]
    if ref.get("resource_types_current_docs") is not None:
        rule["resource_types_current_docs"] = ref["resource_types_current_docs"]
    if ref.get("regions_note"):
        rule["regions_note"] = ref["regions_note"]
    params = []
    for p in ref["parameters"]:
        item = {"name": p["name"], "type": p["type"], "optional": p["optional"]}
        if p.get("default") is not None:
            item["default"] = p["default"]
        if p.get("description"):
            item["description"] = p["description"]
        params.append(item)
    if params:
        rule["parameters"] = params
    pack = {}
    if ref.get("well_architected_pack_input_parameters"):
        pack["input_parameters"] = ref["well_architected_pack_input_parameters"]
    if ref.get("well_architected_pack_scope"):
        pack["scope_resource_types"] = ref["well_architected_pack_scope"]
    if pack:
        rule["conformance_pack"] = pack
    if rule["id"].startswith("elasticsearch-"):
        rule["deprecated"] = {"successor": "opensearch-" + rule["id"][len("elasticsearch-"):], "reason": DEPRECATION_REASON}
    rule["sources"] = [_clean_source(s) for s in ref["source"]]
    return rule


def _clean_source(source: dict) -> dict:
    """A URL with a remark after it ("... .md (no Resource Types line)") becomes url + note."""
    source = dict(source)
    url = source.get("url", "")
    if " " in url:
        url, remark = url.split(" ", 1)
        source["url"] = url
        source["note"] = f"{source['note']}; {remark.strip('()')}" if source.get("note") else remark.strip("()")
    return source


def enrich_control(control: dict, question: dict, crosswalk: list[dict], bps: dict[str, dict]) -> dict:
    control["framework_question_id"] = question["id"]
    if question["title"] != control["question"]:
        control["current_question"] = question["title"]
    for st in control.get("statements", []):
        for entry in crosswalk:
            if entry["seed_control"] == control["id"] and st["text"].startswith(entry["seed_description_starts"]) and entry.get("maps_to_best_practice"):
                bp = bps[entry["maps_to_best_practice"]]
                st["kind"] = "best-practice"
                st["id"] = f"{control['id']}.{bp['id'].split('-')[-1]}"
                st["best_practice"] = {"id": bp["id"], "title": bp["title"], "url": bp["source_url"], "evidence": entry["evidence"]}
    return control


def main(argv: list[str]) -> int:
    page, rules_json, pillar_json = map(Path, argv)
    root = paths.DEFAULT_CATALOG
    report = import_page(page, root)
    for note in report.notes:
        print("note:", note)
    refs = {r["name"]: r for r in json.loads(rules_json.read_text(encoding="utf-8"))}
    pillar = json.loads(pillar_json.read_text(encoding="utf-8"))
    bps = {bp["id"]: bp for q in pillar["questions"] for bp in q["best_practices"]}

    renamed: dict[str, str] = {}
    for q in pillar["questions"]:
        cid = f"SEC-{q['number']}"
        rel = f"{paths.CONTROLS_DIR}/{cid}.yaml"
        file = root / rel
        if file.is_file():
            control = read_yaml(file).data
            before = [s["id"] for s in control["statements"]]
            control = enrich_control(control, q, pillar["seed_description_mapping"], bps)
            renamed.update({a: b for a, b in zip(before, (s["id"] for s in control["statements"])) if a != b})
        else:
            control = {
                "id": cid,
                "number": q["number"],
                "question": q["title"],
                "framework_question_id": q["id"],
                "in_source": False,
                "note": "The source page maps no AWS Config rule to this question.",
                "statements": [],
            }
        control["sources"] = [{"repo": pillar["snapshot"]["via"]["repo"], "path": pillar["snapshot"]["via"]["path"], "commit": pillar["snapshot"]["via"]["commit"], "note": pillar["snapshot"]["via"]["note"]}]
        write_file(file, render(control, "control", rel))

    for file in sorted((root / paths.RULES_DIR).glob("*.yaml")):
        rel = f"{paths.RULES_DIR}/{file.name}"
        rule = read_yaml(file).data
        for m in rule["mappings"]:
            m["statement"] = renamed.get(m["statement"], m["statement"])
            if "printed_statement" in m:
                m["printed_statement"] = renamed.get(m["printed_statement"], m["printed_statement"])
        rule = enrich_rule(rule, refs[rule["id"]])
        write_file(file, render(rule, "rule", rel))

    fw_file = root / paths.FRAMEWORK_FILE
    fw = read_yaml(fw_file).data
    text = page.read_text(encoding="utf-8").split("\n")
    fw.update(
        {
            "id": "aws-wa-security-pillar",
            "title": "AWS Well-Architected Framework Security Pillar",
            "publisher": "Amazon Web Services",
            "url": "https://docs.aws.amazon.com/wellarchitected/latest/security-pillar/welcome.html",
            "description": (
                "The Security Pillar of the AWS Well-Architected Framework asks how a workload is secured, "
                "question by question (SEC 1 to SEC 11). AWS Config's Operational Best Practices page maps "
                "AWS Config managed rules to those questions."
            ),
        }
    )
    fw["source"].update(
        {
            "url": PAGE_URL,
            "template_url": TEMPLATE_URL,
            "notice": text[4].strip(),
            "license": "AWS documentation page on docs.aws.amazon.com; it states no open licence (AWS site terms); quoted with attribution (see NOTICE.md).",
        }
    )
    write_file(fw_file, render(fw, "framework", paths.FRAMEWORK_FILE))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
