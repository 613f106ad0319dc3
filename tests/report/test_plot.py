"""The set plot: a PNG of the expected size, with the panels and colours the set calls for."""

from __future__ import annotations

import struct
import subprocess
import sys
from functools import cache
from pathlib import Path

import cv2
import numpy as np
import pytest

from vbt.analysis import SetAnalysis, analyze_trajectory
from vbt.errors import InputError
from vbt.report import style
from vbt.report.plot import plot_set, summary_line
from vbt.synth import Sampling, SynthSet, generate_set
from vbt.types import Lift, Trajectory

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@cache
def synth(lift: str, *, with_joints: bool = True, failed_last: bool = False) -> tuple[SynthSet, SetAnalysis]:
    options: dict[str, bool] = {"walkout": False} if lift in ("squat", "bench") else {}
    s = generate_set(
        lift, n_reps=3, seed=2, sampling=Sampling(fps=30.0), with_joints=with_joints,
        failed_last=failed_last, **options,
    )  # fmt: skip
    return s, analyze_trajectory(s.trajectory, lift=Lift(lift))


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, "not a PNG file"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def pixels_of(path: Path, colour: str) -> int:
    """How many pixels have exactly this colour."""
    image = np.asarray(cv2.imread(str(path), cv2.IMREAD_COLOR), dtype=np.uint8)
    return int(np.all(image == np.array(style.hex_to_bgr(colour), np.uint8), axis=2).sum())


def test_squat_with_joints_and_a_failed_rep(tmp_path: Path) -> None:
    s, analysis = synth("squat", failed_last=True)
    assert [r.status.value for r in analysis.reps] == ["ok", "ok", "failed"]
    out = tmp_path / "squat.png"
    plot_set(analysis, out, truth=s.truth)
    width, height = png_size(out)
    assert width == 1350  # 9 in at 150 dpi
    assert 1000 < height < 1600
    assert out.stat().st_size > 50_000
    assert pixels_of(out, style.FAILED_LIGHT) > 2_000  # the failed rep's shading
    assert pixels_of(out, style.FAILED) > 200  # its badge
    assert pixels_of(out, style.JOINT_COLOURS["knee"]) > 200  # the angles panel


def test_without_a_failed_rep_there_is_no_red(tmp_path: Path) -> None:
    _, analysis = synth("squat")
    out = tmp_path / "squat.png"
    plot_set(analysis, out, title="Back squat 100 kg")
    assert pixels_of(out, style.FAILED_LIGHT) == 0
    assert pixels_of(out, style.FAILED) == 0
    colour = style.zone_colour(analysis.reps[0].mean_velocity_m_s, Lift.SQUAT)
    assert colour != style.MUTED and pixels_of(out, colour) > 200  # the first rep's badge


def test_olympic_with_and_without_joints(tmp_path: Path) -> None:
    _, with_joints = synth("power_clean")
    _, without = synth("power_clean", with_joints=False)
    assert all(r.triple_extension is not None for r in with_joints.reps)
    a, b = tmp_path / "joints.png", tmp_path / "bar_only.png"
    plot_set(with_joints, a)
    plot_set(without, b)
    (wa, ha), (wb, hb) = png_size(a), png_size(b)
    assert wa == wb == 1350
    assert ha > hb + 300  # the per-pull angle panels
    assert 700 < hb < 1100
    for joint in ("hip", "knee", "ankle"):
        assert pixels_of(a, style.JOINT_COLOURS[joint]) > 100
        assert pixels_of(b, style.JOINT_COLOURS[joint]) == 0


def test_a_set_without_reps_still_plots(tmp_path: Path) -> None:
    t_s = np.arange(60) / 30.0
    trajectory = Trajectory(t_s=t_s, bar_xy_m=np.column_stack([np.zeros(60), np.full(60, 1.0)]))
    analysis = analyze_trajectory(trajectory, lift=Lift.SQUAT)
    assert analysis.reps == []
    out = tmp_path / "empty.png"
    plot_set(analysis, out)
    assert png_size(out)[0] == 1350
    assert summary_line(analysis) == "no rep found"


def test_summary_line_has_the_set_figures() -> None:
    _, analysis = synth("squat", failed_last=True)
    s = analysis.summary
    line = summary_line(analysis)
    assert line.startswith("2 reps")
    assert f"best {s.best_mean_velocity_m_s:.2f} m/s mean" in line
    assert f"mean velocity loss {s.velocity_loss_pct:.0f} %" in line
    assert line.endswith("1 failed")
    _, clean = synth("power_clean")
    assert f"best {clean.summary.best_peak_velocity_m_s:.2f} m/s peak" in summary_line(clean)
    assert f"peak velocity loss {clean.summary.peak_velocity_loss_pct:.0f} %" in summary_line(clean)


def test_svg_by_suffix(tmp_path: Path) -> None:
    _, analysis = synth("power_clean", with_joints=False)
    out = tmp_path / "set.svg"
    plot_set(analysis, out)
    assert out.read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_unwritable_destinations_are_input_errors(tmp_path: Path) -> None:
    _, analysis = synth("power_clean", with_joints=False)
    with pytest.raises(InputError, match="no_such_folder"):
        plot_set(analysis, tmp_path / "no_such_folder" / "set.png")
    with pytest.raises(InputError, match=r"\.png"):
        plot_set(analysis, tmp_path / "set.unknownformat")


def test_importing_the_report_package_loads_neither_matplotlib_nor_cv2() -> None:
    code = (
        "import sys, vbt.report, vbt.report.plot, vbt.report.style, vbt.report.json_report; "
        "print('matplotlib' in sys.modules, 'cv2' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]
