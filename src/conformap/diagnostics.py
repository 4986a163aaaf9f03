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


class ConformapError(Exception):
    """The base of every expected failure: what to print, and the exit status.

    ``diagnostics`` are printed first (``file:line:col: json.path: message``), then ``lines`` (plain
    messages: a refusal, a summary such as "nothing was written"), both on standard error; ``notes`` go
    to standard output before them. When ``command_prefix`` is set, each of ``lines`` is printed after
    the command's name (``conformap export: line``). Only :func:`conformap.cli.main` catches it; a subclass keeps its own
    attributes (``problems``, ``report``...) for library callers and tests.
    """

    status: int = 1
    command_prefix: bool = False

    def __init__(
        self,
        diagnostics: Sequence[Diagnostic] = (),
        *,
        lines: Sequence[str] = (),
        notes: Sequence[str] = (),
        status: int | None = None,
        message: str | None = None,
    ):
        self.diagnostics: Sequence[Diagnostic] = list(diagnostics)
        self.lines = list(lines)
        self.notes = list(notes)
        if status is not None:
            self.status = status
        super().__init__(message if message is not None else "\n".join(self.messages()))

    def messages(self, prog: str = "conformap") -> list[str]:
        """The lines for standard error; ``prog`` is the command's name (``conformap export``, ``conformap sources check``)."""
        prefix = f"{prog}: " if self.command_prefix else ""
        return [d.format() for d in self.diagnostics] + [prefix + line for line in self.lines]


class CommandError(ConformapError):
    """A one-line refusal of a command's arguments or of what it was asked to make, printed as
    ``conformap COMMAND: message``; nothing was written."""

    command_prefix = True

    def __init__(self, message: str, *, status: int = 1):
        super().__init__(lines=[message], status=status, message=message)


class CatalogError(ConformapError):
    """Raised by :func:`conformap.load` when the catalogue has errors; carries every diagnostic."""

    def __init__(self, diagnostics: Sequence[Diagnostic]):
        diagnostics = tuple(sorted(diagnostics))
        n = len(errors(diagnostics))
        first = "\n".join(d.format() for d in errors(diagnostics)[:20])
        super().__init__(diagnostics, message=f"{n} error(s) in catalogue:\n{first}")
        self.diagnostics = diagnostics
