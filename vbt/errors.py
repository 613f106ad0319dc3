"""One exception family for everything vbt reports to a person.

Third-party errors (``cv2.error``, decoder and model errors, ``OSError``) are converted into these where
they enter vbt, so that the CLI and the service can show one clear line: what went wrong and what to do.
"""

from __future__ import annotations


class VbtError(Exception):
    """Base of every error vbt raises on purpose.

    The message is complete and meant for a person: it names the thing that is wrong (a file, a row, an
    id) and says what to do about it.
    """


class InputError(VbtError):
    """The user's input (a file, an argument, a request body) cannot be used as it is."""


class TrackFormatError(InputError):
    """A track CSV is malformed: missing columns, non-numeric cells, time going backwards, ..."""

    def __init__(self, path: str, message: str, *, row: int | None = None) -> None:
        where = f"{path}, row {row}" if row is not None else path
        super().__init__(f"{where}: {message}")
        self.path = path
        self.row = row


class NotEnoughDataError(InputError):
    """Too few samples (or too short a recording) for the requested analysis."""


class VideoError(InputError):
    """A video or camera source cannot be opened or read."""


class ModelError(VbtError):
    """A pose model bundle is missing, corrupt, or cannot be loaded."""


class CalibrationError(VbtError):
    """Pixels cannot be converted to metres (no plate, no marker, no known length)."""


class ServiceError(VbtError):
    """The vbt service is unreachable or refused a request."""
