"""What the site search (Material for MkDocs' lunr index) needs from the pages: their boosts and the
other ways people write a question id.

The search ranks a page by its title (boost 1000 in Material) and text, times the page's ``boost``
(front matter). Two facts of this ranking shape the numbers below, measured with the browser tests
(tests/test_browser_tasks.py):

* a title's length does not lower its score, so a rule whose words are all in a longer rule's name
  (``root-account-mfa-enabled`` in ``root-account-hardware-mfa-enabled``) ties with it on the title,
  and the text of the longer rule's page decides; such a rule gets a slightly higher boost, so that its
  exact name ranks its own page first;
* "SEC 8" matches the word "sec" in many pages' text: question pages get the highest boost.

The last word typed is matched as a prefix too: "SEC-1" finds SEC-10 and SEC-11 as well, which can rank
above SEC-1 (their pages are shorter). No boost fixes that without putting SEC-1 above SEC-8 for "SEC 8";
the three are the first results.

A search matches whole words, and ``sec8`` is one word: a question page carries its id's other forms
(:func:`id_forms`) in its text.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Iterable

QUESTION_BOOST = 3
# The pages whose sections are other frameworks' ids. The Crosswalk's NIST sections ("SC-8") need the
# question pages' boost to rank above SEC-8's page (whose text names SC-8); the Security Hub page's headings
# ("S3.5", "PCI DSS 4.1") rank first without one, and a boost would put it above SEC-1's own page for "SEC-1"
# (its sections name the questions).
NIST_INDEX_BOOST = 3
HUB_INDEX_BOOST = 1
RULE_BOOST = 2
CONTAINED_NAME_BOOST = 2.2  # a rule whose name's words are all in another rule's name

_NUMBERED_ID = re.compile(r"^([A-Z]+)-([0-9]+)$")


def id_forms(control_id: str) -> list[str]:
    """Other ways people write a question id: ``SEC 8``, ``SEC08``, ``SEC8`` for ``SEC-8`` (none for other shapes)."""
    m = _NUMBERED_ID.match(control_id)
    if not m:
        return []
    prefix, number = m.group(1), int(m.group(2))
    forms = [f"{prefix} {number}", f"{prefix}{number:02d}", f"{prefix}{number}"]
    return [f for i, f in enumerate(forms) if f not in forms[:i] and f != control_id]


def rule_boosts(rule_ids: Iterable[str]) -> dict[str, float]:
    """Rule id -> the search boost of its page."""
    ids = list(rule_ids)
    words = {r: frozenset(r.split("-")) for r in ids}
    having: dict[str, set[str]] = defaultdict(set)  # word -> rules whose name has it
    for r, ws in words.items():
        for w in ws:
            having[w].add(r)
    out = {}
    for r, ws in words.items():
        # The rules whose names have every word of r's name: r itself, and any longer name containing them.
        holders = set.intersection(*(having[w] for w in ws))
        out[r] = CONTAINED_NAME_BOOST if len(holders) > 1 else RULE_BOOST
    return out

