"""OnlineSet: synthetic sets fed one sample at a time emit exactly the reps of the offline analysis of
the whole recording, each once, a bounded time after its end; ``finish`` is the offline analysis."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from vbt.analysis import analyze_trajectory
from vbt.errors import InputError
from vbt.live.events import RepEvent, RepEventKind, doubted_by_report
from vbt.live.online import OnlineSet
from vbt.synth import SYNTH_LIFTS, Sampling, generate_set
from vbt.types import JOINT_NAMES, Lift, RepMetrics, RepStatus, Trajectory

# Seconds from a rep's end (where the bar stops rising) to its emission, at most. Strength lifts:
# rest check 0.35 s + settle 0.15 s + re-run period 0.1 s + one 30 fps sample. Olympic lifts wait for
# the hold after the catch (measured 1.3-3.4 s); a failed Olympic lift for the bar back on the floor.
MAX_DELAY_S = {
    Lift.SQUAT: 0.64,
    Lift.BENCH: 0.64,
    Lift.DEADLIFT: 0.64,
    Lift.POWER_CLEAN: 2.5,
    Lift.CLEAN: 4.0,
    Lift.SNATCH: 4.0,
}
FAILED_OLYMPIC_MAX_DELAY_S = 1.0
# A failed squat or bench press is final once the bar has given it up (lowered the least range of a
# rep, or back to its bottom; before that a rise on to lockout finishes it): the synth's stall (at
# most 1.0 s) and sink (at most 1.5 s), plus the settle, the re-run period and one sample.
FAILED_TOP_DOWN_MAX_DELAY_S = 1.0 + 1.5 + 0.15 + 0.1 + 1 / 30


def _feed(online: OnlineSet, trajectory: Trajectory) -> list[RepMetrics]:
    """Feed every sample; the reps that became final, in order."""
    events: list[RepEvent] = []
    for i in range(len(trajectory)):
        events += online.add(trajectory.t_s[i], trajectory.bar_xy_m[i], trajectory.joints_xy_m[i])
    assert events == online.events
    return [e.rep for e in events if e.kind is RepEventKind.FINAL]


def _assert_same_rep(online: RepMetrics, offline: RepMetrics) -> None:
    assert online.index == offline.index
    assert online.status is offline.status
    assert online.start_s == pytest.approx(offline.start_s, abs=1e-3)
    assert online.end_s == pytest.approx(offline.end_s, abs=1e-3)
    for name in ("mean_velocity_m_s", "mean_propulsive_velocity_m_s", "peak_velocity_m_s"):
        a, b = getattr(online, name), getattr(offline, name)
        assert (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, abs=1e-3), name
    for name in ("range_of_motion_m", "peak_height_m", "catch_height_m", "time_to_peak_velocity_s"):
        a, b = getattr(online, name), getattr(offline, name)
        assert (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, abs=1e-3), name


def _same(a: object, b: object) -> bool:
    """Exactly equal dataclasses, NaN equal to NaN."""
    left, right = dataclasses.asdict(a), dataclasses.asdict(b)  # type: ignore[call-overload]
    return bool(left.keys() == right.keys()) and all(_equal(left[k], right[k]) for k in left)


def _equal(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[k], b[k]) for k in a)
    return bool(a == b)


def _check_set(lift: Lift, trajectory: Trajectory, *, max_delay_s: dict[RepStatus, float]) -> list[float]:
    offline = analyze_trajectory(trajectory, lift=lift, load_kg=100.0)
    online = OnlineSet(lift=lift, load_kg=100.0, provisional=False)  # see the provisional tests
    emitted = _feed(online, trajectory)
    assert emitted == online.emitted
    assert len(emitted) == len(offline.reps) >= 2  # every rep, each once, before the set ended
    delays = []
    for rep, reference, at_s in zip(emitted, offline.reps, online.emitted_at_s, strict=True):
        _assert_same_rep(rep, reference)
        if rep.mean_power_w == rep.mean_power_w:
            assert rep.mean_power_w == pytest.approx(reference.mean_power_w, rel=1e-3)
        delay_s = at_s - rep.end_s
        assert 0.0 < delay_s <= max_delay_s[rep.status]
        delays.append(delay_s)
    final = online.finish()
    assert len(final.reps) == len(offline.reps)
    for got, want in zip(final.reps, offline.reps, strict=True):
        assert _same(got, want)
    assert final.summary == offline.summary
    assert final.warnings == offline.warnings
    return delays


@pytest.mark.parametrize("lift", list(SYNTH_LIFTS))
def test_every_lift_online_equals_offline(lift: Lift) -> None:
    synth = generate_set(lift, n_reps=2, seed=3, load_kg=100.0)
    assert len(synth.reps) == 2
    limit = MAX_DELAY_S[lift]
    _check_set(lift, synth.trajectory, max_delay_s={RepStatus.OK: limit, RepStatus.FAILED: limit})


@pytest.mark.parametrize("lift", [Lift.SQUAT, Lift.DEADLIFT, Lift.CLEAN])
def test_a_failed_last_rep_is_emitted_as_failed(lift: Lift) -> None:
    synth = generate_set(lift, n_reps=2, seed=1, failed_last=True, load_kg=100.0)
    failed_limit = (
        FAILED_OLYMPIC_MAX_DELAY_S
        if lift.is_olympic
        else FAILED_TOP_DOWN_MAX_DELAY_S
        if lift is Lift.SQUAT
        else MAX_DELAY_S[lift]
    )
    _check_set(
        lift,
        synth.trajectory,
        max_delay_s={RepStatus.OK: MAX_DELAY_S[lift], RepStatus.FAILED: failed_limit},
    )
    assert [r.status for r in synth.reps] == [RepStatus.OK, RepStatus.FAILED]


@pytest.mark.slow
def test_jittered_frames_missing_samples_and_partials_online_equals_offline() -> None:
    sampling = Sampling(vfr=True, missing_fraction=0.05)
    synth = generate_set(Lift.SQUAT, n_reps=3, seed=4, sampling=sampling, partials=True, paused=True)
    limit = MAX_DELAY_S[Lift.SQUAT] + 0.07  # a dropped frame may double the last interval
    statuses = dict.fromkeys([RepStatus.OK, RepStatus.FAILED, RepStatus.SUSPECT], limit)
    _check_set(Lift.SQUAT, synth.trajectory, max_delay_s=statuses)
    # the partial rep that starts after a quarter second without the bar is suspect, online as offline
    offline = analyze_trajectory(synth.trajectory, lift=Lift.SQUAT, load_kg=100.0)
    assert all(r.partial_start for r in offline.reps if r.status is RepStatus.SUSPECT)


def test_the_last_rep_is_final_only_at_finish_when_the_recording_stops_at_its_end() -> None:
    synth = generate_set(Lift.SQUAT, n_reps=2, seed=3)
    trajectory = synth.trajectory
    offline_full = analyze_trajectory(trajectory, lift=Lift.SQUAT)
    cut = trajectory.t_s <= offline_full.reps[-1].end_s + 0.2  # stop 0.2 s after the last lockout
    short = Trajectory(
        t_s=trajectory.t_s[cut],
        bar_xy_m=trajectory.bar_xy_m[cut],
        joints_xy_m=trajectory.joints_xy_m[cut],
        joint_names=trajectory.joint_names,
    )
    online = OnlineSet(lift=Lift.SQUAT, provisional=False)
    emitted = _feed(online, short)
    final = online.finish()
    offline = analyze_trajectory(short, lift=Lift.SQUAT)
    assert len(emitted) == 1
    assert len(final.reps) == len(offline.reps) == 2
    assert all(_same(a, b) for a, b in zip(final.reps, offline.reps, strict=True))


def test_without_joints_the_trajectory_has_none() -> None:
    synth = generate_set(Lift.BENCH, n_reps=2, seed=0, with_joints=False)
    trajectory = synth.trajectory
    online = OnlineSet(lift=Lift.BENCH)
    for i in range(len(trajectory)):
        online.add(trajectory.t_s[i], trajectory.bar_xy_m[i])
    assert not online.trajectory().has_joints
    assert len(online.emitted) == 2
    final, offline = online.finish(), analyze_trajectory(trajectory, lift=Lift.BENCH)
    assert len(final.reps) == len(offline.reps) == 2
    assert all(_same(a, b) for a, b in zip(final.reps, offline.reps, strict=True))


def test_a_short_buffer_emits_nothing_and_raises_nothing() -> None:
    online = OnlineSet(lift=Lift.SQUAT)
    for i in range(10):
        assert online.add(i / 30.0, np.array([0.0, 1.0])) == []
    assert online.add(10 / 30.0, np.array([np.nan, np.nan])) == []


def test_bad_samples_are_refused_with_a_reason() -> None:
    online = OnlineSet(lift=Lift.SQUAT)
    online.add(0.0, np.array([0.0, 1.0]))
    with pytest.raises(InputError, match="increasing"):
        online.add(0.0, np.array([0.0, 1.0]))
    with pytest.raises(InputError, match="increasing"):
        online.add(float("nan"), np.array([0.0, 1.0]))
    with pytest.raises(InputError, match=r"bar_xy_m must have shape \(2,\)"):
        online.add(0.1, np.zeros(3))
    with pytest.raises(InputError, match="joints_xy_m must have shape"):
        online.add(0.1, np.zeros(2), np.zeros((len(JOINT_NAMES) + 1, 2)))
    with pytest.raises(InputError, match="rerun_every_s"):
        OnlineSet(lift=Lift.SQUAT, rerun_every_s=-1.0)


def test_no_sample_after_finish() -> None:
    synth = generate_set(Lift.SQUAT, n_reps=1, seed=0)
    online = OnlineSet(lift=Lift.SQUAT)
    _feed(online, synth.trajectory)
    online.finish()
    with pytest.raises(InputError, match="finished"):
        online.add(1e6, np.zeros(2))


# A provisional rep is emitted this long after its end at most (sample clock): the window analysis
# finds the rep once the filtered velocity has crossed zero after the top (measured p95 0.08-0.19 s,
# at most 0.28 s on 64 synthetic sets), plus the 0.03 s lag.
PROVISIONAL_MAX_DELAY_S = 0.3


@pytest.mark.parametrize("lift", [Lift.SQUAT, Lift.DEADLIFT, Lift.POWER_CLEAN])
def test_each_rep_is_seen_provisionally_soon_after_its_end_then_made_final(lift: Lift) -> None:
    synth = generate_set(lift, n_reps=3, seed=2, load_kg=100.0)
    offline = analyze_trajectory(synth.trajectory, lift=lift, load_kg=100.0)
    online = OnlineSet(lift=lift, load_kg=100.0)
    finals = _feed(online, synth.trajectory)
    assert len(finals) == len(offline.reps) == 3
    assert not [e for e in online.events if e.kind is RepEventKind.RETRACTED]
    by_key: dict[int, list[RepEvent]] = {}
    for event in online.events:
        by_key.setdefault(event.key, []).append(event)
    assert sorted(by_key) == [1, 2, 3]
    for key, reference in zip(sorted(by_key), offline.reps, strict=True):
        seen, final = by_key[key]  # one provisional, then one final, of the same rep
        assert (seen.kind, final.kind) == (RepEventKind.PROVISIONAL, RepEventKind.FINAL)
        assert seen.t_s < final.t_s
        assert 0 < seen.t_s - reference.end_s <= PROVISIONAL_MAX_DELAY_S
        assert seen.rep.index == final.rep.index == reference.index
        _assert_same_rep(final.rep, reference)
        # the provisional metrics come from data that end just after the rep: close, not equal
        assert seen.rep.mean_velocity_m_s == pytest.approx(reference.mean_velocity_m_s, abs=0.03)
        assert seen.rep.start_s == pytest.approx(reference.start_s, abs=0.05)
    assert online.reps_emitted() == [e.rep for e in online.events if e.kind is RepEventKind.FINAL]


def test_a_bar_at_rest_is_not_reanalysed() -> None:
    online = OnlineSet(lift=Lift.SQUAT)
    calls = []
    original = online._analyze
    online._analyze = lambda trajectory: calls.append(len(trajectory)) or original(trajectory)  # type: ignore[method-assign]
    rng = np.random.default_rng(0)
    for i in range(300):  # 10 s of a racked bar with 2 mm of tracking noise
        online.add(i / 30.0, np.array([0.0, 1.0]) + rng.normal(0.0, 0.002, 2))
    assert calls == []
    assert online.events == []


def test_the_provisional_look_runs_only_around_each_reps_rise_and_finals_come_when_first_possible() -> None:
    # A squat's rep is final at its end plus the stop check (0.35 s) plus settle_s (0.25 s): the
    # whole set is re-analysed right then (within two 30 fps samples), not on a fixed period. The
    # provisional look runs only while a rep may have just ended: from the rise's first
    # min_attempt_m / 2 to provisional_recent_s after the bar stops rising, never while it is
    # lowered or at rest.
    synth = generate_set(Lift.SQUAT, n_reps=3, seed=2, load_kg=100.0)
    trajectory = synth.trajectory
    online = OnlineSet(lift=Lift.SQUAT, load_kg=100.0, rerun_every_s=0.25, discover_every_s=1.0)
    looks: list[float] = []
    look = online._provisional
    online._provisional = lambda t: looks.append(t) or look(t)  # type: ignore[method-assign]
    _feed(online, trajectory)
    offline = analyze_trajectory(trajectory, lift=Lift.SQUAT, load_kg=100.0)
    finals = [e for e in online.events if e.kind is RepEventKind.FINAL]
    assert len(finals) == len(offline.reps) == 3
    step_s = float(np.median(np.diff(trajectory.t_s)))
    for event in finals:
        # within two samples: the due time falls between samples, and the provisional look's end
        # (from a window) may lie a sample before the whole set's
        assert 0.6 <= event.t_s - event.rep.end_s <= 0.6 + 2 * step_s + 1e-9
    t_s, height_m = trajectory.t_s, trajectory.bar_xy_m[:, 1]
    rises = []  # each rep from its bottom to provisional_recent_s (1 s) past its end
    for rep in offline.reps:
        inside = (t_s >= rep.start_s) & (t_s <= rep.end_s)
        rises.append((float(t_s[inside][np.argmin(height_m[inside])]), rep.end_s + 1.0))
    assert looks
    assert all(any(bottom_s < t <= until_s for bottom_s, until_s in rises) for t in looks)
    # the bar lowered or at rest (most of a set) is never looked at
    assert len(looks) < 0.4 * len(trajectory)


def test_the_reports_doubts_mark_the_counted_finals_suspect_with_their_posted_values() -> None:
    reps = analyze_trajectory(generate_set(Lift.SQUAT, n_reps=3, seed=1).trajectory, lift=Lift.SQUAT).reps
    assert [r.status for r in reps] == [RepStatus.OK] * 3
    events = [
        RepEvent(RepEventKind.FINAL, 1, reps[0], 2.0),
        RepEvent(RepEventKind.FINAL, 2, reps[1], 4.0),
        RepEvent(RepEventKind.PROVISIONAL, 3, reps[2], 6.0),  # still provisional: its final will say
    ]
    why = ("filmed from the front: film from the side",)
    report = [
        reps[0],
        *(dataclasses.replace(r, status=RepStatus.SUSPECT, suspect_reasons=why) for r in reps[1:]),
    ]
    (marked,) = doubted_by_report(events, report)
    assert (marked.kind, marked.key, marked.t_s) == (RepEventKind.FINAL, 2, 4.0)
    assert marked.rep == dataclasses.replace(reps[1], status=RepStatus.SUSPECT, suspect_reasons=why)
    assert doubted_by_report([*events, marked], report) == []  # marked once
    assert doubted_by_report(events, reps) == []  # a report that doubts nothing marks nothing


def _counting(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Count the costly per-rep work of every analysis: triple extensions and boundaries located on
    the raw samples (the fits)."""
    import vbt.analysis
    import vbt.kinematics.reps

    counts = {"extensions": 0, "fits": 0}
    extension, fit = vbt.analysis.triple_extension, vbt.kinematics.reps._refined

    def counted_extension(*args: object, **kwargs: object) -> object:
        counts["extensions"] += 1
        return extension(*args, **kwargs)  # type: ignore[arg-type]

    def counted_fit(*args: object, **kwargs: object) -> object:
        counts["fits"] += 1
        return fit(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(vbt.analysis, "triple_extension", counted_extension)
    monkeypatch.setattr(vbt.kinematics.reps, "_refined", counted_fit)
    return counts


@pytest.mark.parametrize("lift", [Lift.SQUAT, Lift.POWER_CLEAN])
def test_the_online_sets_work_per_rep_does_not_grow_with_the_set(
    lift: Lift, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each rep's triple extension is measured once, when the rep becomes final (before: on every
    # whole-set re-analysis, about 120 times a rep in a 12-rep set, and 100 in a 3-rep one); the
    # boundary fits and the whole-set analyses per rep do not grow with the set's length.
    counts = _counting(monkeypatch)
    per_rep: dict[int, tuple[float, float]] = {}
    for n_reps in (3, 9):
        trajectory = generate_set(lift, n_reps=n_reps, seed=3, load_kg=100.0).trajectory
        online = OnlineSet(lift=lift, load_kg=100.0, rerun_every_s=0.25, discover_every_s=1.0)
        wholes = [0]
        original = online._whole_set

        def whole(wholes: list[int] = wholes, original: object = original) -> object:
            wholes[0] += 1
            return original()  # type: ignore[operator]

        online._whole_set = whole  # type: ignore[method-assign,assignment]
        counts.update(extensions=0, fits=0)
        _feed(online, trajectory)
        assert len(online.emitted) == n_reps
        assert counts["extensions"] == (n_reps if lift.is_olympic else 0)
        per_rep[n_reps] = (counts["fits"] / n_reps, wholes[0] / n_reps)
    (fits_3, wholes_3), (fits_9, wholes_9) = per_rep[3], per_rep[9]
    assert fits_9 <= 1.25 * fits_3
    # the whole set about once a rep, when the rep can be final (before: every second while the bar
    # moved, and every 0.25 s through an Olympic lift's hold: 8-13 times a rep)
    assert wholes_3 <= 2 and wholes_9 <= 2


def test_reps_left_rough_or_without_extension_leave_the_others_exactly_as_they_are() -> None:
    trajectory = generate_set(Lift.POWER_CLEAN, n_reps=3, seed=3, load_kg=100.0).trajectory
    full = analyze_trajectory(trajectory, lift=Lift.POWER_CLEAN, load_kg=100.0)
    cut_s = 0.5 * (full.reps[0].end_s + full.reps[1].start_s)  # between the first two reps
    later = full.reps[1].start_s
    part = analyze_trajectory(
        trajectory,
        lift=Lift.POWER_CLEAN,
        load_kg=100.0,
        refine_from_s=cut_s,
        extend=lambda rep: rep.start_s >= later - 0.1,
    )
    assert [(r.index, r.status) for r in part.reps] == [(r.index, r.status) for r in full.reps]
    assert part.reps[0].triple_extension is None  # not asked for
    assert full.reps[0].start_s != part.reps[0].start_s  # the filtered crossing, not the fitted hinge
    assert all(_same(a, b) for a, b in zip(part.reps[1:], full.reps[1:], strict=True))


def test_an_olympic_lifts_stand_up_from_the_catch_is_not_looked_through() -> None:
    # A power clean's rep rises from the floor; standing up from the catch (a rise of its own, more
    # than the floor tolerance above the floor) is no rep, so the provisional look runs from the
    # pull's lift-off to the rep being seen, not through the stand-up and the hold after it (which
    # cost as many looks as the pull).
    synth = generate_set(Lift.POWER_CLEAN, n_reps=3, seed=2, load_kg=100.0)
    online = OnlineSet(lift=Lift.POWER_CLEAN, load_kg=100.0)
    looks: list[float] = []
    look = online._provisional
    online._provisional = lambda t: looks.append(t) or look(t)  # type: ignore[method-assign]
    _feed(online, synth.trajectory)
    offline = analyze_trajectory(synth.trajectory, lift=Lift.POWER_CLEAN, load_kg=100.0)
    assert len([e for e in online.events if e.kind is RepEventKind.PROVISIONAL]) == len(offline.reps) == 3
    assert looks
    assert all(
        any(rep.start_s <= t <= rep.end_s + PROVISIONAL_MAX_DELAY_S for rep in offline.reps) for t in looks
    )
