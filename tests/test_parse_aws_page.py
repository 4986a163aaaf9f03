"""The parser of AWS's page (conformap.parse.aws_page), both forms, with exact rows and exact problems.

Pages are written inline, their line numbers in comments; expected rows are written by hand. These are
the fast tests `make mutate` runs against the parser (mutation.toml); tests/test_import_aws_page.py checks the
parser on the real page through the importer.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conformap.cli import main
from conformap.parse import aws_page as awspage
from conformap.parse.aws_page import PageError, parse_page, parse_rule_cell, split_question

HEADER = "Control ID Control Description AWS Config Rule Guidance"
MD_HEADER = "| Control ID | Control Description | AWS Config Rule | Guidance |"


def rows_of(text: str) -> list[tuple]:
    form, rows = parse_page(text)
    return [form] + [(r.number, r.line, r.control_id, r.question, r.description, r.rule, r.guidance, r.process_check) for r in rows]


def problems_of(text: str) -> list[tuple[int, str]]:
    with pytest.raises(PageError) as info:
        parse_page(text)
    assert str(info.value) == "; ".join(f"line {n}: {m}" for n, m in info.value.problems)
    return info.value.problems


# --------------------------------------------------------------------------- text form

TEXT = "\n".join([
    "Operational Best Practices",  # 1
    "",  # 2
    HEADER,  # 3
    "SEC-1 How do you do it? Do it well.",  # 4
    "",  # 5
    "alpha-rule",  # 6
    "",  # 7
    "  Alpha guidance.  ",  # 8
    "",  # 9
    "",  # 10
    "SEC-10.2 Is it a question? ",  # 11: no statement after the question
    "",  # 12
    "beta-rule (Process Check)",  # 13
    "",  # 14
    "Beta guidance.",  # 15
    "Template",  # 16: the table is over
])


def test_text_form_rows():
    assert rows_of(TEXT) == [
        "text",
        (1, 4, "SEC-1", "How do you do it?", "Do it well.", "alpha-rule", "Alpha guidance.", False),
        (2, 11, "SEC-10.2", "Is it a question?", "", "beta-rule", "Beta guidance.", True),
    ]


def test_text_form_problems_name_their_lines():
    page = "\n".join([
        HEADER,  # 1
        "SEC-1 Q? A.",  # 2: the next line is not blank
        "SEC-2 Q? B.",  # 3
        "",  # 4
        "Rule Two",  # 5: not a rule name
        "",  # 6
        "G.",  # 7
        "SEC-3 Q? C.",  # 8: no rule name
        "",  # 9
        "",  # 10
        "SEC-4 Q? D.",  # 11
        "",  # 12
        "delta-rule",  # 13
        "x",  # 14: not blank
        "G.",  # 15
    ])
    shape = "a row must be: control line, blank line, rule name, blank line, guidance"
    assert problems_of(page) == [(2, shape), (5, "'Rule Two' is not a rule name"), (8, shape), (11, shape)]
    assert problems_of(HEADER + "\nSEC-6 Q? F.\n\nepsilon-rule\n") == [(2, shape)]  # cut short
    assert problems_of(HEADER + "\nSEC-6 Q? F.\n\nepsilon-rule\n\n") == [(2, shape)]  # no guidance


def test_text_form_without_rows_or_header():
    assert problems_of("intro\n" + HEADER + "\n\nTemplate\n") == [(2, "the table has no rows")]
    assert problems_of("no table here\n") == [
        (1, f"no table header line '{HEADER}' and no Markdown table with columns control id, control description, aws config rule, guidance"),
    ]


def test_text_form_control_ids():
    page = "\n".join([HEADER, "AB2-7 Q? X.", "", "a1-b2", "", "G.", "sec-1 Q? Y.", "", "b", "", "G."])
    assert rows_of(page) == ["text", (1, 2, "AB2-7", "Q?", "X.", "a1-b2", "G.", False)]  # "sec-1": the table is over


# --------------------------------------------------------------------------- Markdown form

MD = "\n".join([
    "# Page",  # 1
    "| A | B |",  # 2: another table before the mapping table
    "| SEC-9 | x |",  # 3
    "",  # 4
    "| **Control ID** | Control Description | AWS Config Rule | Guidance |",  # 5
    "|:---|:---:|---:|----|",  # 6
    "| SEC-2 | SEC-2 How? Like this. | [alpha-rule](https://docs.example/a \"t\") | A \\| pipe<br/>and \\*stars\\* |",  # 7
    "  | SEC-2 | How? | `beta-rule` (process check) | B.<BR>b |",  # 8: indented
    "| SEC-3 | How else? | [gamma-rule (Process Check)](https://x) | C. |",  # 9
    "| SEC-3 | How else? | [delta-rule](https://x) (PROCESS  CHECK) | D. \\|",  # 10: escaped last pipe
    "SEC-4 | Not read? | epsilon-rule | E. |",  # 11: no leading pipe: the table is over
])


def test_markdown_form_rows():
    assert rows_of(MD) == [
        "markdown",
        (1, 7, "SEC-2", "How?", "Like this.", "alpha-rule", "A | pipe and *stars*", False),
        (2, 8, "SEC-2", "How?", "", "beta-rule", "B. b", True),
        (3, 9, "SEC-3", "How else?", "", "gamma-rule", "C.", True),
        (4, 10, "SEC-3", "How else?", "", "delta-rule", "D. |", True),
    ]


def test_markdown_form_problems_name_their_lines():
    page = "\n".join([
        MD_HEADER,  # 1
        "|---|---|---|---|",  # 2
        "| SEC-1 | Q? | a-rule |",  # 3: three cells
        "| sec-1 | Q? | a-rule | G. |",  # 4: not a control id
        "| SEC-1 | Q? | A Rule | G. |",  # 5: not a rule name
        "| SEC-1 | Q? | a-rule | G. | extra |",  # 6: five cells
        "| SEC-1 | Q? | a-rule | G. |",  # 7: fine
    ])
    four = "expected 4 cells (Control ID | Control Description | AWS Config Rule | Guidance), found"
    assert problems_of(page) == [
        (3, f"{four} 3"), (4, "'sec-1' is not a control id"), (5, "'A Rule' is not a rule name"), (6, f"{four} 5"),
    ]


def test_markdown_table_details():
    page = "\n".join([
        "   | Control ID | Control Description | AWS Config Rule | Guidance |",  # 1: indented header
        "",  # 2: a blank line before any row does not end the table
        "|---|---|---|---|",  # 3
        "| SEC-1 | Q? A. | a-rule | ends with a backslash \\",  # 4: no closing pipe
    ])
    assert rows_of(page) == ["markdown", (1, 4, "SEC-1", "Q?", "A.", "a-rule", "ends with a backslash \\", False)]


def test_markdown_form_without_rows():
    assert problems_of("text\n" + MD_HEADER + "\n|---|---|---|---|\n") == [(1, "the Markdown table has no rows")]


def test_a_header_without_a_leading_pipe_is_not_a_markdown_table():
    page = "Control ID | Control Description | AWS Config Rule | Guidance |\n|---|---|---|---|\n| SEC-1 | Q? | a | G |\n"
    assert problems_of(page)[0][1].startswith("no table header line")


# --------------------------------------------------------------------------- line numbers of page problems (issue 14)

TEXT_PAGE = (
    "Mini page\n"                                                      # 1
    "\n"                                                               # 2
    "Control ID Control Description AWS Config Rule Guidance\n"        # 3
    "M-1 How do you do the first thing? The first description.\n"      # 4
    "\n"                                                               # 5
    "alpha-rule\n"                                                     # 6
    "\n"                                                               # 7
    "Alpha guidance.\n"                                                # 8
    "M-2 How do you do the second thing? Best practice one.\n"         # 9
    "\n"                                                               # 10
    "Not A Rule\n"                                                     # 11: the bad rule name
    "\n"                                                               # 12
    "Guidance.\n"                                                      # 13
    "\n"                                                               # 14
    "M-2 How do you do the second thing? Best practice two.\n"         # 15
    "\n"                                                               # 16
    "beta_rule\n"                                                      # 17: another one
    "\n"                                                               # 18
    "Beta guidance.\n"                                                 # 19
)
MD_PAGE = (
    "# Mini page\n"                                                                          # 1
    "\n"                                                                                     # 2
    "| Control ID | Control Description | AWS Config Rule | Guidance |\n"                     # 3
    "|---|---|---|---|\n"                                                                    # 4
    "| M-1 | How do you do the first thing? The first description. | alpha-rule | A. |\n"    # 5
    "| M-2 | How do you do the second thing? Best practice one. | Not A Rule | B. |\n"       # 6
    "| M-2 | How do you do the second thing? Best practice two. | [beta-rule](x) | C. |\n"  # 7
    "| M-3 | How do you do the third thing? | beta_rule | D. |\n"                            # 8
)
PAGE_PROBLEMS = {
    "page.txt": (TEXT_PAGE, ["page.txt:11: 'Not A Rule' is not a rule name", "page.txt:17: 'beta_rule' is not a rule name"]),
    "page.md": (MD_PAGE, ["page.md:6: 'Not A Rule' is not a rule name", "page.md:8: 'beta_rule' is not a rule name"]),
}


@pytest.mark.parametrize("name", sorted(PAGE_PROBLEMS))
def test_bad_rule_names_are_reported_on_their_own_line(tmp_path, monkeypatch, capsys, name):
    """Bug (issue 14): the page parser reporting a bad rule name one line too early."""
    content, expected = PAGE_PROBLEMS[name]
    monkeypatch.chdir(tmp_path)
    Path(name).write_text(content, encoding="utf-8")
    assert main(["import-aws-page", name, "--catalog", "new"]) == 1
    out, err = capsys.readouterr()
    assert (out, err.splitlines()) == ("", expected)
    assert not Path("new").exists()


def test_rows_know_the_line_they_start_on():
    text_rows = parse_page(TEXT_PAGE.replace("Not A Rule", "gamma-rule").replace("beta_rule", "beta-rule"))[1]
    assert [(r.number, r.line, r.rule) for r in text_rows] == [(1, 4, "alpha-rule"), (2, 9, "gamma-rule"), (3, 15, "beta-rule")]
    md_rows = parse_page(MD_PAGE.replace("Not A Rule", "gamma-rule").replace("beta_rule", "beta-rule"))[1]
    assert [(r.number, r.line, r.rule) for r in md_rows] == [(1, 5, "alpha-rule"), (2, 6, "gamma-rule"), (3, 7, "beta-rule"), (4, 8, "beta-rule")]


# --------------------------------------------------------------------------- cells


@pytest.mark.parametrize("cell, expected", [
    ("alpha-rule", ("alpha-rule", False)),
    ("  `alpha-rule`  ", ("alpha-rule", False)),
    ("[alpha-rule](https://x)", ("alpha-rule", False)),
    ('[alpha-rule](https://x "title")', ("alpha-rule", False)),
    ("[alpha-rule](https://x) (Process Check)", ("alpha-rule", True)),
    ("[alpha-rule (process check)](https://x)", ("alpha-rule", True)),
    ("alpha-rule(  Process   Check  )", ("alpha-rule", True)),
    ("alpha-rule (Process Check) extra", ("alpha-rule (Process Check) extra", False)),
    ("[a](b c)", ("[a](b c)", False)),
    ("[[alpha-rule](https://a)](https://b)", ("alpha-rule", False)),  # a link inside a link
    ("XrX", ("XrX", False)),  # only backticks and spaces are trimmed

])
def test_rule_cells(cell, expected):
    assert parse_rule_cell(cell) == expected


@pytest.mark.parametrize("text, expected", [
    ("How? Like this.", ("How?", "Like this.")),
    ("  How?   Like  this.  ", ("How?", "Like  this.")),
    ("How?", ("How?", "")),
    ("How? Why? Because.", ("How?", "Why? Because.")),
    ("No question here.", ("No question here.", "")),
    ("How?\nOn two lines.", ("How?", "On two lines.")),
    ("How? On\ntwo lines.", ("How?", "On\ntwo lines.")),
])
def test_split_question(text, expected):
    assert split_question(text) == expected




def test_read_page_stops_past_its_limit(tmp_path):
    """The page is read in 64 KiB chunks: a limit is exact, across chunk boundaries too."""
    page = tmp_path / "page.txt"
    data = bytes(range(256)) * 600  # 153,600 bytes: two whole chunks and part of a third
    page.write_bytes(data)
    assert awspage.read_page(page, limit=len(data)) == data
    with pytest.raises(awspage.PageTooLarge) as info:
        awspage.read_page(page, limit=len(data) - 1)
    assert str(info.value) == "the page is longer than 153599 bytes (the limit for a page); it was not read further"
    with pytest.raises(awspage.PageTooLarge):
        awspage.read_page(page, limit=65536)  # the second chunk passes it
    page.write_bytes(b"")
    assert awspage.read_page(page) == b""


def test_read_page_holds_one_chunk_at_a_time_past_the_limit(tmp_path):
    """A 20 MB file (sparse) is refused after reading a little past the limit, not read whole."""
    import tracemalloc

    big = tmp_path / "big.txt"
    with open(big, "wb") as fh:
        fh.truncate(20 * 1024 * 1024)
    tracemalloc.start()
    try:
        with pytest.raises(awspage.PageTooLarge):
            awspage.read_page(big, limit=1024 * 1024)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 3 * 1024 * 1024


def md_page(*rows: str, after: str = "\n## Template\n") -> str:
    """A Markdown page: header on line 1, separator on line 2, the rows from line 3."""
    return "\n".join([MD_HEADER, "|---|---|---|---|", *rows]) + "\n" + after


MD_ROW = "| M-1 | Q? D. | alpha-rule | G. |"


@pytest.mark.scenario
def test_markdown_table_row_limit():
    rows = [f"| M-1 | Q? D{i}. | rule-{i} | G. |" for i in range(5001)]
    assert len(parse_page(md_page(*rows[:5000]))[1]) == 5000
    assert problems_of(md_page(*rows)) == [(5003, "the table has more than 5000 rows (the limit for a page)")]


def test_a_blank_line_inside_a_markdown_table_cuts_it():
    page = md_page(MD_ROW, "", MD_ROW.replace("alpha", "beta"))
    assert problems_of(page) == [(4, "the table stops here ('' is not a row), yet a row follows on line 5; remove the stray line")]


def test_an_indented_row_after_a_stray_line_is_a_row():
    page = md_page(MD_ROW, "Was this page helpful?", "   " + MD_ROW.replace("alpha", "beta"))
    assert problems_of(page) == [
        (4, "the table stops here ('Was this page helpful?' is not a row), yet a row follows on line 5; remove the stray line")
    ]


def test_a_control_id_alone_on_a_line_after_the_table_is_not_a_row():
    page = md_page(MD_ROW, after="\n## Template\n\nM-2\n")
    assert rows_of(page)[1:] == [(1, 3, "M-1", "Q?", "D.", "alpha-rule", "G.", False)]


def complete_problems(text: str) -> list[tuple[int, str]]:
    form, rows = parse_page(text)
    with pytest.raises(PageError) as info:
        awspage.check_complete(text, form, rows)
    return info.value.problems


def test_markdown_page_must_go_on_with_the_template_section():
    stray = "Next topic: " + "x" * 48  # 60 characters: shown whole
    assert complete_problems(md_page(MD_ROW, after=stray + "\n## Template\n")) == [
        (4, f"the table stops here ('{stray}' is not a row) instead of at the 'Template' section; the page is cut or has a stray line")
    ]
    longer = stray + "y"  # 61 characters: cut to 57 and "..."
    assert complete_problems(md_page(MD_ROW, after=longer + "\n")) == [
        (4, f"the table stops here ('{longer[:57]}...' is not a row) instead of at the 'Template' section; the page is cut or has a stray line")
    ]
    assert complete_problems(md_page(MD_ROW, after="XTemplate\n"))[0][0] == 4  # the section's name alone, not a word ending in it
    awspage.check_complete(md_page(MD_ROW, after="\n\n### Template\n"), "markdown", parse_page(md_page(MD_ROW))[1])


def test_a_cut_guidance_shows_its_last_40_characters():
    guidance = "This guidance was cut in the middle of a sentence about"
    assert complete_problems(md_page(MD_ROW.replace("G.", guidance))) == [
        (3, "the last row's guidance ends mid-sentence ('as cut in the middle of a sentence about'); the page was cut")
    ]
