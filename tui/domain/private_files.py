"""Files and folders only their owner can read: the config file, the logs, the audit log.

Folders the app creates are 0700 and files 0600, whatever the umask (the mode is set again
with chmod after creating). Files the app writes that exist already (from an older version,
or made by hand) lose their group and other bits when the app opens them; existing folders are
left alone unless the caller asks (``tighten=True``, for folders that are the app's own), since
a folder given on the command line may be shared (a home folder, /etc).
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

__all__ = [
    "DIR_MODE",
    "FILE_MODE",
    "private_dir",
    "private_file",
    "write_private_text",
    "replace_private",
    "tighten",
    "fix_mode",
]

DIR_MODE = 0o700
FILE_MODE = 0o600


def tighten(path: str | os.PathLike[str]) -> None:
    """Remove the group and other bits of an existing file or folder (errors ignored: a file
    owned by someone else stays as it is)."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
        if mode & 0o077:
            os.chmod(path, mode & ~0o077)
    except OSError:
        pass


def private_dir(path: str | os.PathLike[str], *, tighten_existing: bool = False) -> Path:
    """Make ``path`` and every missing parent, each 0700; an existing folder is tightened only
    with ``tighten_existing``. Raises ``OSError`` as ``Path.mkdir`` does."""
    path = Path(path)
    missing = []
    node = path
    while not node.exists():
        missing.append(node)
        if node.parent == node:
            break
        node = node.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:
            if not folder.is_dir():
                raise
            continue  # made meanwhile by someone else: theirs to keep
        os.chmod(folder, DIR_MODE)
    if not path.is_dir():
        raise NotADirectoryError(str(path))
    if tighten_existing and not missing:
        tighten(path)
    return path


def private_file(path: str | os.PathLike[str]) -> Path:
    """Make sure ``path`` exists as a 0600 file (created empty when missing, tightened when not)."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, FILE_MODE)
    try:
        fix_mode(fd)
    finally:
        os.close(fd)
    return Path(path)


def write_private_text(path: str | os.PathLike[str], text: str, *, exclusive: bool = False) -> None:
    """Write ``text`` to ``path``, 0600; with ``exclusive`` fail (``FileExistsError``) when the
    file exists already."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else os.O_TRUNC)
    fd = os.open(path, flags, FILE_MODE)
    try:
        fix_mode(fd)
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)


@contextlib.contextmanager
def replace_private(path: str | os.PathLike[str], *, newline: str | None = None) -> Iterator[TextIO]:
    """A text stream (UTF-8) whose content replaces ``path`` when the ``with`` block ends
    without an error: written to a 0600 file beside it, then renamed over it, so ``path`` is
    never half-written and never readable by others. On an error the partial file goes and
    ``path`` stays as it was. ``newline`` as for :func:`open` (``""`` for the csv module)."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent or ".")
    try:
        fix_mode(fd)  # mkstemp makes it 0600; an odd filesystem is tightened here
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as fh:
            yield fh
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def fix_mode(fd: int) -> None:
    """Owner read/write, nothing for group and others (an owner's x bit stays)."""
    mode = stat.S_IMODE(os.fstat(fd).st_mode)
    wanted = (mode | FILE_MODE) & ~0o077
    if wanted != mode:
        try:
            os.fchmod(fd, wanted)
        except OSError:
            pass  # not ours to change
