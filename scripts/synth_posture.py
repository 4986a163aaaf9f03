"""A synthetic organisation's saved AWS Config answers, for `make bench` (deterministic for a seed).

    python scripts/synth_posture.py OUT --results 1000000 [--accounts 20] [--regions 2] [--seed 7]

Lays them out as `conformap posture collect` does, one folder per account and region:
describe-config-rules.json (300 rule instances: every catalogue rule deployed by a conformance pack and by
Security Hub where it is a managed rule, the rest custom rules that match nothing),
describe-compliance-by-config-rule.json, and one get-compliance-details-by-config-rule file per rule.
Results are spread evenly over the instances (about 70 % COMPLIANT, 20 % NON_COMPLIANT with an annotation,
10 % NOT_APPLICABLE); account ids are fictional (9000000000NN).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
INSTANCES = 300  # per account and region
REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2", "eu-central-1")
TYPES = ("AWS::S3::Bucket", "AWS::EC2::Instance", "AWS::IAM::User", "AWS::EC2::SecurityGroup", "AWS::RDS::DBInstance")
WHEN = "2026-12-01T{:02d}:{:02d}:00.000000+00:00"


def synthesize(out: Path, results: int, accounts: int = 20, regions: int = 2, seed: int = 7) -> Path:
    sys.path.insert(0, str(ROOT / "src"))
    from conformap import paths, validate

    cat, _ = validate(paths.DEFAULT_CATALOG)
    managed = [r for r in cat.rules if r.identifier]
    rng = random.Random(seed)
    shutil.rmtree(out, ignore_errors=True)
    per_instance = max(1, results // (accounts * regions * INSTANCES))
    for a in range(accounts):
        account = f"9000000000{a:02d}"
        for region in REGIONS[:regions]:
            folder = out / account / region
            folder.mkdir(parents=True)
            rules = []
            for n in range(INSTANCES):
                if n < 2 * len(managed):
                    r = managed[n % len(managed)]
                    name = f"{r.id}-conformance-pack-{seed:04d}abcd" if n < len(managed) else f"securityhub-{r.id}-{seed:02d}f3a9"
                    source = {"Owner": "AWS", "SourceIdentifier": r.identifier}
                else:
                    name = f"team-custom-check-{n:03d}"
                    source = {"Owner": "CUSTOM_LAMBDA", "SourceIdentifier": f"arn:aws:lambda:{region}:{account}:function:check-{n}"}
                rules.append({
                    "ConfigRuleName": name,
                    "ConfigRuleArn": f"arn:aws:config:{region}:{account}:config-rule/config-rule-{a:02d}{n:04d}",
                    "ConfigRuleId": f"config-rule-{a:02d}{n:04d}",
                    "Source": source,
                    "ConfigRuleState": "ACTIVE",
                })
            (folder / "describe-config-rules.json").write_bytes(orjson.dumps({"ConfigRules": rules}, option=orjson.OPT_INDENT_2))
            summary = []
            for n, rule in enumerate(rules):
                name = rule["ConfigRuleName"]
                evaluations = []
                worst = "COMPLIANT"
                for i in range(per_instance):
                    roll = rng.random()
                    ct = "COMPLIANT" if roll < 0.7 else "NON_COMPLIANT" if roll < 0.9 else "NOT_APPLICABLE"
                    rtype = TYPES[i % len(TYPES)]
                    when = WHEN.format(rng.randrange(24), rng.randrange(60))
                    e = {
                        "EvaluationResultIdentifier": {
                            "EvaluationResultQualifier": {"ConfigRuleName": name, "ResourceType": rtype, "ResourceId": f"res-{a:02d}-{i:05d}", "EvaluationMode": "DETECTIVE"},
                            "OrderingTimestamp": when,
                        },
                        "ComplianceType": ct,
                        "ResultRecordedTime": when,
                        "ConfigRuleInvokedTime": when,
                    }
                    if ct == "NON_COMPLIANT":
                        e["Annotation"] = f"synthetic finding {i} of {name}"
                        worst = ct
                    evaluations.append(e)
                (folder / f"get-compliance-details-by-config-rule-{n:03d}.json").write_bytes(orjson.dumps({"EvaluationResults": evaluations}, option=orjson.OPT_INDENT_2))
                summary.append({"ConfigRuleName": name, "Compliance": {"ComplianceType": worst}})
            (folder / "describe-compliance-by-config-rule.json").write_bytes(orjson.dumps({"ComplianceByConfigRules": summary}, option=orjson.OPT_INDENT_2))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--results", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=20)
    parser.add_argument("--regions", type=int, default=2, choices=range(1, len(REGIONS) + 1))
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    synthesize(args.out, args.results, args.accounts, args.regions, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
