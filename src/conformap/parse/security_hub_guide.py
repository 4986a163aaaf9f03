"""Security Hub user guide (``awsdocs/aws-security-hub-user-guide`` ``doc_source/*-controls.md``): per control
its id, title, severity, AWS Config rule and related requirements (NIST SP 800-53, PCI DSS, others).
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from conformap.escape import markdown_unescape
from conformap.parse.reading import check_headings


_SH_HEAD = re.compile(r"^## \\\[(?P<id>[A-Za-z0-9]+\\?\.[0-9]+)\\\] (?P<title>.*?)(?:<a name=\"[^\"]*\"></a>)?\s*$")
_SH_FIELD = re.compile(r"^\*{0,2}(?P<label>Related requirements|Severity|AWS Config rule):\s*\*{0,2}\s*(?P<value>.*?)\s*$")
_RULE_LINK = re.compile(r"\[[^\]]*\]\(https://docs\.aws\.amazon\.com/config/latest/developerguide/(?P<rule>[a-z0-9-]+)(?:\.html)?\)")
_RULE_CODE = re.compile(r"`(?P<rule>[a-z0-9-]+)`")
NIST_PREFIX = "NIST.800-53.r5 "
PCI_PREFIX = "PCI DSS v3.2.1/"


def parse_security_hub_controls(text: str) -> Iterator[dict[str, Any]]:
    """Each control of one ``*-controls.md`` page, with the line its heading is on."""
    lines = text.splitlines()
    check_headings(lines)
    heads = [(i, m) for i, ln in enumerate(lines) if (m := _SH_HEAD.match(ln))]
    for k, (i, m) in enumerate(heads):
        end = next((j for j in range(i + 1, len(lines)) if lines[j].startswith("## ")), len(lines))
        ctl: dict[str, Any] = {"id": markdown_unescape(m["id"]), "title": markdown_unescape(m["title"]).strip(), "line": i + 1}
        for ln in lines[i + 1 : end]:
            f = _SH_FIELD.match(ln)
            if not f:
                continue
            value = f["value"]
            if f["label"] == "Severity":
                ctl["severity"] = markdown_unescape(value)
            elif f["label"] == "AWS Config rule":
                rules = [r["rule"] for r in _RULE_LINK.finditer(value)] + [r["rule"] for r in _RULE_CODE.finditer(value)]
                ctl["config_rules"] = list(dict.fromkeys(rules))
                rest = markdown_unescape(_RULE_CODE.sub("", _RULE_LINK.sub("", value))).replace("``", "").strip()
                if rest:
                    ctl["config_rule_note"] = rest
            else:
                reqs = [markdown_unescape(r).strip() for r in value.split(",") if r.strip()]
                lists = {
                    "nist_800_53_r5": [r[len(NIST_PREFIX) :] for r in reqs if r.startswith(NIST_PREFIX)],
                    "pci_dss_v3_2_1": [r[len(PCI_PREFIX) :] for r in reqs if r.startswith(PCI_PREFIX)],
                    "other_requirements": [r for r in reqs if not r.startswith((NIST_PREFIX, PCI_PREFIX))],
                }
                ctl.update({k: v for k, v in lists.items() if v})
        yield ctl
