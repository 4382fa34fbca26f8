"""Reading certificate files: regular files under a size limit, then strict JSON.

Standard library only, built on :mod:`certify.checker.core` (whose
:func:`~certify.checker.core.loads_strict` parses the text). Symbolic links and
anything that is not a regular file are refused before a byte is read.
"""

import os
import stat

from certify.checker.core import Malformed, loads_strict

class Unreadable(Malformed):
    """The file cannot be read (missing, no permission, an I/O error): exit 2, reported as
    "cannot read" rather than as a malformed certificate."""


MAX_FILE_BYTES = 16 * 1024 * 1024  # 16 MiB: text, decoded text and parse stay within 256 MB


def read_bytes(path, where=None):
    """A regular file (never a symbolic link) of at most MAX_FILE_BYTES, as bytes."""
    where = where or str(path)
    try:
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode) or not stat.S_ISREG(info.st_mode):
            kind = "a symbolic link" if stat.S_ISLNK(info.st_mode) else "not a regular file"
            raise Malformed(f"{where}: is {kind}; certificates must be regular files")
        if info.st_size > MAX_FILE_BYTES:
            raise Malformed(f"{where}: {info.st_size} bytes, more than the limit {MAX_FILE_BYTES}")
        with os.fdopen(os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)), "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise Unreadable(f"{where}: cannot read: {error.strerror or error}") from None
    if len(data) > MAX_FILE_BYTES:
        raise Malformed(f"{where}: more than the limit of {MAX_FILE_BYTES} bytes")
    return data


def read_json(path, where=None):
    """Read a file and parse it with :func:`loads_strict`."""
    where = where or str(path)
    try:
        return loads_strict(read_bytes(path, where).decode("utf-8"), where)
    except UnicodeDecodeError as error:
        raise Malformed(f"{where}: not UTF-8 ({error.reason} at byte {error.start})") from None
