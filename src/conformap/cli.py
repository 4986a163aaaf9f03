"""The ``conformap`` command line: builds the parser from the subcommand modules and runs one.

Each subcommand is a module of :mod:`conformap.commands` (``add_parser`` and ``run``). This is the one
place that turns a :class:`~conformap.diagnostics.ConformapError` into printed lines and an exit
status, and that keeps a closed standard output (``conformap validate BAD | head``) from changing
that status.
"""

from __future__ import annotations

import argparse
import errno
import io
import os
import sys
from typing import Any, Sequence

from conformap import __version__, paths
from conformap.commands import diff, export, fmt, import_aws_page, import_source, posture, render_site, sources, validate
from conformap.diagnostics import ConformapError
from conformap.escape import terminal
from conformap.load.yamlio import read_yaml

# In the order `conformap --help` lists them.
COMMANDS = (validate, import_aws_page, export, fmt, diff, render_site, import_source, sources, posture)

# Errors of a write that names no file: every file the commands write is named in their own messages,
# so these come from standard output (the disk is full, a quota is reached, the device failed).
_OUTPUT_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})


def version_text() -> str:
    """``conformap --version``: the package's version, then the version and source capture date of the
    catalogue the commands read by default, from its framework.yaml (never the clock), and its folder."""
    lines = [f"conformap {__version__}"]
    problem = paths.catalog_problem()
    if problem is not None:
        return "\n".join([*lines, f"catalogue: none ({terminal(problem)})", ""])
    doc = read_yaml(paths.DEFAULT_CATALOG / paths.FRAMEWORK_FILE)
    data = doc.data if isinstance(doc.data, dict) else {}
    source = data.get("source")
    source = source if isinstance(source, dict) else {}
    version, released, captured = data.get("version"), data.get("released"), source.get("captured")
    if doc.diagnostics or not version:
        lines.append(f"catalogue: {terminal(data.get('id') or 'unnamed')}, of no readable version (conformap validate tells why)")
    else:
        when = f" (released {terminal(released)})" if released else ""
        lines.append(f"catalogue: {terminal(data.get('id'))} {terminal(version)}{when}, source captured {terminal(captured or 'on an unknown date')}")
    lines.append(f"catalogue folder: {terminal(paths.DEFAULT_CATALOG)}")
    return "\n".join([*lines, ""])


class _Version(argparse.Action):
    """Like argparse's ``action="version"``, but reads the catalogue only when asked."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        sys.stdout.write(version_text())
        parser.exit()


# The commands that write into the catalogue. Outside a clone their default would be the catalogue
# installed with the package, which is not the user's to change: there they need the catalogue named.
_WRITING_COMMANDS = frozenset({"import-aws-page", "import-source", "fmt"})


def _default_catalog_refusal(args) -> str | None:
    """Why the command cannot run on the default catalogue (``None``: it can, or it was given one)."""
    if any(getattr(args, name, None) for name in ("catalog", "catalog_option", "paths")):
        return None
    if args.command in _WRITING_COMMANDS and not paths.IN_CLONE:
        what = "the files or catalogue folders to format" if args.command == "fmt" else "the catalogue folder to change with --catalog DIR"
        return f"conformap {args.command}: outside a clone of conformap, give {what} (the catalogue installed with conformap is read-only)"
    return paths.catalog_problem()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="conformap",
        description="Validate, format, import, export and compare a conformap catalogue (YAML files mapping framework questions to AWS Config rules).",
    )
    parser.add_argument(
        "--version", action=_Version, help="print conformap's version and the version and source capture date of its catalogue, and exit"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        known = set(sub.choices)
        command.add_parser(sub)
        for name in set(sub.choices) - known:  # the parser(s) the module added run it
            sub.choices[name].set_defaults(run=command.run, prog=sub.choices[name].prog)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    refusal = _default_catalog_refusal(args)
    if refusal is not None:
        print(terminal(refusal), file=sys.stderr)
        return 2 if args.command in _WRITING_COMMANDS else 1
    real_stdout = sys.stdout
    sys.stdout = _ClosableStdout(real_stdout)
    try:
        try:
            code = args.run(args)
        except ConformapError as exc:
            for note in exc.notes:
                print(note)
            sys.stdout.flush()
            for line in exc.messages(args.prog):
                print(line, file=sys.stderr)
            code = exc.status
        sys.stdout.flush()
        return code
    except KeyboardInterrupt:  # pragma: no cover
        return 130
    except OSError as exc:
        if exc.filename is None and exc.errno in _OUTPUT_ERRNOS:  # e.g. `conformap export ... > /dev/full`
            print(f"conformap: cannot write to standard output: {exc.strerror or exc}", file=sys.stderr)
            _silence_stdout(real_stdout)
            return 1
        return _internal_error(exc)
    except Exception as exc:  # the backstop: every expected failure is a ConformapError
        return _internal_error(exc)
    finally:
        sys.stdout = real_stdout


class _ClosableStdout:
    """Standard output whose reader may go away: after the first broken pipe (``conformap ... | head``)
    the rest of the output is dropped and the command runs on, so its exit status is the one it would
    have had (a failing check stays failing)."""

    def __init__(self, stream: Any):
        self._stream = stream
        self.closed_by_reader = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

    def _guard(self, write: Any, data: Any) -> Any:
        if self.closed_by_reader:
            return len(data)
        try:
            return write(data)
        except BrokenPipeError:
            self.closed_by_reader = True
            _silence_stdout(self._stream)
            return len(data)

    def write(self, text: str) -> int:
        return self._guard(self._stream.write, text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self._guard(lambda _: self._stream.flush(), "")

    @property
    def buffer(self) -> Any:
        return _ClosableBuffer(self)


class _ClosableBuffer(io.RawIOBase):
    """``sys.stdout.buffer`` of :class:`_ClosableStdout`, for the exports' bytes."""

    def __init__(self, owner: _ClosableStdout):
        super().__init__()
        self._owner = owner

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        return self._owner._guard(self._owner._stream.buffer.write, data)

    def flush(self) -> None:
        self._owner._guard(lambda _: self._owner._stream.buffer.flush(), b"")


def _silence_stdout(stream: Any) -> None:
    """Point standard output at /dev/null so that no later write, nor the interpreter's final flush, can fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def _internal_error(exc: BaseException) -> int:
    print(f"conformap: internal error: {type(exc).__name__}: {terminal(exc)} (please report)", file=sys.stderr)
    return 3


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
