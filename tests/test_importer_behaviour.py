"""The importer on the mini catalogue: small, exact scenarios whose results are written out by hand.

tests/test_importer.py checks the importer on the real page (slow); these run in a fraction of a second
each, so they are also what `make mutate` runs against the importer (mutation.toml).
The mini page (tests/fixtures/mini/sources/aws-page.txt) has 4 rows:
    1 M-1 desc -> alpha-rule   2 M-2 BP01 -> alpha-rule   3 M-2 BP02 -> beta-rule   4 M-2 BP02 -> gamma-check
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from conformap.catalog.importer import import_page

MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
PAGE = (MINI / "sources" / "aws-page.txt").read_text(encoding="utf-8")
ROW_2 = "M-2 How do you do the second thing? Best practice one of the second thing.\n\nalpha-rule\n\nAlpha guidance, with the rule’s apostrophe.\n"


@pytest.fixture
def root(tmp_path) -> Path:
    """The mini catalogue after one import of its own page (which puts its files in canonical layout)."""
    shutil.copytree(MINI, tmp_path / "catalog")
    import_page(MINI / "sources" / "aws-page.txt", tmp_path / "catalog")
    return tmp_path / "catalog"


def page(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "page.txt"
    path.write_text(text, encoding="utf-8")
    return path


def data(root: Path, rel: str) -> dict:
    return yaml.safe_load((root / rel).read_text(encoding="utf-8"))


def mappings(root: Path, rule: str) -> list[tuple]:
    return [(m["control"], m["statement"], m.get("source_rows")) for m in data(root, f"rules/{rule}.yaml")["mappings"]]


def test_the_same_page_changes_nothing(root, tmp_path):
    report = import_page(page(tmp_path, PAGE), root)
    assert (report.form, report.rows, report.written, report.mappings_added, report.mappings_removed) == ("text", 4, [], [], [])


def test_a_reworded_description_keeps_its_statement_id(root, tmp_path):
    report = import_page(page(tmp_path, PAGE.replace("The first thing’s description.", "The first thing, described anew.")), root)
    assert sorted(report.written) == ["controls/M-1.yaml", "framework.yaml", "sources/aws-page.txt"]
    assert data(root, "controls/M-1.yaml")["statements"] == [
        {"id": "M-1.desc", "kind": "question-description", "text": "The first thing, described anew."}
    ]
    assert "M-1: statement M-1.desc text changed" in report.notes
    assert mappings(root, "alpha-rule") == [("M-1", "M-1.desc", [1]), ("M-2", "M-2.BP01", [2])]


def test_a_new_best_practice_gets_the_next_free_number(root, tmp_path):
    extra = "M-2 How do you do the second thing? Best practice three of the second thing.\n\nbeta-rule\n\nBeta guidance.\n"
    report = import_page(page(tmp_path, PAGE.replace("\nTemplate", extra + "\nTemplate")), root)
    statements = data(root, "controls/M-2.yaml")["statements"]
    # BP01 and BP02 keep their ids and places; the new text is the control's third: S3, appended.
    assert [s["id"] for s in statements] == ["M-2.BP01", "M-2.BP02", "M-2.S3"]
    assert statements[2] == {"id": "M-2.S3", "kind": "best-practice", "text": "Best practice three of the second thing."}
    assert mappings(root, "beta-rule") == [("M-2", "M-2.BP02", [3]), ("M-2", "M-2.S3", [5])]
    assert "M-2: new statement M-2.S3" in report.notes
    assert report.rows == 5


def test_a_dropped_row_renumbers_the_rows_after_it(root, tmp_path):
    report = import_page(page(tmp_path, PAGE.replace(ROW_2, "")), root, allow_removals=1)
    assert mappings(root, "alpha-rule") == [("M-1", "M-1.desc", [1])]
    assert mappings(root, "beta-rule") == [("M-2", "M-2.BP02", [2])]
    assert mappings(root, "gamma-check") == [("M-2", "M-2.BP02", [3])]
    assert data(root, "errata.yaml")["errata"][0]["source_rows"] == [2, 3]  # E1 followed its rows 3 and 4
    assert data(root, "framework.yaml")["source"]["rows"] == 3
    assert report.rows_before == 4 and report.rows == 3
    # A control's statements are the ones the page prints: BP01 went with its only row.
    assert [s["id"] for s in data(root, "controls/M-2.yaml")["statements"]] == ["M-2.BP02"]
