"""Reading an upstream checkout's files within limits, shared by the parsers of :mod:`conformap.parse`.

A source file is refused (:class:`SourceFormatError`) when it is a symbolic link or not a regular file, is larger
than ``MAX_FILE_BYTES``, nests deeper than ``MAX_DEPTH`` or has more than ``MAX_HEADINGS`` headings; a JSON file
is checked against the shape of what its parser reads before anything is built from it.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path, PurePosixPath
from typing import IO, Any

import jsonschema

from conformap.diagnostics import ConformapError, format_json_path


# Limits on what a source file may be: checked as the file is read, before anything is built from it.
MAX_FILE_BYTES = 32 * 1024 * 1024  # bytes of one file; the largest read, NIST's SP 800-53 catalog, is about 10 MB
MAX_HEADINGS = 5000  # Markdown headings of one page; a Security Hub controls page has a few hundred at most
MAX_DEPTH = 64  # nesting levels of a JSON or YAML file; NIST's catalog nests about 20
_CHUNK = 64 * 1024


class SourceFormatError(ConformapError):
    """The file is not in the shape its parser expects; ``problems`` are (line, message) pairs."""

    def __init__(self, problems: list[tuple[int, str]]):
        self.problems = problems
        message = "; ".join(f"line {n}: {m}" if n else m for n, m in problems)
        super().__init__(lines=[message], message=message)


def read_limited(fh: IO[bytes], limit: int) -> bytes | None:
    """The rest of ``fh``, read in chunks; ``None`` as soon as it passes ``limit`` bytes (not read further)."""
    chunks: list[bytes] = []
    size = 0
    while chunk := fh.read(_CHUNK):
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def read_file(root: Path, rel: str) -> bytes:
    """The bytes of ``rel`` inside the checkout ``root``, refusing (:class:`SourceFormatError`) a symbolic link
    anywhere on the way (it could lead out of the checkout), anything but a regular file, and a file over
    ``MAX_FILE_BYTES``. ``OSError`` (a missing file) is left to the caller."""
    path = Path(root)
    for part in PurePosixPath(rel).parts:
        path = path / part
        mode = os.lstat(path).st_mode
        if stat.S_ISLNK(mode):
            raise SourceFormatError([(0, f"{'' if path.name == PurePosixPath(rel).name else 'its folder '}{path.relative_to(root).as_posix()} is a symbolic link; links in a checkout are not followed")])
    if not stat.S_ISREG(mode):
        raise SourceFormatError([(0, "not a regular file")])
    with open(os.open(path, os.O_RDONLY | os.O_NOFOLLOW), "rb") as fh:
        data = read_limited(fh, MAX_FILE_BYTES)
    if data is None:
        raise SourceFormatError([(0, f"the file is longer than {MAX_FILE_BYTES} bytes (the limit for a source file); it was not read further")])
    return data


def _check_json_depth(raw: bytes) -> None:
    """Refuse JSON nested deeper than ``MAX_DEPTH`` levels, scanning the bytes before any is parsed
    (Python's parser would exhaust the stack on a deep enough file)."""
    depth, in_string, escaped, line = 0, False, False, 1
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in b"[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise SourceFormatError([(line, f"nesting is deeper than {MAX_DEPTH} levels (the limit for a source file)")])
        elif byte in b"]}":
            depth -= 1
        if byte == 0x0A:
            line += 1


def read_json(raw: bytes, shape: dict[str, Any]) -> Any:
    """A JSON source file's data, checked against ``shape`` (a JSON Schema of the fields its parser reads):
    depth first, then syntax, then every field of the wrong type as ``$.json.path: message``."""
    _check_json_depth(raw)
    try:
        data = json.loads(raw)
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
        raise SourceFormatError([(getattr(exc, "lineno", 0), f"not JSON: {exc}")]) from None
    problems = [
        (0, f"{format_json_path(tuple(err.absolute_path))}: {err.message}")
        for err in sorted(jsonschema.Draft202012Validator(shape).iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    ]
    if problems:
        raise SourceFormatError(problems[:50])
    return data


def check_headings(lines: list[str]) -> None:
    """Refuse a Markdown page of more than ``MAX_HEADINGS`` headings (``lines`` are its lines)."""
    count = 0
    for n, line in enumerate(lines, 1):
        if line.startswith("#"):
            count += 1
            if count > MAX_HEADINGS:
                raise SourceFormatError([(n, f"more than {MAX_HEADINGS} headings (the limit for a page)")])


def git_blob_sha(data: bytes) -> str:
    """The git object id of a file's content (what ``git ls-tree`` shows), to re-find the exact file."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
