"""``vbt analyze`` end to end: the report's keys, the table, and one clear line for bad input."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.kinematics.paths import eased_path
from tests.kinematics.test_reps import power_clean
from vbt.cli import main
from vbt.trackio import write_track_csv

REP_KEYS = {
    "index", "start_s", "end_s", "status", "mean_velocity_m_s", "mean_propulsive_velocity_m_s",
    "peak_velocity_m_s", "time_to_peak_velocity_s", "range_of_motion_m", "duration_s", "triple_extension",
    "horizontal_excursion_m", "mean_power_w", "peak_power_w", "peak_height_m", "catch_height_m",
    "peak_velocity_sd_m_s",
}  # fmt: skip


@pytest.fixture
def clean_csv(tmp_path: Path) -> Path:
    trajectory, _ = eased_path(power_clean(made=True) * 2, y0_m=0.225, fps=30.0, noise_m=0.002)
    path = tmp_path / "clean.csv"
    write_track_csv(path, trajectory)
    return path


def test_analyze_writes_the_report_and_prints_a_table(clean_csv, tmp_path, capsys):
    out = tmp_path / "report.json"
    status = main(["analyze", str(clean_csv), "--lift", "power_clean", "--load-kg", "60", "--json", str(out)])
    assert status == 0
    report = json.loads(out.read_text())
    assert report["lift"] == "power_clean" and report["input"] == str(clean_csv)
    assert len(report["reps"]) == 2 and set(report["reps"][0]) >= REP_KEYS
    assert report["reps"][0]["status"] == "ok" and report["reps"][0]["mean_power_w"] > 0
    assert report["set"]["rep_count"] == 2
    assert {"best_mean_velocity_m_s", "velocity_loss_pct", "velocity_loss_from_first_pct"} <= set(
        report["set"]
    )
    table = capsys.readouterr().out
    assert "mean m/s" in table and "2 rep(s), 0 failed" in table
    assert f"{report['reps'][0]['peak_velocity_m_s']:.2f} ± " in table  # the peak with its sd


def test_the_vbt_process_writes_what_main_writes_in_process(clean_csv, tmp_path, capsys):
    # the process's entry point (vbt.cli.command.run) freezes the collector before exiting: every
    # output must be whole by then, the table printed and the report the one main writes
    out = tmp_path / "report.json"
    assert main(["analyze", str(clean_csv), "--lift", "power_clean", "--json", str(out)]) == 0
    table, report = capsys.readouterr().out, out.read_text()
    out.unlink()
    done = subprocess.run(
        [sys.executable, "-m", "vbt", "analyze", str(clean_csv), "--lift", "power_clean", "--json", str(out)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout == table and out.read_text() == report


def test_bad_input_is_one_line_and_exit_2_without_traceback(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("t_s,bar_x_m,bar_y_m\n0,0,1\n0.1,0,oops\n")
    result = subprocess.run(
        [sys.executable, "-m", "vbt", "analyze", str(bad), "--lift", "squat"], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == f"vbt: error: {bad}, row 3: bar_y_m is 'oops', not a number (use '.' as decimal point)"
    )
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--lift", "curl"], "unknown lift 'curl'"),
        (["--lift", "squat", "--load-kg", "-5"], "not a barbell load"),
        (["--lift", "squat", "--load-kg", "heavy"], "not a number of kilograms"),
    ],
)
def test_bad_arguments_exit_2(clean_csv, capsys, args, words):
    with pytest.raises(SystemExit) as info:
        main(["analyze", str(clean_csv), *args])
    assert info.value.code == 2 and words in capsys.readouterr().err


def test_unwritable_report_keeps_the_table(clean_csv, tmp_path, capsys):
    status = main(
        ["analyze", str(clean_csv), "--lift", "power_clean", "--json", str(tmp_path / "no" / "r.json")]
    )
    assert status == 2
    captured = capsys.readouterr()
    assert "cannot write" in captured.err and "mean m/s" in captured.out


def test_a_track_csv_input_writes_the_plot_and_the_track_it_read(clean_csv, tmp_path, capsys):
    from vbt.trackio import read_track_csv

    plot, track = tmp_path / "set.png", tmp_path / "again.csv"
    outputs = ["--plot", str(plot), "--track-csv", str(track)]
    assert main(["analyze", str(clean_csv), "--lift", "power_clean", *outputs]) == 0
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    before, after = read_track_csv(clean_csv), read_track_csv(track)
    assert after.t_s.tolist() == before.t_s.tolist()
    assert abs(after.bar_xy_m - before.bar_xy_m).max() < 1e-6
    out = capsys.readouterr().out
    assert f"plot written to {plot}" in out and f"track written to {track}" in out


def test_video_out_of_a_track_csv_is_refused_naming_the_video_beside_it(clean_csv, tmp_path, capsys):
    (tmp_path / "clean.mp4").write_bytes(b"")  # as live mode saves set-01.csv beside set-01.mp4
    out = tmp_path / "annotated.mp4"
    assert main(["analyze", str(clean_csv), "--lift", "power_clean", "--video", str(out)]) == 2
    captured = capsys.readouterr()
    assert "is a track CSV" in captured.err and f"vbt analyze {tmp_path / 'clean.mp4'}" in captured.err
    assert captured.out == "" and not out.exists()


def test_a_track_csv_is_not_written_over_its_input(clean_csv, capsys):
    before = clean_csv.read_bytes()
    assert main(["analyze", str(clean_csv), "--lift", "power_clean", "--track-csv", str(clean_csv)]) == 2
    assert "would overwrite the input" in capsys.readouterr().err and clean_csv.read_bytes() == before


def test_output_into_a_closed_pipe_ends_without_a_traceback(clean_csv):
    process = subprocess.Popen(
        [sys.executable, "-m", "vbt", "analyze", str(clean_csv), "--lift", "power_clean"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # as `| head` does, long before the table is printed
    error = process.stderr.read().decode()
    assert process.wait() == 1 and error == ""


def test_the_help_names_the_dot_colours_green_first(capsys):
    from vbt.capture.dot_colours import DOT_COLOURS

    with pytest.raises(SystemExit):
        main(["analyze", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert f"--dot-colour {{{','.join(DOT_COLOURS)}}}" in help_text and "default green" in help_text


def test_video_options_for_a_track_csv_are_refused_by_name(clean_csv, capsys):
    argv = [
        "analyze",
        str(clean_csv),
        "--lift",
        "power_clean",
        "--no-pose",
        "--bar",
        "aruco",
        "--json",
        "r.json",
    ]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert f"--bar, --no-pose are for a video, camera or stream; {clean_csv} is a track CSV" in err
