"""The crosswalk snapshots (``catalog/crosswalks/*.yaml``), read with plain ``yaml.safe_load``.

Security Hub controls are stated by two AWS sources (the user guide, then AWS's OSCAL catalog); a control stated by
both is one control whose rules, NIST and PCI ids are the union of what each states (the guide's first), whose title
is the first source's and whose severity is the first one stated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

FILES = {
    "security-hub-guide": "crosswalks/security-hub-guide.yaml",
    "security-hub-oscal": "crosswalks/security-hub-oscal.yaml",
    "guard-registry": "crosswalks/guard-wa-security-pillar.yaml",
    "nist-800-53": "crosswalks/nist-800-53-r5.yaml",
}
HUB_SOURCES = ("security-hub-guide", "security-hub-oscal")


def human_key(text: str) -> tuple:
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"(\d+)", text) if p)


def _union(lists) -> list[str]:
    out: list[str] = []
    for items in lists:
        for x in items:
            if x not in out:
                out.append(x)
    return out


@dataclass
class Hub:
    id: str
    title: str
    severity: str | None
    rules: list[str]
    nist: list[str]
    pci: list[str]
    stated_by: list[str] = field(default_factory=list)


@dataclass
class Crosswalks:
    docs: dict[str, dict]
    hubs: list[Hub]
    nist: list[dict]  # {id, title, family} in the snapshot's order
    families: list[dict]
    guard: dict[str, list[str]]  # rule -> SEC-N.M items

    def hubs_of_rule(self, rule: str) -> list[Hub]:
        return [h for h in self.hubs if rule in h.rules]

    def nist_of_rule(self, rule: str) -> list[str]:
        ids = {n for h in self.hubs_of_rule(rule) for n in h.nist}
        return [n["id"] for n in self.nist if n["id"] in ids]

    def pci_of_rule(self, rule: str) -> list[str]:
        return _union(h.pci for h in self.hubs_of_rule(rule))


def read(root: Path) -> Crosswalks:
    docs = {}
    for name, rel in FILES.items():
        f = root / rel
        if f.is_file():
            docs[name] = yaml.safe_load(f.read_text(encoding="utf-8"))
    stated: dict[str, list[tuple[str, dict]]] = {}
    for name in HUB_SOURCES:
        for c in (docs.get(name) or {}).get("controls", []):
            stated.setdefault(c["id"], []).append((name, c))
    hubs = []
    for hid in sorted(stated, key=human_key):
        entries = stated[hid]
        hubs.append(
            Hub(
                id=hid,
                title=entries[0][1]["title"],
                severity=next((c.get("severity") for _, c in entries if c.get("severity")), None),
                rules=_union(c.get("config_rules") or [] for _, c in entries),
                nist=_union(c.get("nist_800_53_r5") or [] for _, c in entries),
                pci=_union(c.get("pci_dss_v3_2_1") or [] for _, c in entries),
                stated_by=[n for n, _ in entries],
            )
        )
    nist_doc = docs.get("nist-800-53") or {}
    guard_doc = docs.get("guard-registry") or {}
    return Crosswalks(
        docs=docs,
        hubs=hubs,
        nist=list(nist_doc.get("controls", [])),
        families=list(nist_doc.get("families", [])),
        guard={g["rule"]: list(g["items"]) for g in guard_doc.get("mappings", [])},
    )
