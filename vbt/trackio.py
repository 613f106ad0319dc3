"""Read and write track CSVs: the bar path (and optionally joints) in metres over time.

The format (documented in the README) is what ``vbt analyze --track-csv`` writes and what users bring from
other tools (Kinovea exports trajectories):

- a header row;
- ``t_s``: seconds, strictly increasing, not necessarily evenly spaced;
- ``bar_x_m``, ``bar_y_m``: metres, y pointing up;
- optional joint pairs ``{joint}_x_m``, ``{joint}_y_m`` for joint in shoulder, hip, knee, ankle, toe;
- empty cells are missing samples (NaN). Other columns are ignored.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from vbt.errors import InputError, NotEnoughDataError, TrackFormatError
from vbt.types import JOINT_NAMES, FloatArray, Trajectory

TIME_COLUMN = "t_s"
BAR_COLUMNS = ("bar_x_m", "bar_y_m")
JOINT_COLUMNS = tuple(f"{joint}_{axis}_m" for joint in JOINT_NAMES for axis in ("x", "y"))
#: A rep needs at least this many samples; fewer cannot be segmented.
MIN_SAMPLES = 10
#: Bar coordinates beyond this many metres are almost certainly pixels.
_PLAUSIBLE_METRES = 20.0
_SNIFF_BYTES = 4096


def read_track_csv(path: str | Path, *, min_samples: int = MIN_SAMPLES) -> Trajectory:
    """Read a track CSV into a `Trajectory`.

    Parameters:
        path: The CSV file.
        min_samples: Fewer data rows than this raise `NotEnoughDataError`.

    Returns:
        Trajectory: ``bar_xy_m`` (N, 2) and ``joints_xy_m`` (N, 5, 2) in ``JOINT_NAMES`` order; empty cells
            and absent joint columns are NaN.

    Raises:
        TrackFormatError: With the file, the row (1-based line number, the header is row 1) and what to fix.
    """
    name = str(path)
    text = _read_text(Path(path))
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or not any(cell.strip() for cell in header):
        raise TrackFormatError(name, "the file is empty; expected a header row with t_s,bar_x_m,bar_y_m")
    columns = [cell.strip() for cell in header]
    column_index = _check_header(name, columns)

    wanted = (TIME_COLUMN, *BAR_COLUMNS, *(c for c in JOINT_COLUMNS if c in column_index))
    rows: list[list[float]] = []
    for line_number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue  # blank line
        if len(cells) < len(columns):
            raise TrackFormatError(
                name,
                f"has {len(cells)} cells but the header has {len(columns)} columns; "
                "every row needs one cell per column (leave missing values empty)",
                row=line_number,
            )
        rows.append([_parse_cell(name, line_number, col, cells[column_index[col]]) for col in wanted])

    if len(rows) < min_samples:
        raise NotEnoughDataError(
            f"{name}: only {len(rows)} samples; a rep needs at least {min_samples}. "
            "Record the whole set, from before the first rep to after the last."
        )
    data = np.asarray(rows, dtype=np.float64)
    t_s = data[:, 0]
    _check_time(name, t_s)
    bar = data[:, 1:3]
    _check_units(name, bar)

    joints = np.full((len(rows), len(JOINT_NAMES), 2), np.nan)
    position = {c: i for i, c in enumerate(wanted)}
    for j, joint in enumerate(JOINT_NAMES):
        x_col, y_col = f"{joint}_x_m", f"{joint}_y_m"
        if x_col in position:
            joints[:, j, 0] = data[:, position[x_col]]
            joints[:, j, 1] = data[:, position[y_col]]
    return Trajectory(t_s=t_s, bar_xy_m=bar, joints_xy_m=joints, joint_names=JOINT_NAMES)


def write_track_csv(
    path: str | Path,
    trajectory: Trajectory,
    *,
    extra_columns: Mapping[str, FloatArray] | None = None,
) -> None:
    """Write a trajectory as a track CSV (NaN as empty cells), with optional extra (N,) columns."""
    n = len(trajectory)
    extra = dict(extra_columns or {})
    for key, values in extra.items():
        if values.shape != (n,):
            raise ValueError(f"extra column {key!r} must have shape ({n},), got {values.shape}")
    joint_cols = [
        (f"{joint}_{axis}_m", trajectory.joint(joint)[:, k])
        for joint in JOINT_NAMES
        if joint in trajectory.joint_names
        for k, axis in enumerate(("x", "y"))
    ]
    columns: list[tuple[str, FloatArray]] = [
        (TIME_COLUMN, trajectory.t_s),
        (BAR_COLUMNS[0], trajectory.bar_xy_m[:, 0]),
        (BAR_COLUMNS[1], trajectory.bar_xy_m[:, 1]),
        *joint_cols,
        *extra.items(),
    ]
    with Path(path).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([c for c, _ in columns])
        for i in range(n):
            writer.writerow([_format(values[i], 9 if k == 0 else 6) for k, (_, values) in enumerate(columns)])


def _format(value: float, decimals: int) -> str:
    """Nanoseconds for times (29.97 fps frames stay exactly 1001/30000 s apart), micrometres otherwise."""
    return "" if math.isnan(value) else f"{value:.{decimals}f}"


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file; check the path") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror}); check its permissions") from None
    if b"\0" in raw[:_SNIFF_BYTES]:
        raise TrackFormatError(
            str(path),
            "is not a CSV text file (it looks binary: a video?); "
            "give a track CSV, or a video once capture is installed",
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TrackFormatError(str(path), "is not UTF-8 text; save the track CSV as UTF-8") from None


def _check_header(name: str, columns: list[str]) -> dict[str, int]:
    index = {c: i for i, c in enumerate(columns) if c}
    missing = [c for c in (TIME_COLUMN, *BAR_COLUMNS) if c not in index]
    if missing:
        shown = ",".join(columns[:8]) + (",..." if len(columns) > 8 else "")
        raise TrackFormatError(
            name,
            f"missing column(s) {', '.join(missing)} (header is {shown}); a track CSV needs "
            "t_s,bar_x_m,bar_y_m (seconds and metres, y up)",
            row=1,
        )
    for joint in JOINT_NAMES:
        x_col, y_col = f"{joint}_x_m", f"{joint}_y_m"
        if (x_col in index) != (y_col in index):
            have, lack = (x_col, y_col) if x_col in index else (y_col, x_col)
            raise TrackFormatError(name, f"has {have} but not {lack}; give both or neither", row=1)
    return index


def _parse_cell(name: str, row: int, column: str, cell: str) -> float:
    text = cell.strip()
    if not text:
        if column == TIME_COLUMN:
            raise TrackFormatError(name, "t_s is empty; every row needs a time", row=row)
        return math.nan
    try:
        value = float(text)
    except ValueError:
        raise TrackFormatError(
            name, f"{column} is {text!r}, not a number (use '.' as decimal point)", row=row
        ) from None
    if not math.isfinite(value):
        raise TrackFormatError(
            name, f"{column} is {text!r}; leave the cell empty for a missing sample", row=row
        )
    return value


def _check_time(name: str, t_s: FloatArray) -> None:
    steps = np.diff(t_s)
    bad = np.flatnonzero(steps <= 0)
    if bad.size:
        i = int(bad[0]) + 1
        verb = "repeats" if steps[i - 1] == 0 else "goes backwards"
        raise TrackFormatError(
            name,
            f"t_s {verb} ({t_s[i]:.6g} s after {t_s[i - 1]:.6g} s); times must strictly increase "
            "(sort the rows, drop duplicated frames)",
            row=i + 2,
        )


def _check_units(name: str, bar_xy_m: FloatArray) -> None:
    finite = bar_xy_m[np.isfinite(bar_xy_m)]
    if finite.size == 0:
        raise TrackFormatError(name, "bar_x_m and bar_y_m are empty in every row; no bar to analyse")
    largest = float(np.max(np.abs(finite)))
    if largest > _PLAUSIBLE_METRES:
        raise TrackFormatError(
            name,
            f"bar coordinates reach {largest:.0f}, which looks like pixels, not metres; "
            "convert with your calibration (metres per pixel) or analyse the video instead",
        )
