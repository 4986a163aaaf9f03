"""The status model: the one definition of every status a posture report prints, and of how statuses
add up from a rule instance to a catalogue rule, a question and a best-practice statement.

* A result (one resource evaluated by one rule instance): AWS's ``ComplianceType``. DETECTIVE results
  count; PROACTIVE ones (a resource checked before it was deployed) are listed apart and never counted.
* A rule instance (one deployed AWS Config rule in one account and region): :func:`instance_status`.
* A catalogue rule: :func:`rule_status` over its instances, ``NOT_DEPLOYED`` when it has none.
* A question or statement: :func:`question_status` over its mapped catalogue rules: ``FAIL`` if any is
  ``NON_COMPLIANT``; ``PASS`` only if at least one was evaluated (``COMPLIANT``) and none fails;
  ``NOT_EVALUATED`` otherwise. A PASS is always shown with its coverage ("PASS on 3 of 29 rules").
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Result compliance types (AWS's values).
COMPLIANT = "COMPLIANT"
NON_COMPLIANT = "NON_COMPLIANT"
NOT_APPLICABLE = "NOT_APPLICABLE"
INSUFFICIENT_DATA = "INSUFFICIENT_DATA"
# Instance and rule statuses beyond AWS's.
NO_RESULT = "NO_RESULT"
ERROR = "ERROR"
NOT_DEPLOYED = "NOT_DEPLOYED"
# Question and statement statuses.
PASS = "PASS"
FAIL = "FAIL"
NOT_EVALUATED = "NOT_EVALUATED"

DETECTIVE = "DETECTIVE"
PROACTIVE = "PROACTIVE"

INSTANCE_STATUSES = (NON_COMPLIANT, COMPLIANT, ERROR, INSUFFICIENT_DATA, NO_RESULT)  # also the precedence of rule_status
RULE_STATUSES = INSTANCE_STATUSES + (NOT_DEPLOYED,)
QUESTION_STATUSES = (FAIL, PASS, NOT_EVALUATED)
# The keys of a question's "rules" counts, in the order every report prints them.
COUNT_KEYS = ("mapped", "deployed", "compliant", "non_compliant", "error", "insufficient_data", "no_result", "not_deployed")

# Resource types AWS Config evaluates in every region although the resource is global: one failing
# resource, whichever regions report it. Its key's region is GLOBAL_REGION.
GLOBAL_TYPE_PREFIXES = ("AWS::IAM::", "AWS::::Account", "AWS::CloudFront::", "AWS::Route53::", "AWS::WAF::", "AWS::ShieldRegional::")
GLOBAL_REGION = "global"


def is_global(resource_type: str) -> bool:
    return resource_type.startswith(GLOBAL_TYPE_PREFIXES)


def resource_key(account: str, region: str, resource_type: str, resource_id: str) -> tuple[str, str, str, str]:
    """What makes a failing resource distinct: (account, region, type, id), a global resource once per account."""
    return (account, GLOBAL_REGION if is_global(resource_type) else region, resource_type, resource_id)


def instance_status(counts: dict[str, int], summary: str | None, errored: bool) -> str:
    """One deployed rule: NON_COMPLIANT if any DETECTIVE result (or AWS's summary) says so; ERROR if its last
    evaluation failed; COMPLIANT if a result (or the summary) is; INSUFFICIENT_DATA if AWS says so or every
    result is NOT_APPLICABLE (AWS's own reading); NO_RESULT when nothing was saved for it."""
    if counts.get(NON_COMPLIANT) or summary == NON_COMPLIANT:
        return NON_COMPLIANT
    if errored:
        return ERROR
    if counts.get(COMPLIANT) or summary == COMPLIANT:
        return COMPLIANT
    if summary == INSUFFICIENT_DATA or counts.get(NOT_APPLICABLE) or counts.get(INSUFFICIENT_DATA):
        return INSUFFICIENT_DATA
    return NO_RESULT


def rule_status(instance_statuses: list[str]) -> str:
    """A catalogue rule over its deployed instances: the first of INSTANCE_STATUSES any instance has."""
    if not instance_statuses:
        return NOT_DEPLOYED
    present = set(instance_statuses)
    return next(s for s in INSTANCE_STATUSES if s in present)


def evaluated(status: str) -> bool:
    return status in (COMPLIANT, NON_COMPLIANT)


@dataclass
class Counts:
    """A question's or statement's catalogue rules by status."""

    by_status: dict[str, int] = field(default_factory=dict)

    def add(self, status: str) -> None:
        self.by_status[status] = self.by_status.get(status, 0) + 1

    @property
    def mapped(self) -> int:
        return sum(self.by_status.values())

    @property
    def deployed(self) -> int:
        return self.mapped - self.by_status.get(NOT_DEPLOYED, 0)

    @property
    def evaluated(self) -> int:
        return self.by_status.get(COMPLIANT, 0) + self.by_status.get(NON_COMPLIANT, 0)

    def as_dict(self) -> dict[str, int]:
        out = {"mapped": self.mapped, "deployed": self.deployed}
        for key in COUNT_KEYS[2:]:
            out[key] = self.by_status.get(key.upper(), 0)
        return out


def question_status(counts: Counts) -> str:
    """FAIL if any mapped rule is NON_COMPLIANT; PASS only if at least one was evaluated and none fails; else NOT_EVALUATED."""
    if counts.by_status.get(NON_COMPLIANT, 0):
        return FAIL
    if counts.by_status.get(COMPLIANT, 0):
        return PASS
    return NOT_EVALUATED
