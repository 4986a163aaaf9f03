"""The parser of AWS's page (conformap.catalog.awspage), both forms, with exact rows and exact problems.

Pages are written inline, their line numbers in comments; expected rows are written by hand. These are
the fast tests `make mutate` runs against the parser (mutation.toml); tests/test_importer.py checks the
parser on the real page through the importer.
"""

from __future__ import annotations

import pytest

from conformap.catalog.awspage import PageError, Row, parse_page, parse_rule_cell, split_question

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


def test_row_control_text():
    assert Row(1, 1, "SEC-1", "How?", "Like this.", "a", "G").control_text == "How? Like this."
    assert Row(1, 1, "SEC-1", "How?", "", "a", "G").control_text == "How?"
