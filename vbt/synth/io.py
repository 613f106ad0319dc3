"""Write a synthetic set to disk: ``NAME.csv`` (a track CSV) and ``NAME.truth.json``."""

from __future__ import annotations

import json
from pathlib import Path

from vbt.errors import InputError
from vbt.synth.generate import SynthSet
from vbt.trackio import write_track_csv


def write_set(synth: SynthSet, directory: str | Path, name: str) -> tuple[Path, Path]:
    """Write ``directory/NAME.csv`` and ``directory/NAME.truth.json`` (the directory is created).

    Returns:
        The paths of the CSV and of the truth file.

    Raises:
        InputError: When the directory cannot be created or a file cannot be written.
    """
    if not name or Path(name).name != name:
        raise InputError(f"set name {name!r} must be a plain file name (no directory part)")
    folder = Path(directory)
    csv_path = folder / f"{name}.csv"
    truth_path = folder / f"{name}.truth.json"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_track_csv(csv_path, synth.trajectory)
        text = json.dumps(synth.truth, indent=2, allow_nan=False)
        truth_path.write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        raise InputError(
            f"{folder}: cannot write the synthetic set ({exc.strerror}); choose a writable output directory"
        ) from None
    return csv_path, truth_path
