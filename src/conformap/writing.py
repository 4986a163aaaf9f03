"""The one way conformap writes a file: atomically, never through a link or into a special file.

Every command that writes (``export``, ``render-site``, ``fmt``, ``import-aws-page``,
``import-source``) writes with :func:`write_file`, so each refuses the same targets in the same words
and readers see either the old or the new content, never a part.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

from conformap.diagnostics import ConformapError
from conformap.escape import terminal


class WriteError(ConformapError):
    """A file could not be written (or was refused); ``reason`` says why. The file is as it was."""

    def __init__(self, path: Path, reason: str):
        self.path = Path(path)
        self.reason = reason
        line = f"{terminal(self.path)}: cannot write: {reason}; nothing was written"
        super().__init__(lines=[line], message=line)


def special_kind(path: Path) -> str | None:
    """What ``path`` is when it exists and is not a regular file (a link, a FIFO, a device...), else ``None``."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode):
        return None
    kinds = [(stat.S_ISLNK, "a symbolic link"), (stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
             (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")]
    return next((name for test, name in kinds if test(mode)), "a special file")


def refusal(path: Path, *, hint: bool = True) -> str | None:
    """Why :func:`write_file` would refuse ``path`` before trying (it exists and is not a regular file), else
    ``None``; ``hint``: say what to give instead (for a path the user gave)."""
    kind = special_kind(path)
    if kind is None:
        return None
    return f"is {kind}, not a regular file" + (" (give a file path, or - for standard output)" if hint else "")


def reason(exc: OSError | WriteError) -> str:
    """An operating-system error (or a refused write) in the words every message uses."""
    if isinstance(exc, WriteError):
        return exc.reason
    if isinstance(exc, (NotADirectoryError, FileExistsError)) or exc.errno in (errno.ENOTDIR, errno.EEXIST):
        return "part of its path is a file, not a folder"
    return exc.strerror or str(exc)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def write_file(path: Path, data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` so that readers see the old or the new content, never a part.

    The file is replaced, never written through: a target that exists and is not a regular file (a
    symbolic link, a folder, a FIFO, a device such as ``/dev/full``) is refused. An existing file keeps
    its permissions; a new one gets what ``open()`` would give it. Any failure raises
    :class:`WriteError` and leaves the target as it was, with no temporary file behind.
    """
    path = Path(path)
    refused = refusal(path)
    if refused is not None:
        raise WriteError(path, refused)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            mode = 0o666 & ~_umask()  # mkstemp's would be 0600
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        _discard(tmp)
        raise WriteError(path, reason(exc)) from None
    except BaseException:
        _discard(tmp)
        raise


def write_files(root: Path, files: dict[str, bytes]) -> None:
    """Write several files under ``root`` (``""`` names ``root`` itself), refusing before writing any
    when one of the targets, or ``root``, is not a file or folder it may write."""
    root = Path(root)
    if root.is_symlink():
        raise WriteError(root, "is a symbolic link; give the folder itself")
    targets = [root / rel if rel else root for rel in files]
    for target in targets:
        refused = refusal(target, hint=target == root)
        if refused is not None:
            raise WriteError(target, refused)
    for target, data in zip(targets, files.values()):
        write_file(target, data)


def _discard(tmp: str | None) -> None:
    if tmp is not None:
        try:
            os.unlink(tmp)
        except OSError:
            pass
