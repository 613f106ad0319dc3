"""Folders and files only their owner can read: the SQLite database (0600) and the data folder with
the uploaded videos (0700). Permissions of what already exists are left as they are."""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def make_private_dir(folder: Path) -> None:
    """Create ``folder`` and any missing parents with mode 0700 (each folder this creates, not
    only the last: a new data folder is as private as what goes in it).

    Raises:
        OSError: a folder cannot be created.
    """
    missing: list[Path] = []
    current = folder
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for path in reversed(missing):
        path.mkdir(mode=PRIVATE_DIR_MODE, exist_ok=True)
        os.chmod(path, PRIVATE_DIR_MODE)  # mkdir's mode is masked by the umask


def make_private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 unless it exists (SQLite then opens it as a new
    database, and makes its -wal and -shm files with the same mode).

    Raises:
        OSError: the file cannot be created.
    """
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        return
    os.fchmod(descriptor, PRIVATE_FILE_MODE)
    os.close(descriptor)
