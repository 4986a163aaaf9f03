"""issue 19 item 8: the edition without AWS's page text (``--without-aws-text``, ``CONFORMAP_WITHOUT_AWS_TEXT=1``).

The texts that must not appear are read from the page snapshot itself (catalog/sources/aws-page.txt): every
row's question, description and guidance. Ids, links and rule metadata must stay.
"""

from __future__ import annotations

import json

import pytest

from conformap import paths
from conformap.cli import main
from conformap.parse import aws_page

PAGE = paths.DEFAULT_CATALOG / "sources" / "aws-page.txt"


@pytest.fixture(scope="module")
def page_texts() -> set[str]:
    _, rows = aws_page.parse_page(PAGE.read_text(encoding="utf-8"))
    assert len(rows) == 183
    return {t for r in rows for t in (r.question, r.description, r.guidance) if len(t) > 20}


def _export(tmp_path, fmt: str, *extra: str) -> bytes:
    out = tmp_path / f"out.{fmt}"
    assert main(["export", "--format", fmt, "--out", str(out), *extra]) == 0
    return out.read_bytes()


@pytest.mark.slow  # over 1.5 s of CPU: make test runs it, make test-fast does not
@pytest.mark.parametrize("fmt", ["json", "csv", "oscal-catalog", "oscal-component-definition"])
def test_exports_without_aws_text_hold_none_of_the_page_text(tmp_path, page_texts, fmt):
    full = _export(tmp_path, fmt).decode("utf-8")
    bare = _export(tmp_path, fmt, "--without-aws-text").decode("utf-8")
    as_text = lambda s: s if fmt == "csv" else json.dumps(json.loads(s), ensure_ascii=False)
    found_full = [t for t in page_texts if json.dumps(t, ensure_ascii=False)[1:-1] in as_text(full) or t in full]
    assert found_full  # the check can fail: the full export holds the page's text
    assert [t for t in page_texts if json.dumps(t, ensure_ascii=False)[1:-1] in as_text(bare) or t in bare] == []
    kept = {
        "json": ("s3-bucket-public-read-prohibited", "S3_BUCKET_PUBLIC_READ_PROHIBITED", "https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-public-read-prohibited.html", "SEC03-BP07"),
        "csv": ("s3-bucket-public-read-prohibited", "S3_BUCKET_PUBLIC_READ_PROHIBITED", "https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-public-read-prohibited.html", "SEC03-BP07"),
        "oscal-catalog": ("sec-3", "SEC03-BP07", "SEC03"),
        "oscal-component-definition": ("s3-bucket-public-read-prohibited", "S3_BUCKET_PUBLIC_READ_PROHIBITED"),
    }[fmt]
    for k in kept:
        assert k in bare, k


@pytest.mark.scenario
def test_the_workbook_without_aws_text(tmp_path, page_texts):
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(_export(tmp_path, "xlsx", "--without-aws-text")))
    cells = {str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None}
    assert not cells & page_texts
    assert "SEC03-BP07" in cells and "s3-bucket-public-read-prohibited" in cells


def test_aws_text_export_cannot_be_made_without_it(tmp_path, capsys):
    assert main(["export", "--format", "aws-text", "--without-aws-text", "--out", str(tmp_path / "x.txt")]) == 1
    assert "cannot be made --without-aws-text" in capsys.readouterr().err
    assert not (tmp_path / "x.txt").exists()


@pytest.mark.scenario
def test_the_site_without_aws_text(tmp_path, page_texts, monkeypatch):
    monkeypatch.setenv("CONFORMAP_WITHOUT_AWS_TEXT", "1")
    out = tmp_path / "site"
    assert main(["render-site", str(out)]) == 0
    pages = {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in out.rglob("*.md")}
    from conformap import escape

    shown = {escape.text(t) for t in page_texts}
    leaks = [(name, t[:40]) for name, md in pages.items() if name != "notice.md" for t in shown if t in md]
    assert leaks == []
    assert "s3\\-bucket\\-public\\-read\\-prohibited" in pages["rules/s3-bucket-public-read-prohibited.md"]
