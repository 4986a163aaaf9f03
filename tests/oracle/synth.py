"""Small catalogues with the awkward cases, written as catalogue folders (the layout of tests/fixtures/golden).

:func:`awkward` writes one catalogue that has, at once:

* SEC-1: a rule on two statements of the question (alpha: desc and BP01), a source row repeated (hotel), four rules;
* SEC-2: a question with only contributed mappings (delta, lima; ``in_source: false``); lima's contributed mapping
  to SEC-2 sorts after its page rows on SEC-6 and SEC-7 (mapping order is not id order);
* SEC-3: a question with no statement and no rule: 0 rules;
* SEC-4: only a process check (echo, contributed) and a deprecated rule (foxtrot): no pack unless deprecated rules
  are included;
* SEC-5 (with a best-practice statement no rule is mapped to), SEC-6, SEC-7: overlaps whose Jaccard order differs
  from their shared-rule order and from question order, and ties (SEC-2/SEC-7 and SEC-6/SEC-7: one shared rule,
  Jaccard 0.5 each; SEC-5/SEC-6: 0.25); lima supports three questions;
* india: a rule mapped to no question (count 0);
* crosswalks: alpha has two Security Hub controls that relate to different NIST controls (a map must cite only the
  related one), the two Security Hub sources state Hub.1 alike and Hub.3 only in the OSCAL one; the Guard registry
  agrees with one mapping, contradicts three and does not map the other rules at all.

``variant`` hooks change one fact for a test (e.g. drop the crosswalks). Nothing here imports conformap.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml

SHA = "0123456789abcdef0123456789abcdef01234567"
BLOB = "89abcdef0123456789abcdef0123456789abcdef"

QUESTIONS = {
    "SEC-1": ("How do you keep the first thing safe?", [("SEC-1.desc", None, "The first description."), ("SEC-1.BP01", ("SEC01-BP01", "Practise one"), "Practice one, stated."), ("SEC-1.BP02", ("SEC01-BP02", "Practise two"), "Practice two, stated.")], True),
    "SEC-2": ("How do you keep the second thing safe?", [("SEC-2.desc", None, "The second description.")], False),
    "SEC-3": ("How do you keep the third thing safe?", [], False),
    "SEC-4": ("How do you keep the fourth thing safe?", [("SEC-4.desc", None, "The fourth description.")], True),
    "SEC-5": ("How do you keep the fifth thing safe?", [("SEC-5.desc", None, "The fifth description."), ("SEC-5.BP01", ("SEC05-BP01", "Practise five"), "Practice five, stated.")], True),
    "SEC-6": ("How do you keep the sixth thing safe?", [("SEC-6.desc", None, "The sixth description.")], True),
    "SEC-7": ("How do you keep the seventh thing safe?", [("SEC-7.desc", None, "The seventh description.")], True),
}

# rule -> (kind, identifier, service, trigger, deprecated successor, input parameters)
RULES = {
    "alpha": ("managed", "ALPHA", "Amazon S3", "Periodic", None, {"maxDays": "30", "mode": "strict"}),
    "bravo": ("managed", "BRAVO", "Amazon S3", "Configuration changes", None, {}),
    "delta": ("managed", "DELTA", "Amazon EC2", "Periodic", None, {"limit": "7"}),
    "echo": ("process-check", None, None, None, None, {}),
    "foxtrot": ("managed", "FOXTROT", "Amazon EC2", "Periodic", "alpha", {}),
    "golf": ("managed", "GOLF", "AWS Lambda", "Configuration changes", None, {}),
    "hotel": ("managed", "HOTEL", "Amazon S3", "Periodic", None, {}),
    "india": ("managed", "INDIA", "AWS Lambda", "Periodic", None, {}),
    "lima": ("managed", "LIMA", "Amazon VPC", "Periodic", None, {}),
}

# page rows, in order: (question label, printed statement, rule)
ROWS = [
    ("SEC-1", "SEC-1.desc", "alpha"),
    ("SEC-1", "SEC-1.BP01", "alpha"),
    ("SEC-1", "SEC-1.BP01", "bravo"),
    ("SEC-1", "SEC-1.desc", "hotel"),
    ("SEC-1", "SEC-1.BP02", "delta"),
    ("SEC-1", "SEC-1.desc", "hotel"),
    ("SEC-4", "SEC-4.desc", "foxtrot"),
    ("SEC-5", "SEC-5.desc", "golf"),
    ("SEC-5", "SEC-5.desc", "alpha"),
    ("SEC-5", "SEC-5.desc", "bravo"),
    ("SEC-6", "SEC-6.desc", "lima"),
    ("SEC-6", "SEC-6.desc", "golf"),
    ("SEC-7", "SEC-7.desc", "lima"),
]

CONTRIBUTED = [
    ("delta", "SEC-2", "SEC-2.desc", "Contributed: it checks the second thing."),
    ("echo", "SEC-4", "SEC-4.desc", "Contributed: a manual check."),
    ("lima", "SEC-2", "SEC-2.desc", "Contributed: it checks the second thing too."),
]


def _dump(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000), encoding="utf-8")


def _source(repo: str, path: str) -> dict:
    return {
        "repo": repo,
        "commit": SHA,
        "commit_date": "2026-01-01",
        "url": f"https://github.com/{repo}",
        "license": "CC0-1.0 (LICENSE)",
        "license_files": [{"path": "LICENSE", "git_blob": BLOB, "sha256": "0" * 64}],
        "files": [{"path": path, "git_blob": BLOB, "sha256": "1" * 64}],
    }


def guidance_of(rule: str) -> str:
    """The guidance the builder gives a rule by default."""
    return _guidance(rule)


def _guidance(rule: str) -> str:
    return f"Guidance of {rule}, ending a sentence."


def page_text(rows=ROWS, texts: dict | None = None) -> str:
    statements = {s[0]: (q, s[2]) for q, (_, ss, _) in QUESTIONS.items() for s in ss}
    out = ["Synthetic page", "", "A page in the source's text form, for the oracle tests.", "", "Control ID Control Description AWS Config Rule Guidance"]
    for label, printed, rule in rows:
        q, text = statements[printed]
        out += [f"{label} {QUESTIONS[q][0]} {text}", "", rule, "", (texts or {}).get(rule) or _guidance(rule)]
    out += ["", "Template", "", "No template.", ""]
    return "\n".join(out)


def awkward(root: Path, *, crosswalks: bool = True, rows=ROWS, rename: dict | None = None, guidance: dict | None = None, identifier: dict | None = None) -> Path:
    """Write the awkward catalogue into ``root``. ``rename`` (old -> new rule name), ``guidance`` and ``identifier``
    (rule -> new value) change those facts of a rule everywhere (page, rule file, crosswalks), for diff tests."""
    rename = rename or {}
    ren = lambda r: rename.get(r, r)  # noqa: E731
    rows = [(label, printed, ren(rule)) for label, printed, rule in rows]
    rules = {ren(r): v for r, v in RULES.items()}
    for r, ident in (identifier or {}).items():
        kind, _, service, trigger, successor, params = rules[r]
        rules[r] = (kind, ident, service, trigger, successor, params)
    texts = {r: (guidance or {}).get(r, _guidance(r)) for r in rules}
    contributed = [(ren(r), c, s, why) for r, c, s, why in CONTRIBUTED]
    root.mkdir(parents=True, exist_ok=True)
    text = page_text(rows, texts)
    (root / "sources").mkdir(exist_ok=True)
    (root / "sources" / "aws-page.txt").write_text(text, encoding="utf-8")
    _dump(
        root / "framework.yaml",
        {
            "id": "synth",
            "title": "Synthetic Framework",
            "publisher": "conformap tests",
            "version": "2.3.4",
            "released": "2026-02-03",
            "source": {
                "title": "Synthetic page",
                "url": "https://example.com/synthetic",
                "snapshot": "sources/aws-page.txt",
                "captured": "2026-02-01",
                "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
                "rows": len(rows),
                "notice": "Sample mapping, not a guarantee.",
            },
        },
    )
    for n, (q, (question, statements, in_source)) in enumerate(QUESTIONS.items(), 1):
        doc = {"id": q, "number": n, "question": question, "framework_question_id": f"SEC{n:02d}", "in_source": in_source, "statements": []}
        for sid, bp, stext in statements:
            st = {"id": sid, "kind": "best-practice" if bp else "question-description", "text": stext}
            if bp:
                st["best_practice"] = {"id": bp[0], "title": bp[1]}
            doc["statements"].append(st)
        _dump(root / "controls" / f"{q}.yaml", doc)
    for rule, (kind, ident, service, trigger, successor, params) in rules.items():
        doc = {"id": rule, "kind": kind}
        if ident:
            doc |= {"identifier": ident, "service": service, "trigger": trigger, "description": f"Checks {rule}.", "documentation_url": f"https://docs.aws.amazon.com/config/latest/developerguide/{rule}.html"}
        if params:
            doc["parameters"] = [{"name": k, "type": "String", "optional": False, "default": v} for k, v in params.items()]
            doc["conformance_pack"] = {"input_parameters": dict(params)}
        if successor:
            doc["deprecated"] = {"successor": ren(successor), "reason": "Renamed."}
        doc["guidance"] = texts[rule]
        mappings: dict[tuple, dict] = {}
        for n, (label, printed, r) in enumerate(rows, 1):
            if r == rule:
                m = mappings.setdefault((label, printed), {"control": label, "statement": printed, "source_rows": []})
                m["source_rows"].append(n)
        doc["mappings"] = list(mappings.values()) + [
            {"control": c, "statement": s, "rationale": why} for r, c, s, why in contributed if r == rule
        ]
        _dump(root / "rules" / f"{rule}.yaml", doc)
    _dump(
        root / "errata.yaml",
        {"errata": [{"id": "E1", "kind": "duplicate-row", "title": "Row 6 repeats row 4", "source_rows": [4, 6], "rules": [ren("hotel")], "controls": ["SEC-1"], "source_shows": "Two identical rows.", "catalogue_does": "Keeps one mapping.", "reason": "A repeat states nothing new."}]},
    )
    if crosswalks:
        _dump(
            root / "crosswalks" / "security-hub-guide.yaml",
            {
                "id": "security-hub-guide",
                "title": "Synthetic Security Hub guide",
                "source": _source("example/hub-guide", "controls.md"),
                "controls": [
                    {"id": "Hub.1", "title": "Alpha is on", "severity": "HIGH", "config_rules": [ren("alpha")], "nist_800_53_r5": ["AC-2", "SC-7"]},
                    {"id": "Hub.2", "title": "Alpha and golf log", "severity": "LOW", "config_rules": [ren("alpha"), ren("golf")], "nist_800_53_r5": ["AU-2"], "pci_dss_v3_2_1": ["1.2.1"]},
                ],
            },
        )
        _dump(
            root / "crosswalks" / "security-hub-oscal.yaml",
            {
                "id": "security-hub-oscal",
                "title": "Synthetic Security Hub OSCAL catalog",
                "source": _source("example/hub-oscal", "hub.json"),
                "controls": [
                    {"id": "Hub.1", "title": "Alpha is on", "severity": "high", "config_rules": [ren("alpha")]},
                    {"id": "Hub.3", "title": "Bravo is set", "config_rules": [ren("bravo")]},
                ],
            },
        )
        _dump(
            root / "crosswalks" / "nist-800-53-r5.yaml",
            {
                "id": "nist-800-53",
                "title": "Synthetic NIST SP 800-53 Rev. 5",
                "source": _source("example/nist", "nist.json"),
                "families": [{"id": "AC", "title": "Access Control"}, {"id": "AU", "title": "Audit"}, {"id": "SC", "title": "System Protection"}],
                "controls": [{"id": "AC-2", "title": "Account Management", "family": "AC"}, {"id": "AU-2", "title": "Event Logging", "family": "AU"}, {"id": "SC-7", "title": "Boundary Protection", "family": "SC"}],
            },
        )
        _dump(
            root / "crosswalks" / "guard-wa-security-pillar.yaml",
            {
                "id": "guard-registry",
                "title": "Synthetic Guard registry",
                "source": _source("example/guard", "mapping.json"),
                "mappings": [
                    {"rule": ren("bravo"), "guard_file": "rules/bravo.guard", "items": ["SEC-1.2"]},
                    {"rule": ren("golf"), "guard_file": "rules/golf.guard", "items": ["SEC-9.1"]},
                ],
            },
        )
    return root
