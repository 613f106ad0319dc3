"""Track CSV: a round trip keeps every value, and each kind of bad input names the file, row and fix."""

from pathlib import Path

import numpy as np
import pytest

from vbt.errors import InputError, NotEnoughDataError, TrackFormatError
from vbt.trackio import read_track_csv, write_track_csv
from vbt.types import JOINT_NAMES, Trajectory


def rows(n: int = 12) -> str:
    return "\n".join(f"{i / 30:.4f},0.0,{1 + 0.01 * i:.3f}" for i in range(n))


def write(tmp_path: Path, text: str, name: str = "track.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_round_trip_with_joints_and_missing_samples(tmp_path):
    t = np.cumsum(np.full(20, 1 / 29.97))
    bar = np.c_[np.linspace(0, 0.1, 20), np.linspace(1, 1.5, 20)]
    bar[5] = np.nan
    joints = np.random.default_rng(1).normal(size=(20, 5, 2))
    joints[3, 2] = np.nan
    original = Trajectory(t_s=t, bar_xy_m=bar, joints_xy_m=joints, joint_names=JOINT_NAMES)
    path = tmp_path / "out.csv"
    write_track_csv(path, original, extra_columns={"bar_x_px": np.arange(20.0)})
    back = read_track_csv(path)
    np.testing.assert_allclose(back.t_s, t, atol=1e-6)
    np.testing.assert_allclose(back.bar_xy_m, bar, atol=1e-6)
    np.testing.assert_allclose(back.joints_xy_m, joints, atol=1e-6)
    assert np.isnan(back.bar_xy_m[5]).all() and np.isnan(back.joints_xy_m[3, 2]).all()
    assert path.read_text().splitlines()[0].endswith("toe_y_m,bar_x_px")


def test_bar_only_track_with_extra_columns_and_blank_lines(tmp_path):
    path = write(tmp_path, "t_s,bar_x_m,bar_y_m,note\n" + rows().replace("\n", ",x\n\n") + ",x\n")
    track = read_track_csv(path)
    assert len(track) == 12 and not track.has_joints


@pytest.mark.parametrize(
    ("text", "row", "words"),
    [
        ("time,x,y\n" + rows(), 1, "missing column(s) t_s, bar_x_m, bar_y_m"),
        ("t_s,bar_x_m,bar_y_m,hip_x_m\n" + rows(), 1, "hip_x_m but not hip_y_m"),
        ("t_s,bar_x_m,bar_y_m\n" + rows(3) + "\n0.2,0,abc\n" + rows(9), 5, "bar_y_m is 'abc', not a number"),
        ("t_s,bar_x_m,bar_y_m\n0,0,1\n0.1,0,1\n0.05,0,1\n" + rows(), 4, "t_s goes backwards"),
        ("t_s,bar_x_m,bar_y_m\n0,0,1\n0,0,1\n" + rows(), 3, "t_s repeats"),
        ("t_s,bar_x_m,bar_y_m\n0,0\n" + rows(), 2, "has 2 cells"),
        ("t_s,bar_x_m,bar_y_m\n,0,1\n" + rows(), 2, "t_s is empty"),
        ("t_s,bar_x_m,bar_y_m\n0,0,inf\n" + rows(), 2, "leave the cell empty"),
    ],
)
def test_bad_rows_name_the_row_and_the_fix(tmp_path, text, row, words):
    path = write(tmp_path, text)
    with pytest.raises(TrackFormatError) as info:
        read_track_csv(path)
    message = str(info.value)
    assert message.startswith(f"{path}, row {row}: ") and words in message


def test_not_a_csv_is_said_plainly(tmp_path):
    path = tmp_path / "clip.mp4"
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(200))
    with pytest.raises(TrackFormatError, match="not a CSV text file"):
        read_track_csv(path)


def test_pixels_are_not_metres(tmp_path):
    path = write(tmp_path, "t_s,bar_x_m,bar_y_m\n" + "\n".join(f"{i / 30},412,{600 + i}" for i in range(12)))
    with pytest.raises(TrackFormatError, match="looks like pixels"):
        read_track_csv(path)


def test_too_few_samples_and_missing_file(tmp_path):
    with pytest.raises(NotEnoughDataError, match="only 3 samples"):
        read_track_csv(write(tmp_path, "t_s,bar_x_m,bar_y_m\n" + rows(3)))
    with pytest.raises(InputError, match="no such file"):
        read_track_csv(tmp_path / "nope.csv")
    with pytest.raises(TrackFormatError, match="empty"):
        read_track_csv(write(tmp_path, ""))
