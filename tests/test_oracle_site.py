"""The numbers on the built site (strict mkdocs build, HTML read back as text) against the oracle, on the awkward
catalogue: what a reader sees, not the page contexts. Slow: it builds a whole site."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import build_site
from oracle import published, synth
from oracle.derive import Oracle

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Oracle, Path]:
    tmp = tmp_path_factory.mktemp("oracle-site")
    root = synth.awkward(tmp / "catalog")
    out = tmp / "site"
    proc = build_site(root, out)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return Oracle(root), out


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def test_questions_index_in_html(built):
    o, site = built
    tables, _ = published.html_tables(site / "controls" / "index.html")
    rows = tables[0]
    assert rows[0][:5] == ["Question", "Text", "Rules", "Exclusive", "Statements"]
    got = [(r[0], int(r[2]), int(r[3]), int(r[4])) for r in rows[1:]]
    assert got == [(q, len(o.rules_of(q)), len(o.exclusive(q)), len(o.control[q].get("statements") or [])) for q in o.question_ids()]


def test_question_pages_in_html(built):
    o, site = built
    packs = o.published_packs()
    for q in o.question_ids():
        page = site / "controls" / q.lower() / "index.html"
        tables, text = published.html_tables(page)
        rules = o.rules_of(q)
        if not rules:
            assert "No rule mapped" in text and not tables
            continue
        assert f"{_plural(len(rules), 'rule')} · {len(o.exclusive(q))} exclusive" in text
        assert [r[0] for r in tables[0][1:]] == rules
        html = page.read_text(encoding="utf-8")
        assert (f"conformance-packs/{q.lower()}.yaml" in html) == (q.lower() in packs), q


def test_overlap_pairs_in_html_follow_their_caption(built):
    o, site = built
    tables, text = published.html_tables(site / "overlap" / "index.html")
    assert "Sorted by Jaccard index" in text
    pairs = next(t for t in tables if t[0] == ["Question", "Question", "Shared rules", "Jaccard"])
    got = [(a, b, int(n), float(j)) for a, b, n, j in pairs[1:]]
    assert sorted(got) == sorted(o.overlapping_pairs())
    js = [p[3] for p in got]
    assert js == sorted(js, reverse=True)
    for k, members in o.rules_by_question_count().items():
        assert f"Supporting {_plural(k, 'question')} ({_plural(len(members), 'rule')})" in text


def test_home_and_crosswalk_numbers_in_html(built):
    o, site = built
    _, home = published.html_tables(site / "index.html")
    c = o.counts()
    assert f"{c['controls']} questions {c['controls_with_rules']} with rules" in home
    assert f"{c['mappings']} mappings" in home
    _, cross = published.html_tables(site / "crosswalk" / "index.html")
    k = o.corroboration_counts()
    assert f"for {k['agree']}, maps the rule to other questions only for {k['contradicted']}, and does not map the rule at all for {k['not_covered']}." in cross
