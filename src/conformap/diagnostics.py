"""Diagnostics: one problem found in one catalogue file, and how it is printed."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Iterable, Sequence

from conformap.escape import terminal


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


PathPart = str | int
JsonPath = tuple[PathPart, ...]


def format_json_path(path: Sequence[PathPart]) -> str:
    """Render a path like ('mappings', 0, 'control') as ``$.mappings[0].control``."""
    out = "$"
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.replace("_", "a").replace("-", "a").isalnum():
            out += f".{part}"
        else:
            out += "[" + repr(str(part)) + "]"
    return out


@dataclass(frozen=True, order=True)
class Diagnostic:
    """A single finding. ``line`` and ``column`` are 1-based; 0 means unknown."""

    file: str
    line: int
    column: int
    path: str
    message: str
    severity: Severity = Severity.ERROR

    def format(self) -> str:
        """One line of text; control characters from the catalogue are shown escaped (:func:`conformap.escape.terminal`)."""
        where = terminal(self.file)
        if self.line:
            where += f":{self.line}:{self.column or 1}"
        tag = "" if self.severity is Severity.ERROR else "warning: "
        return f"{where}: {terminal(self.path)}: {tag}{terminal(self.message)}"

    def format_github(self) -> str:
        level = "error" if self.severity is Severity.ERROR else "warning"
        props = [f"file={_gh_prop(self.file)}"]
        if self.line:
            props.append(f"line={self.line}")
            props.append(f"col={self.column or 1}")
        props.append(f"title={_gh_prop(self.path)}")
        return f"::{level} {','.join(props)}::{_gh_data(self.message)}"


def _gh_data(text: str) -> str:
    return terminal(text.replace("%", "%25"))


def _gh_prop(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


def errors(diags: Iterable[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diags if d.severity is Severity.ERROR]


class CatalogError(Exception):
    """Raised by :func:`conformap.load` when the catalogue has errors; carries every diagnostic."""

    def __init__(self, diagnostics: Sequence[Diagnostic]):
        self.diagnostics = tuple(sorted(diagnostics))
        n = len(errors(self.diagnostics))
        first = "\n".join(d.format() for d in errors(self.diagnostics)[:20])
        super().__init__(f"{n} error(s) in catalogue:\n{first}")
