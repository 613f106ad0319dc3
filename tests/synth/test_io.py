import json
from collections import Counter

import numpy as np
import pytest

from vbt.errors import InputError
from vbt.synth import CORPUS_RATES, SYNTH_LIFTS, Sampling, generate_corpus, generate_set, write_set
from vbt.synth.__main__ import main, parse_rate
from vbt.trackio import read_track_csv


def test_write_set_round_trips_through_the_track_csv(tmp_path):
    s = generate_set("snatch", n_reps=2, seed=1, sampling=Sampling(missing_fraction=0.05))
    csv_path, truth_path = write_set(s, tmp_path / "out", "snatch_1")
    assert csv_path.name == "snatch_1.csv"
    assert truth_path.name == "snatch_1.truth.json"
    back = read_track_csv(csv_path)
    assert np.allclose(back.t_s, s.trajectory.t_s, atol=1e-6)
    assert np.allclose(back.bar_xy_m, s.trajectory.bar_xy_m, atol=1e-6, equal_nan=True)
    assert np.allclose(back.joints_xy_m, s.trajectory.joints_xy_m, atol=1e-6, equal_nan=True)
    assert json.loads(truth_path.read_text()) == s.truth


def test_write_set_refuses_a_name_with_a_directory(tmp_path):
    s = generate_set("squat", n_reps=1, seed=1)
    with pytest.raises(InputError, match="plain file name"):
        write_set(s, tmp_path, "../escape")


def test_command_line_writes_a_set(tmp_path, capsys):
    code = main([str(tmp_path), "--lift", "power_clean", "--reps", "3", "--fps", "29.97", "--seed", "1"])
    assert code == 0
    truth = json.loads((tmp_path / "power_clean_s1.truth.json").read_text())
    assert truth["sampling"]["fps"] == 30000 / 1001
    assert len(truth["reps"]) == 3
    assert "wrote" in capsys.readouterr().out


def test_command_line_reports_a_bad_rate(tmp_path, capsys):
    assert main([str(tmp_path), "--fps", "fast"]) == 2
    assert "not a frame rate" in capsys.readouterr().err


def test_parse_rate():
    assert parse_rate("29.97") == 30000 / 1001
    assert parse_rate("30000/1001") == 30000 / 1001
    assert parse_rate("59.94") == 60000 / 1001
    assert parse_rate("25") == 25.0
    assert parse_rate("VFR") == "vfr"


def test_corpus_is_large_spread_and_reproducible():
    corpus = generate_corpus(seed=3)
    assert len(corpus) == 252
    lifts = Counter(s.lift for s in corpus)
    assert set(lifts) == set(SYNTH_LIFTS)
    assert min(lifts.values()) == 42
    rates = Counter("vfr" if s.truth["sampling"]["vfr"] else s.truth["sampling"]["fps"] for s in corpus)
    assert set(rates) == set(CORPUS_RATES) == {25.0, 30000 / 1001, 30.0, 60.0, 120.0, "vfr"}
    assert min(rates.values()) == 42
    pairs = Counter((s.lift, str(s.truth["sampling"]["fps"]), s.truth["sampling"]["vfr"]) for s in corpus)
    assert len(pairs) == 36
    assert min(pairs.values()) == 7
    assert any(s.truth["set"]["failed_rep_count"] for s in corpus)
    assert any(s.truth["sampling"]["missing_fraction"] > 0 for s in corpus)
    # any member can be regenerated from what its truth records
    member = corpus[17]
    options = {k: v for k, v in member.truth["options"].items() if v is not None}
    options["incomplete_extension"] = tuple(options["incomplete_extension"])
    sampling = Sampling(
        **{k: v for k, v in member.truth["sampling"].items() if k in Sampling.__dataclass_fields__}
    )
    again = generate_set(
        member.lift, seed=member.truth["seed"], sampling=sampling, load_kg=member.truth["load_kg"], **options
    )
    assert again.truth == member.truth
    assert np.array_equal(again.trajectory.bar_xy_m, member.trajectory.bar_xy_m, equal_nan=True)
