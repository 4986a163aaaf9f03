"""The strict YAML reader (conformap.load.yamlio): exact line, column, path and message per problem,
and the positions it keeps for later checks. Inputs are bytes written here; expected values by hand.
These are also the fast tests `make mutate` runs against the reader (mutation.toml).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conformap.load.yamlio import MAX_DEPTH, MAX_FILE_BYTES, MAX_STRING_CHARS, read_yaml, read_yaml_text


def problems(raw: bytes) -> list[tuple[int, int, str, str]]:
    doc = read_yaml_text(raw, "f.yaml")
    assert doc.data is None and not doc.ok
    assert {d.file for d in doc.diagnostics} == {"f.yaml"}
    return [(d.line, d.column, d.path, d.message) for d in doc.diagnostics]


def test_limits_are_the_documented_ones():
    assert (MAX_FILE_BYTES, MAX_STRING_CHARS, MAX_DEPTH) == (262144, 20000, 32)


def test_file_size_limit_is_inclusive():
    body = b"a: " + b"x" * 10 + b"\n"
    filler = b"#" * (MAX_FILE_BYTES - len(body) - 1) + b"\n"
    assert read_yaml_text(filler + body, "f.yaml").data == {"a": "x" * 10}
    assert problems(b"#" + filler + body) == [(1, 1, "$", "file is 262145 bytes; the limit is 262144 bytes (split the content)")]


def test_encoding_problems():
    assert problems(b"\xef\xbb\xbfa: 1\n") == [(1, 1, "$", "file starts with a UTF-8 byte-order mark; save it as UTF-8 without BOM")]
    assert problems(b"id: x\nname: ab\xffc\n") == [(2, 9, "$", "invalid UTF-8 (byte 0xff); save the file as UTF-8")]


def test_forbidden_characters_each_at_its_place():
    raw = "a: 1\n\tb: 2\nc: x\ry\nd: \x01\ne: \u2028\nf: \x7f\n".encode("utf-8")
    assert problems(raw) == [
        (2, 1, "$", "tab is not allowed in catalogue files"),
        (3, 5, "$", "carriage return (use LF line endings) is not allowed in catalogue files"),
        (4, 4, "$", "control character U+0001 is not allowed in catalogue files"),
        (5, 4, "$", "control character U+2028 is not allowed in catalogue files"),
        (6, 4, "$", "control character U+007F is not allowed in catalogue files"),
    ]
    assert len(problems(b"a: 1\n" + b"\t\n" * 30)) == 20  # at most 20 are listed


def test_a_zero_width_no_break_space_inside_is_named():
    assert problems("a: x\ufeffy\n".encode("utf-8")) == [
        (1, 5, "$", "byte-order mark / zero-width no-break space is not allowed in catalogue files"),
    ]


@pytest.mark.parametrize("raw", [b"", b"\n\n", b"  \n", b"# only a comment\n  # another\n", b" # x\n", b"#\n\n   # x: 1\n"])
def test_empty_files(raw):
    assert problems(raw) == [(1, 1, "$", "file is empty; a catalogue file must hold one YAML mapping")]


def test_a_document_marker_alone_is_a_null_document_not_an_empty_file():
    doc = read_yaml_text(b"--- # nothing here\n", "f.yaml")
    assert (doc.ok, doc.data) == (True, None)  # the loader then says the file must hold a mapping


def test_a_second_document_is_refused_where_it_starts():
    assert problems(b"a: 1\n---\nb: 2\n") == [
        (2, 1, "$", "malformed YAML: expected a single document in the stream but found another document"),
    ]
    assert problems(b"# c\n---\na: 1\n...\n--- x\n") == [
        (5, 1, "$", "malformed YAML: expected a single document in the stream but found another document"),
    ]


def test_the_noncharacters_yaml_refuses_are_reported_at_their_place():
    # PyYAML's reader refuses U+FFFE and U+FFFF with an error that has no line and spans two lines;
    # the reader names them at their place first, like any other control character.
    assert problems("a: 1\nb: x\ufffe\nc: \uffff\n".encode("utf-8")) == [
        (2, 5, "$", "control character U+FFFE is not allowed in catalogue files"),
        (3, 4, "$", "control character U+FFFF is not allowed in catalogue files"),
    ]
    assert problems(b'a: "\\uFFFF"\n"\\uFFFE": 1\n') == [
        (1, 4, "$.a", "control character U+FFFF (written as an escape) is not allowed in catalogue text"),
        (2, 1, "$", "key '\\ufffe': control character U+FFFE (written as an escape) is not allowed in catalogue keys"),
    ]


def test_anchors_aliases_and_tags_are_refused_with_their_place():
    raw = b"a: &x 1\nb: *x\nc: !custom 2\nd: !!python/object:os.system 3\ne: !!str 4\nf: !!map {}\ng: ! 5\n"
    assert problems(raw) == [
        (1, 4, "$", "anchor '&x' is not allowed; write the value out in full"),
        (2, 4, "$", "alias '*x' is not allowed; write the value out in full"),
        (3, 4, "$", "explicit tag '!custom' is not allowed"),
        (4, 4, "$", "explicit tag 'tag:yaml.org,2002:python/object:os.system' is not allowed"),
        (6, 4, "$", "explicit tag 'tag:yaml.org,2002:map' is not allowed"),
    ]


def test_the_non_specific_tag_written_out_is_refused_like_any_tag():
    # `!<?>` is YAML's "no tag yet" written as a verbatim tag: PyYAML keeps it, and no value can be built with it.
    assert problems(b"a: !<?> x\nb: !<!> y\n") == [(1, 4, "$", "explicit tag '?' is not allowed")]
    assert read_yaml_text(b"b: !<!> y\n", "f.yaml").data == {"b": "y"}


def test_values_their_tag_cannot_hold():
    long = b"1" * 5000
    raw = b"a: !!int abc\nb: !!bool maybe\nc: !!float one\nd: " + long + b"\ne: !!int " + b"x" * 41 + b"\nf: !!int " + b"y" * 40 + b"\n"
    assert problems(raw) == [
        (1, 4, "$.a", "'abc' is not an integer"),
        (2, 4, "$.b", "'maybe' is not true or false"),
        (3, 4, "$.c", "'one' is not a number"),
        (4, 4, "$.d", "'1111111111111111111111111111111111111...' has more digits than an integer may (5000 characters)"),
        (5, 4, "$.e", "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...' is not an integer"),
        (6, 4, "$.f", "'yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy' is not an integer"),
    ]


def test_characters_are_named_by_their_class():
    raw = "a: x\u202ey\nb: \u200b\n".encode("utf-8")
    assert problems(raw) == [
        (1, 5, "$", "bidirectional control U+202E is not allowed in catalogue files"),
        (2, 4, "$", "zero-width character U+200B is not allowed in catalogue files"),
    ]
    assert problems('a: "\\u2066"\nb: "e\u0301"\n'.encode("utf-8")) == [
        (1, 4, "$.a", "bidirectional control U+2066 (written as an escape) is not allowed in catalogue text"),
        (2, 4, "$.b", "text is not in Unicode NFC form (a character written as a letter plus combining marks); save it NFC-normalised"),
    ]


def test_a_line_feed_is_text_but_not_a_key():
    assert read_yaml_text(b'a: "x\\ny"\n', "f.yaml").data == {"a": "x\ny"}
    assert problems(b'"a\\nb": 1\n"c\\u200dd": 2\ne: "\\t"\n') == [
        (1, 1, "$", "key 'a\\nb': line feed (written as an escape) is not allowed in catalogue keys"),
        (2, 1, "$", "key 'c\\u200dd': zero-width character U+200D (written as an escape) is not allowed in catalogue keys"),
        (3, 4, "$.e", "tab (written as an escape) is not allowed in catalogue text"),
    ]


def test_at_most_fifty_structure_problems_are_listed():
    raw = b"".join(b"k%d: &a%d 1\n" % (i, i) for i in range(60))
    listed = problems(raw)
    assert len(listed) == 50 and listed[-1] == (50, 6, "$", "anchor '&a49' is not allowed; write the value out in full")


def test_nesting_limit():
    ok = b"a: " + b"[" * (MAX_DEPTH - 1) + b"]" * (MAX_DEPTH - 1) + b"\n"
    assert read_yaml_text(ok, "f.yaml").ok
    deep = b"a: " + b"[" * MAX_DEPTH + b"]" * MAX_DEPTH + b"\n"
    assert problems(deep) == [(1, 4 + MAX_DEPTH - 1, "$", "nesting is deeper than 32 levels; catalogue files are shallow")]


def test_malformed_yaml_points_at_the_problem():
    ((line, col, path, message),) = problems(b"a: 1\nb: [1, 2\nc: 3\n")
    assert (line, col, path) == (3, 2, "$")
    assert message.startswith("malformed YAML: while parsing a flow sequence ") and "expected ',' or ']'" in message


def test_keys_must_be_unique_plain_strings():
    raw = b"a: 1\nb:\n  c: 2\n  c: 3\n? [x]\n: 4\n<<: {d: 5}\na: 6\n"
    assert problems(raw) == [
        (4, 3, "$.b.c", "duplicate key 'c' (first defined on line 3)"),
        (5, 3, "$", "keys must be plain strings (no merge keys or complex keys)"),
        (7, 1, "$", "keys must be plain strings (no merge keys or complex keys)"),
        (8, 1, "$.a", "duplicate key 'a' (first defined on line 1)"),
    ]


def test_strings_are_checked_after_unescaping():
    raw = b'a: "x\\ty"\nb:\n  - ok\n  - "\\x01"\nc: 2026-01-02\nd: "' + b"y" * (MAX_STRING_CHARS + 1) + b'"\n'
    assert problems(raw) == [
        (1, 4, "$.a", "tab (written as an escape) is not allowed in catalogue text"),
        (4, 5, "$.b[1]", "control character U+0001 (written as an escape) is not allowed in catalogue text"),
        (6, 4, "$.d", "string is 20001 characters; the limit is 20000"),
    ]
    assert read_yaml_text(b"d: " + b"y" * MAX_STRING_CHARS + b"\n", "f.yaml").ok


def test_values_and_positions():
    doc = read_yaml_text(b"id: x\nn: 3\nok: true\nnone: null\nwhen: 2026-01-02\nlist:\n  - {k: v}\n  - 2.5\n", "f.yaml")
    assert doc.ok and doc.data == {"id": "x", "n": 3, "ok": True, "none": None, "when": "2026-01-02", "list": [{"k": "v"}, 2.5]}
    assert doc.mark(()) == (1, 1)
    assert doc.mark(("n",)) == (2, 4)
    assert doc.mark(("n",), key=True) == (2, 1)
    assert doc.mark(("list", 0, "k")) == (7, 9)
    assert doc.mark(("list", 0, "k"), key=True) == (7, 6)
    assert doc.mark(("list", 1)) == (8, 5)
    assert doc.mark(("list", 1), key=True) == (8, 5)  # no key: the value
    assert doc.mark(("list", 0, "missing")) == (7, 5)  # the nearest ancestor
    assert doc.mark(("nothing", "here"), key=True) == (1, 1)
    d = doc.error(("list", 0, "k"), "bad")
    assert (d.file, d.line, d.column, d.path, d.message, d.severity.value) == ("f.yaml", 7, 9, "$.list[0].k", "bad", "error")
    w = doc.error(("n",), "odd", key=True, severity=d.severity.__class__("warning"))
    assert (w.line, w.column, w.severity.value) == (2, 1, "warning")


def test_read_yaml_from_disk(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_bytes(b"a: 1\n")
    assert read_yaml(good).data == {"a": 1} and read_yaml(good).file == str(good)
    assert read_yaml(good, "shown.yaml").file == "shown.yaml"
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: 1\n#" + b"x" * (MAX_FILE_BYTES - 7) + b"\n")  # exactly the limit: read
    assert big.stat().st_size == MAX_FILE_BYTES and read_yaml(big, "big.yaml").data == {"a": 1}
    big.write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    doc = read_yaml(big, "big.yaml")
    assert [(d.line, d.column, d.path, d.message) for d in doc.diagnostics] == [
        (1, 1, "$", "file is 262145 bytes; the limit is 262144 bytes (split the content)"),
    ]
    doc = read_yaml(tmp_path, "dir.yaml")
    assert [(d.line, d.column, d.path, d.message) for d in doc.diagnostics] == [(0, 0, "$", "cannot read file: Is a directory")]
    assert read_yaml(Path(tmp_path / "missing.yaml"), "m.yaml").diagnostics[0].message == "cannot read file: No such file or directory"


def test_positions_count_a_leading_blank_line():
    assert problems(b"\n\ta: 1\n") == [(2, 1, "$", "tab is not allowed in catalogue files")]
    assert problems(b"\na: \xff\n") == [(2, 4, "$", "invalid UTF-8 (byte 0xff); save the file as UTF-8")]


def test_nesting_depth_goes_down_when_a_collection_closes():
    siblings = b"".join(b"k%d: [[1]]\n" % i for i in range(40))  # 40 x 2 levels, never more than 3 deep
    assert read_yaml_text(siblings, "f.yaml").ok
    # The mapping (1) holds a list (2) whose first item [[]] (3, 4) closes before a 31-deep item (3 .. 33).
    deep_after_closed = b"a: [[[]], " + b"[" * 31 + b"]" * 31 + b"]\n"
    assert problems(deep_after_closed)[0][3] == "nesting is deeper than 32 levels; catalogue files are shallow"


def test_problems_after_a_duplicate_key_are_still_found():
    assert problems(b'a: 1\na: 2\nb: "\\t"\n') == [
        (2, 1, "$.a", "duplicate key 'a' (first defined on line 1)"),
        (3, 4, "$.b", "tab (written as an escape) is not allowed in catalogue text"),
    ]


def test_diagnostics_name_the_file_as_given(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    for doc in (read_yaml(big, "shown/big.yaml"), read_yaml(tmp_path, "shown/dir.yaml")):
        assert doc.file == doc.diagnostics[0].file and doc.file.startswith("shown/")


def test_a_document_without_positions_points_at_the_start():
    from conformap.load.yamlio import YamlDocument

    assert YamlDocument("f.yaml").mark(("a", 1)) == (1, 1)
    assert YamlDocument("f.yaml").mark((), key=True) == (1, 1)


def test_a_path_outside_the_document_points_at_its_root():
    doc = read_yaml_text(b"# a comment first\n\na: 1\n", "f.yaml")
    assert doc.mark(("b", 0)) == (3, 1) and doc.mark(()) == (3, 1)
