"""A :func:`conformap.compare.engine.compare` result as Markdown (pull-request summaries, the
Changes page), JSON, or plain text lines (the importer's report in a terminal).

Every catalogue text goes through :mod:`conformap.escape`: escaped for Markdown, or (``style="text"``)
cleaned of control characters, so that nothing a catalogue holds can drive a terminal.
"""

from __future__ import annotations

import json
from typing import Any, Iterable

from conformap import escape
from conformap.compare.engine import ARROW, plural, word_diff

NO_CHANGES = "No catalogue changes."
CONTEXT_WORDS = 8  # words of unchanged text kept on each side of a change in Markdown word diffs


def _value(value: Any, style: str = "markdown") -> str:
    """A field value shown literally (``(none)`` for a missing one; lists and numbers as JSON)."""
    if value is None:
        return "(none)"
    shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return escape.clean(shown) if style == "text" else escape.code_span(shown)


def _text(value: Any, style: str = "markdown") -> str:
    return escape.clean(value) if style == "text" else escape.text(value)


_MARKS = {
    # GitHub-flavoured Markdown (pull-request summaries): strikethrough and bold.
    "markdown": (("~~", "~~"), ("**", "**")),
    # Inline HTML, for Markdown renderers without a strikethrough extension (the site's Python-Markdown).
    "html": (("<del>", "</del>"), ("<ins>", "</ins>")),
}


def render_words(ops: Iterable[list[str]], context: int | None = CONTEXT_WORDS, style: str = "markdown") -> str:
    """A word diff as Markdown: ``~~removed~~ **added**`` (``style="html"``: ``<del>``/``<ins>``).

    Every word is escaped; long unchanged runs are shortened to ``context`` words around a change, with ….
    """
    (del_open, del_close), (ins_open, ins_close) = _MARKS[style]
    ops = list(ops)
    if not any(op != "=" for op, _ in ops):
        return "(white space only)"
    parts = []
    for i, (op, text) in enumerate(ops):
        if op == "=":
            words = [escape.text(w) for w in text.split()]
            if context is not None:
                if i == 0 and len(words) > context:  # leading run: keep its end
                    words = ["…"] + words[-context:]
                elif i == len(ops) - 1 and len(words) > context:  # trailing run: keep its start
                    words = words[:context] + ["…"]
                elif 0 < i < len(ops) - 1 and len(words) > 2 * context:
                    words = words[:context] + ["…"] + words[-context:]
            parts.append(" ".join(words))
        elif op == "-":
            parts.append(f"{del_open}{escape.text(text)}{del_close}")
        else:
            parts.append(f"{ins_open}{escape.text(text)}{ins_close}")
    return " ".join(parts)


def _is_prose(old: Any, new: Any) -> bool:
    return isinstance(old, str) and isinstance(new, str) and max(len(old.split()), len(new.split())) >= 4


def change_line(field: str, change: dict[str, Any], style: str = "markdown") -> str:
    """``field: old → new`` (prose as a word diff, except in plain text)."""
    old, new = change["old"], change["new"]
    if style != "text" and _is_prose(old, new):
        return f"{_value(field)}: {render_words(word_diff(old, new), style=style)}"
    return f"{_value(field, style)}: {_value(old, style)} {ARROW} {_value(new, style)}"


def mapping_head(m: dict[str, Any], style: str = "markdown") -> str:
    """``rule → control / statement``."""
    return f"{_value(m['rule'], style)} {ARROW} {_text(m['control'], style)} / {_value(m['statement'], style)}"


def mapping_line(m: dict[str, Any], style: str = "markdown") -> str:
    """One mapping of a :func:`compare` result on one line, with its rows, printed statement and rationale."""
    text = mapping_head(m, style)
    if m["source_rows"]:
        text += f" (source rows {', '.join(str(r) for r in m['source_rows'])})"
    if m.get("printed_statement"):
        text += f", printed as {_value(m['printed_statement'], style)}"
    if m["rationale"]:
        text += f"; rationale: {_text(m['rationale'], style)}"
    return text


def mapping_change_lines(result: dict[str, Any], style: str = "text") -> dict[str, list[str]]:
    """The mappings added, removed and changed of a :func:`compare` result, a line each."""
    changed = [
        f"{mapping_head(m, style)}: " + "; ".join(change_line(f, ch, style) for f, ch in m["changes"].items())
        for m in result["mappings"]["changed"]
    ]
    return {
        "added": [mapping_line(m, style) for m in result["mappings"]["added"]],
        "removed": [mapping_line(m, style) for m in result["mappings"]["removed"]],
        "changed": changed,
    }


def render_markdown(
    result: dict[str, Any], *, title: str | None = "Catalogue changes", level: int = 2, compare_line: bool = True, style: str = "markdown"
) -> str:
    """Markdown for a :func:`compare` result. Sections use heading level ``level + 1``.

    ``style`` is how word diffs mark text: ``markdown`` (``~~removed~~ **added**``, GitHub) or ``html``
    (``<del>``/``<ins>``, for Python-Markdown without a strikethrough extension).
    """
    h = "#" * (level + 1)
    out: list[str] = []
    if title:
        out += ["#" * level + " " + escape.text(title), ""]
    if compare_line:
        out += [f"Comparing {_value(result['base'])} with {_value(result['head'])}.", ""]
    if not result["changed"]:
        out.append(NO_CHANGES)
        return "\n".join(out) + "\n"
    if result["initial"]:
        t = {k: v["new"] for k, v in result["statistics"]["totals"].items()}
        n_err = len(result["errata"]["added"])
        out.append(
            f"Initial catalogue: {plural(t.get('controls', 0), 'control')} ({t.get('controls_mapped', 0)} mapped), "
            f"{plural(t.get('rules', 0), 'rule')}, {plural(t.get('mappings', 0), 'mapping')}, "
            f"{n_err} {'erratum' if n_err == 1 else 'errata'}."
        )
        return "\n".join(out) + "\n"

    def section(name: str, lines: list[str]) -> None:
        if lines:
            out.extend([f"{h} {name}", ""] + lines + [""])

    r = result["rules"]
    section("Rules added", [f"- {_value(x)}" for x in r["added"]])
    section("Rules removed", [f"- {_value(x)}" for x in r["removed"]])
    section("Rules renamed", [f"- {_value(x['old'])} {ARROW} {_value(x['new'])} (same {x['by']})" for x in r["renamed"]])
    m = result["mappings"]
    section("Mappings added", [f"- {mapping_line(x)}" for x in m["added"]])
    section("Mappings removed", [f"- {mapping_line(x)}" for x in m["removed"]])
    def nested(items: list[dict[str, Any]], head) -> list[str]:
        lines: list[str] = []
        for x in items:
            lines.append(f"- {head(x)}")
            lines += [f"  - {change_line(f, ch, style)}" for f, ch in x["changes"].items()]
        return lines

    section("Mappings changed", nested(m["changed"], mapping_head))
    section("Guidance changed", [f"- {_value(g['rule'])}: {render_words(g['words'], style=style)}" for g in result["guidance"]])
    section("Rule metadata changed", nested(result["rule_metadata"], lambda x: _value(x["rule"])))
    c = result["controls"]
    section("Controls added", [f"- {escape.text(x['id'])}: {escape.text(x['question'])}" for x in c["added"]])
    section("Controls removed", [f"- {escape.text(x['id'])}: {escape.text(x['question'])}" for x in c["removed"]])
    section("Controls changed", nested(c["changed"], lambda x: escape.text(x["id"])))
    e = result["errata"]
    section("Errata added", [f"- {escape.text(x['id'])}: {escape.text(x['title'])}" for x in e["added"]])
    section("Errata removed", [f"- {escape.text(x['id'])}: {escape.text(x['title'])}" for x in e["removed"]])
    section("Errata changed", nested(e["changed"], lambda x: escape.text(x["id"])))
    section("Framework changed", [f"- {change_line(f, ch, style)}" for f, ch in result["framework"].items()])
    if result["renumbered"]["summary"]:  # after the real changes, one line however many moved
        summary = result["renumbered"]["summary"]
        section("Source rows renumbered", [f"- {escape.text(summary[0].upper() + summary[1:])}; no other change in them."])

    s = result["statistics"]
    stat_lines = []

    def arrow(v: dict[str, Any]) -> str:
        return f"{v['old']} {ARROW} {v['new']}"

    if s["rules_per_control"]:
        stat_lines.append("- Rules per question: " + "; ".join(f"{escape.text(c)}: {arrow(v)}" for c, v in s["rules_per_control"].items()))
    if s["overlap"]:
        stat_lines.append("- Overlap (rules supporting both questions): " + "; ".join(f"{escape.text(p)}: {arrow(v)}" for p, v in s["overlap"].items()))
    if s["exclusive_rules"]:
        items = []
        for cid, v in s["exclusive_rules"].items():
            moves = [f"+{_value(x)}" for x in v["gained"]] + [f"−{_value(x)}" for x in v["lost"]]
            items.append(f"{escape.text(cid)}: {arrow(v)} ({', '.join(moves)})")
        stat_lines.append("- Rules exclusive to one question: " + "; ".join(items))
    if s["rules_by_question_count"]:
        stat_lines.append(
            "- Rules by number of questions: "
            + "; ".join(f"{plural(int(n), 'question')}: {arrow(v)}" for n, v in s["rules_by_question_count"].items())
        )
    if s["totals"]:
        stat_lines.append("- Totals: " + "; ".join(f"{k.replace('_', ' ')}: {arrow(v)}" for k, v in s["totals"].items()))
    section("Statistics", stat_lines)
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def render_json(result: dict[str, Any]) -> str:
    return json.dumps(result, indent=2, ensure_ascii=False) + "\n"
