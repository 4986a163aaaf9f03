"""Every published number and row, derived from the page snapshot, the crosswalk snapshots and the catalogue YAML
(see the package docstring for which fact comes from where), by code that shares nothing with conformap.

Definitions (the methodology page's): a rule *supports* a question when it is mapped to one of its statements; a
rule is *exclusive* to a question when that is the only one it supports; the *overlap* of two questions is the
number of rules supporting both, their *Jaccard index* overlap / rules supporting either, rounded to 3 places.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from oracle import crosswalk, page

LIST_SEP = ";"
NO_ROW = 10**9


def _load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


class Oracle:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.framework = _load(self.root / "framework.yaml")
        self.errata = (_load(self.root / "errata.yaml") or {}).get("errata", []) if (self.root / "errata.yaml").is_file() else []
        controls = [_load(f) for f in sorted((self.root / "controls").glob("*.yaml"))]
        self.controls = sorted(controls, key=lambda c: (c["number"], c["id"]))
        self.control = {c["id"]: c for c in self.controls}
        self.statements = {}
        for c in self.controls:
            for s in c.get("statements") or []:
                self.statements[s["id"]] = {**s, "control": c["id"]}
        rules = [_load(f) for f in sorted((self.root / "rules").glob("*.yaml"))]
        self.rules = {r["id"]: r for r in sorted(rules, key=lambda r: r["id"])}
        self.page_rows = page.rows(self.root / self.framework["source"]["snapshot"])
        self.mappings = self._mappings()
        self.cw = crosswalk.read(self.root)

    # ------------------------------------------------------------------ mappings: the page, then contributions
    def _statement_printed(self, label: str, printed: str) -> tuple[str, str | None]:
        """(statement the mapping is to, the statement printed when that is another question's)."""
        found = None
        for c in self.controls:
            prefix = c["question"] + " "
            if printed.startswith(prefix):
                for s in c.get("statements") or []:
                    if printed[len(prefix):] == s["text"]:
                        found = s["id"]
                        if c["id"] == label:
                            return s["id"], None
        if found is None:
            raise ValueError(f"oracle: no statement prints as {printed!r}")
        # a row labelled with one question that prints another's text: mapped to the label's description
        return f"{label}.desc", found

    def _mappings(self) -> list[dict]:
        by_key: dict[tuple, dict] = {}
        for row in self.page_rows:
            statement, printed = self._statement_printed(row.label, row.printed)
            k = (row.rule, row.label, statement)
            m = by_key.setdefault(k, {"rule": row.rule, "control": row.label, "statement": statement, "source_rows": [], "printed_statement": printed, "rationale": None})
            m["source_rows"].append(row.number)
        out = list(by_key.values())
        for r in self.rules.values():
            for m in r.get("mappings") or []:
                if not m.get("source_rows"):
                    out.append({"rule": r["id"], "control": m["control"], "statement": m["statement"], "source_rows": [], "printed_statement": m.get("printed_statement"), "rationale": m.get("rationale")})
        out.sort(key=lambda m: (m["source_rows"][0] if m["source_rows"] else NO_ROW, m["rule"], m["control"], m["statement"]))
        return out

    def aws_text(self) -> str:
        """``export --format aws-text``: the page's table, each distinct row once, then each contributed mapping as
        a row would print it."""
        rows = {r.number: r for r in self.page_rows}
        blocks = []
        for m in self.mappings:
            if m["source_rows"]:
                r = rows[m["source_rows"][0]]
                blocks.append(f"{r.label} {r.printed}\n\n{r.rule}\n\n{r.guidance}")
            else:
                s = self.statements[m["statement"]]
                blocks.append(f"{m['control']} {self.control[s['control']]['question']} {s['text']}\n\n{m['rule']}\n\n{self.rules[m['rule']]['guidance']}")
        return page.HEADER + "\n" + "\n".join(blocks) + "\n"

    # ------------------------------------------------------------------ questions and rules
    def question_ids(self) -> list[str]:
        return [c["id"] for c in self.controls]

    def mappings_of(self, q: str) -> list[dict]:
        return [m for m in self.mappings if m["control"] == q]

    def rules_of(self, q: str) -> list[str]:
        """Rules supporting the question, by name."""
        return sorted({m["rule"] for m in self.mappings_of(q)})

    def questions_of(self, rule: str) -> list[str]:
        """Questions the rule supports, in question order."""
        qs = {m["control"] for m in self.mappings if m["rule"] == rule}
        return [q for q in self.question_ids() if q in qs]

    def questions_in_mapping_order(self, rule: str) -> list[str]:
        out: list[str] = []
        for m in (x for x in self.mappings_of_rule(rule)):
            if m["control"] not in out:
                out.append(m["control"])
        return out

    def mappings_of_rule(self, rule: str) -> list[dict]:
        """The rule's mappings as its rule file lists them (the page's rows first, in row order)."""
        return [m for m in self.mappings if m["rule"] == rule]

    def exclusive(self, q: str) -> list[str]:
        return [r for r in self.rules_of(q) if self.questions_of(r) == [q]]

    def shared_rules(self) -> list[str]:
        return [r for r in self.rules if len(self.questions_of(r)) > 1]

    def overlap(self, a: str, b: str) -> tuple[int, float]:
        ra, rb = set(self.rules_of(a)), set(self.rules_of(b))
        union = len(ra | rb)
        return len(ra & rb), (round(len(ra & rb) / union, 3) if union else 0.0)

    def overlapping_pairs(self) -> list[tuple[str, str, int, float]]:
        qs = self.question_ids()
        out = []
        for i, a in enumerate(qs):
            for b in qs[i + 1:]:
                n, j = self.overlap(a, b)
                if n:
                    out.append((a, b, n, j))
        return out  # in question order; the page sorts them (checked against its caption)

    def rules_by_question_count(self) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {}
        for r in self.rules:
            out.setdefault(len(self.questions_of(r)), []).append(r)
        return dict(sorted(out.items()))

    def counts(self) -> dict[str, int]:
        return {
            "controls": len(self.controls),
            "controls_in_source": sum(1 for c in self.controls if c["in_source"]),
            "controls_with_rules": sum(1 for q in self.question_ids() if self.rules_of(q)),
            "rules": len(self.rules),
            "mappings": len(self.mappings),
            "errata": len(self.errata),
        }

    # ------------------------------------------------------------------ crosswalk facts
    def rule_crosswalk(self, rule: str) -> dict[str, list[str]]:
        return {
            "security_hub_controls": [h.id for h in self.cw.hubs_of_rule(rule)],
            "nist_800_53_r5": self.cw.nist_of_rule(rule),
            "pci_dss_v3_2_1": self.cw.pci_of_rule(rule),
        }

    def corroboration(self) -> list[dict]:
        out = []
        for m in self.mappings:
            items = self.cw.guard.get(m["rule"])
            mine = [i for i in items if i.split(".")[0] == m["control"]] if items is not None else []
            out.append({"rule": m["rule"], "control": m["control"], "statement": m["statement"], "agrees": None if items is None else bool(mine), "guard_items": mine})
        return out

    def corroboration_counts(self) -> dict[str, int]:
        c = self.corroboration()
        return {
            "agree": sum(1 for x in c if x["agrees"] is True),
            "contradicted": sum(1 for x in c if x["agrees"] is False),
            "not_covered": sum(1 for x in c if x["agrees"] is None),
        }

    def nist_pairs(self) -> list[dict]:
        """OSCAL maps: (question, NIST control, shared rules, per rule the Security Hub controls that relate them)."""
        out = []
        for q in self.question_ids():
            rules = self.rules_of(q)
            for n in self.cw.nist:
                evidence = {r: [h.id for h in self.cw.hubs_of_rule(r) if n["id"] in h.nist] for r in rules}
                shared = [r for r in rules if evidence[r]]
                if shared:
                    out.append({"question": q, "nist": n["id"], "title": n["title"], "rules": shared, "hubs": {r: evidence[r] for r in shared}})
        return out

    # ------------------------------------------------------------------ tables
    def csv_rows(self, q: str | None = None) -> list[dict[str, str]]:
        fw_url = self.framework["source"]["url"]
        rows = []
        for m in self.mappings:
            if q is not None and m["control"] != q:
                continue
            r, c, s = self.rules[m["rule"]], self.control[m["control"]], self.statements[m["statement"]]
            dep = r.get("deprecated")
            cw = self.rule_crosswalk(r["id"])
            rows.append(
                {
                    "control_id": c["id"],
                    "framework_question_id": c.get("framework_question_id") or "",
                    "control_question": c["question"],
                    "statement_id": s["id"],
                    "statement": s["text"],
                    "best_practice": (s.get("best_practice") or {}).get("id", ""),
                    "rule": r["id"],
                    "rule_identifier": r.get("identifier") or "",
                    "rule_kind": r["kind"],
                    "service": r.get("service") or "",
                    "trigger": r.get("trigger") or "",
                    "deprecated": "true" if dep else "false",
                    "deprecated_successor": dep["successor"] if dep else "",
                    "guidance": r["guidance"],
                    "source_rows": LIST_SEP.join(str(n) for n in m["source_rows"]),
                    "printed_statement": m["printed_statement"] or "",
                    "rationale": m["rationale"] or "",
                    "rule_documentation_url": r.get("documentation_url") or "",
                    "source_url": fw_url,
                    "security_hub_controls": LIST_SEP.join(cw["security_hub_controls"]),
                    "nist_800_53_r5": LIST_SEP.join(cw["nist_800_53_r5"]),
                }
            )
        return rows

    def rule_rows(self) -> list[dict]:
        rows = []
        for r in self.rules.values():
            dep = r.get("deprecated")
            cw = self.rule_crosswalk(r["id"])
            rows.append(
                {
                    "rule": r["id"],
                    "rule_identifier": r.get("identifier") or "",
                    "rule_kind": r["kind"],
                    "service": r.get("service") or "",
                    "trigger": r.get("trigger") or "",
                    "deprecated": bool(dep),
                    "deprecated_successor": dep["successor"] if dep else "",
                    "controls": LIST_SEP.join(self.questions_in_mapping_order(r["id"])),
                    "mappings": len(self.mappings_of_rule(r["id"])),
                    "resource_types": LIST_SEP.join(r.get("resource_types") or []),
                    "regions_note": r.get("regions_note") or "",
                    "description": r.get("description") or "",
                    "rule_documentation_url": r.get("documentation_url") or "",
                    "security_hub_controls": LIST_SEP.join(cw["security_hub_controls"]),
                    "nist_800_53_r5": LIST_SEP.join(cw["nist_800_53_r5"]),
                }
            )
        return rows

    def question_rows(self) -> list[dict]:
        return [
            {
                "control_id": c["id"],
                "framework_question_id": c.get("framework_question_id") or "",
                "question": c["question"],
                "in_source": bool(c["in_source"]),
                "statements": len(c.get("statements") or []),
                "rules": len(self.rules_of(c["id"])),
                "mappings": len(self.mappings_of(c["id"])),
                "note": c.get("note") or "",
            }
            for c in self.controls
        ]

    # ------------------------------------------------------------------ conformance packs
    def deployable(self, rule: str, include_deprecated: bool = False) -> bool:
        r = self.rules[rule]
        return r["kind"] == "managed" and bool(r.get("identifier")) and (include_deprecated or not r.get("deprecated"))

    def served_ids(self, rule: str) -> list[str]:
        """The question and best-practice ids a rule serves, in the order of its mappings (page rows first)."""
        out: list[str] = []
        ms = sorted(self.mappings_of_rule(rule), key=lambda m: (m["source_rows"][0] if m["source_rows"] else NO_ROW, m["control"], m["statement"]))
        for m in ms:
            for i in (m["control"], (self.statements[m["statement"]].get("best_practice") or {}).get("id")):
                if i and i not in out:
                    out.append(i)
        return out

    def pack_scopes(self) -> dict[str, list[str]]:
        """Pack name -> the rules mapped within it (before the deployable filter)."""
        out: dict[str, list[str]] = {}
        for q in self.question_ids():
            if self.rules_of(q):
                out[q.lower()] = self.rules_of(q)
        for c in self.controls:
            for s in c.get("statements") or []:
                rules = sorted({m["rule"] for m in self.mappings if m["statement"] == s["id"]})
                if s.get("best_practice") and rules:
                    out[s["id"].lower().replace(".", "-")] = rules
        out[self.framework["id"]] = sorted({m["rule"] for m in self.mappings})
        return out

    def pack_rules(self, name: str, include_deprecated: bool = False) -> list[str]:
        return [r for r in self.pack_scopes()[name] if self.deployable(r, include_deprecated)]

    def published_packs(self, include_deprecated: bool = False) -> dict[str, list[str]]:
        """Pack name -> deployed rules, for every pack with at least one deployable rule."""
        return {n: rs for n in self.pack_scopes() if (rs := self.pack_rules(n, include_deprecated))}

    def pack_parameters(self, rule: str) -> dict[str, str]:
        return dict((self.rules[rule].get("conformance_pack") or {}).get("input_parameters") or {})
