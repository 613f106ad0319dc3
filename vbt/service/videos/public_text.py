"""What an analysis says to a user, without the server's file paths.

The analysis of an upload reads a file the server stored (``<data_dir>/videos/12.mp4``); its messages
and report may name that path. :func:`without_paths` turns every absolute path in a text into the
file's name, and the stored name into the name the video was uploaded as; :func:`public_report`
does it to every text of a report. :func:`video_problem` is the sentence that says why an analysis
gave no reps (or failed), for the set's page.
"""

from __future__ import annotations

import re
from typing import Any

#: An absolute POSIX or Windows path of two components or more, not inside a word or a URL
#: (``http://host/a/b`` is left alone: its slashes follow letters). Group 1 is the last component.
_ABSOLUTE_PATH = re.compile(
    r"(?<![\w.:/\\~-])(?:[A-Za-z]:)?[\\/](?:[^\s\\/'\"]+[\\/])+([^\s\\/'\"]*[^\s\\/'\",;:.)\]])"
)
#: Paths the API itself names in its messages (``POST /api/videos``): not the server's files.
_API_PREFIXES = ("/api/", "/static/", "/sets/", "/athletes/", "/sessions/", "/live/")

NO_REPS = (
    "The analysis found no rep in this video: check that the lift chosen is the one in the video, "
    "that the whole set is in the picture and that the bar end (a plate) is visible."
)


def without_paths(text: str, *, stored_name: str = "", filename: str = "") -> str:
    """``text`` with each absolute path replaced by its last component, and ``stored_name`` (the
    server's name of an upload) by ``filename`` (the name it was uploaded as)."""

    def name_of(match: re.Match[str]) -> str:
        path = match.group(0)
        return path if path.startswith(_API_PREFIXES) else match.group(1)

    public = _ABSOLUTE_PATH.sub(name_of, text)
    if stored_name and filename:
        public = re.sub(rf"(?<![\w.]){re.escape(stored_name)}(?![\w])", filename, public)
    return public


def public_report(value: Any, *, stored_name: str = "", filename: str = "") -> Any:
    """A report (nested dicts, lists, texts) with :func:`without_paths` applied to every text."""
    if isinstance(value, str):
        return without_paths(value, stored_name=stored_name, filename=filename)
    if isinstance(value, dict):
        return {k: public_report(v, stored_name=stored_name, filename=filename) for k, v in value.items()}
    if isinstance(value, list):
        return [public_report(v, stored_name=stored_name, filename=filename) for v in value]
    return value


def video_problem(
    *, status: str, error: str | None, rep_count: int | None, report: dict[str, Any] | None
) -> str | None:
    """Why an analysis gave the set nothing, in words; None when it stored reps or has not ended.

    A failed analysis: its error. A finished one without reps: the quality verdict's reasons, else
    the report's warnings, else :data:`NO_REPS`.
    """
    if status == "failed":
        return error or "The analysis failed without a message; the server log has the details."
    if status != "done" or (rep_count or 0) > 0:
        return None
    report = report or {}
    quality = report.get("quality")
    reasons = quality.get("reasons") if isinstance(quality, dict) else None
    warnings = report.get("warnings")
    for texts in (reasons, warnings):
        if isinstance(texts, list) and texts:
            said = "; ".join(str(t) for t in texts)
            return f"No reps were stored: {said}."
    return NO_REPS
