"""Where every page lives and how pages link to each other.

Page paths are docs-relative (``controls/sec-1.md``); links between pages are relative ``.md`` links, so
a builder that checks links (``mkdocs build --strict``) checks every cross-reference. Page names and
anchors are built only from ids that the catalogue schema restricts, checked with
:func:`conformap.load.schema.is_id` (the one definition of the id patterns, which also refuses
``index``, the name of the index pages).

Links are returned as :class:`markupsafe.Markup` (already-escaped Markdown), so the templates insert
them as they are while every other value is escaped (:mod:`conformap.site.render`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from markupsafe import Markup

from conformap import escape
from conformap.load import schema

HOME = "index.md"
CONTROLS_INDEX = "controls/index.md"
RULES_INDEX = "rules/index.md"
OVERLAP = "overlap.md"
CROSSWALK = "crosswalk.md"
SECURITY_HUB = "security-hub.md"  # Security Hub controls and PCI DSS requirements -> rules and questions
ERRATA = "errata.md"
METHODOLOGY = "methodology.md"
DOWNLOADS = "downloads/index.md"
CHANGES = "changes.md"
CONTRIBUTING = "contributing.md"  # the repository's CONTRIBUTING.md, added by site.docs.site_files
NOTICE = "notice.md"  # the repository's NOTICE.md, added by site.docs.site_files; every page's footer links it
ABOUT = "about.md"  # hand-written, in docs/
POSTURE = "posture.md"  # "Check your account", hand-written, in docs/
DOWNLOAD_JSON = "downloads/mappings.json"
DOWNLOAD_CSV = "downloads/mappings.csv"


def _checked(kind: str, value: str, what: str) -> str:
    if not schema.is_id(kind, value):
        raise ValueError(f"{kind.replace('_', ' ')} {value!r} cannot name {what}")
    return value


def control_page(control_id: str) -> str:
    """``controls/sec-1.md`` for SEC-1 (served as ``controls/sec-1/``)."""
    return f"controls/{_checked('control_id', control_id, 'a page').lower()}.md"


def rule_page(rule_id: str) -> str:
    """``rules/<rule-name>.md`` (served as ``rules/<rule-name>/``)."""
    return f"rules/{_checked('rule_id', rule_id, 'a page')}.md"


def statement_anchor(statement_id: str) -> str:
    return "s-" + _checked("statement_id", statement_id, "an anchor").lower()


def erratum_anchor(erratum_id: str) -> str:
    return _checked("erratum_id", erratum_id, "an anchor").lower()


def pair_anchor(first: str, second: str) -> str:
    """``pair-sec-3-sec-5``: the overlap page's list of the rules two questions share (no count in it)."""
    return f"pair-{_checked('control_id', first, 'an anchor').lower()}-{_checked('control_id', second, 'an anchor').lower()}"


def questions_anchor(n: int) -> str:
    """``supporting-2-questions``: the overlap page's list of the rules that support ``n`` questions."""
    return f"supporting-{int(n)}-questions"


@lru_cache(maxsize=1)
def _nist_patterns() -> dict[str, re.Pattern[str]]:
    # The NIST ids' patterns, from their schema (the one definition).
    props = schema.raw("nist-800-53.schema.json")["properties"]
    return {
        "control": re.compile(props["controls"]["items"]["properties"]["id"]["pattern"]),
        "family": re.compile(props["families"]["items"]["properties"]["id"]["pattern"]),
    }


def _nist(kind: str, value: str) -> str:
    if not _nist_patterns()[kind].search(value):
        raise ValueError(f"NIST {kind} id {value!r} cannot name an anchor")
    return value.lower().replace("(", "-").replace(")", "")


def crosswalk_cell_anchor(control_id: str, family: str) -> str:
    """``q-sec-8-ac``: the crosswalk page's list of the rules of question SEC-8 that reach NIST family AC."""
    return f"q-{_checked('control_id', control_id, 'an anchor').lower()}-{_nist('family', family)}"


@lru_cache(maxsize=1)
def _hub_patterns() -> dict[str, re.Pattern[str]]:
    # The Security Hub control id's and PCI DSS requirement's patterns, from their schema (the one definition).
    props = schema.raw("security-hub.schema.json")["properties"]["controls"]["items"]["properties"]
    return {"control": re.compile(props["id"]["pattern"]), "pci": re.compile(props["pci_dss_v3_2_1"]["items"]["pattern"])}


def hub_anchor(control_id: str) -> str:
    """``hub-s3-5`` for S3.5: the Security Hub page's section of one Security Hub control."""
    if not _hub_patterns()["control"].search(control_id):
        raise ValueError(f"Security Hub control id {control_id!r} cannot name an anchor")
    return "hub-" + control_id.lower().replace(".", "-")


def pci_anchor(requirement: str) -> str:
    """``pci-4-1`` for PCI DSS v3.2.1 requirement 4.1: the Security Hub page's section of one requirement."""
    if not _hub_patterns()["pci"].search(requirement):
        raise ValueError(f"PCI DSS requirement {requirement!r} cannot name an anchor")
    return "pci-" + requirement.replace(".", "-")


def nist_anchor(nist_id: str) -> str:
    """``nist-ac-2-1`` for AC-2(1): the crosswalk page's section of one NIST SP 800-53 control."""
    return "nist-" + _nist("control", nist_id)


def _relpath(src_dir: str, dst: str) -> str:
    # posixpath.relpath without its calls to the working directory (pages are built by the thousand).
    here = [p for p in src_dir.split("/") if p]
    there = dst.split("/")
    common = 0
    while common < min(len(here), len(there) - 1) and here[common] == there[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + there[common:])


def rel(src: str, dst: str, anchor: str | None = None) -> str:
    """Relative link from page ``src`` to file ``dst`` (both docs-relative, without ``..``)."""
    return _relpath(src.rpartition("/")[0], dst) + (f"#{anchor}" if anchor else "")


def built_rel(src: str, dst: str) -> str:
    """Relative URL from the built page of ``src`` to the file ``dst``, for raw HTML links (``<a download>``),
    which MkDocs does not rewrite: ``controls/sec-8.md`` is built as ``controls/sec-8/index.html``."""
    folder, _, name = src.rpartition("/")
    built = folder if name == "index.md" else "/".join(x for x in (folder, name.removesuffix(".md")) if x)
    return _relpath(built, dst)


def link(label_md: str, src: str, dst: str, anchor: str | None = None) -> Markup:
    """A link from page ``src`` to ``dst``; ``label_md`` is already-escaped Markdown."""
    return Markup(f"[{label_md}]({rel(src, dst, anchor)})")


def control_link(src: str, control_id: str, anchor: str | None = None) -> Markup:
    return link(escape.text(control_id), src, control_page(control_id), anchor)


def rule_link(src: str, rule_id: str) -> Markup:
    return link(escape.text(rule_id), src, rule_page(rule_id))


def erratum_link(src: str, erratum_id: str, title: str | None = None) -> Markup:
    label = escape.text(erratum_id) + (f": {escape.text(title)}" if title is not None else "")
    return link(label, src, ERRATA, erratum_anchor(erratum_id))
