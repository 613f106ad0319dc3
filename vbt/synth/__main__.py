"""``python -m vbt.synth OUTDIR --lift power_clean --reps 5 --fps 30 --seed 1``: write synthetic sets.

``--render`` also renders the set to ``NAME.mp4`` (see ``vbt.synth.render``) with the video's truth;
``--video-timing phone`` renders it at a phone's variable frame rate (``vbt.synth.timing.PhoneTiming``,
seeded with ``--seed``; needs PyAV).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from fractions import Fraction

from vbt.errors import InputError, VbtError
from vbt.synth.generate import CORPUS_RATES, SYNTH_LIFTS, generate_corpus, generate_set
from vbt.synth.io import write_set
from vbt.synth.sampling import Sampling

#: Rates people write rounded, and what they mean.
_NTSC = {"23.976": Fraction(24000, 1001), "29.97": Fraction(30000, 1001), "59.94": Fraction(60000, 1001)}


def parse_rate(text: str) -> float | str:
    """A frame rate from the command line: a number, a fraction ``30000/1001``, NTSC ``29.97``, ``vfr``."""
    value = text.strip().lower()
    if value == "vfr":
        return "vfr"
    try:
        rate = _NTSC[value] if value in _NTSC else Fraction(value)
    except (ValueError, ZeroDivisionError):
        raise InputError(
            f"--fps {text!r} is not a frame rate; give e.g. 30, 29.97, 30000/1001 or vfr"
        ) from None
    return float(rate)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m vbt.synth",
        description="Write synthetic lifts with exact truth: NAME.csv (track) and NAME.truth.json.",
    )
    parser.add_argument("outdir", help="directory to write into (created if needed)")
    parser.add_argument("--lift", default="squat", choices=[lift.value for lift in SYNTH_LIFTS])
    parser.add_argument("--reps", type=int, default=5, help="reps in the set (default 5)")
    parser.add_argument(
        "--fps", default="30", help="frame rate: 25, 29.97 (= 30000/1001), 30, 60, 120 or vfr"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--name", help="file name stem (default LIFT_sSEED)")
    parser.add_argument("--load-kg", type=float, help="bar load; adds power to the truth")
    parser.add_argument("--bar-noise-m", type=float, default=0.002)
    parser.add_argument("--joint-noise-m", type=float, default=0.002)
    parser.add_argument("--missing-fraction", type=float, default=0.0)
    parser.add_argument("--failed-last", action="store_true", help="the last rep fails")
    parser.add_argument("--partials", action="store_true", help="add partial movements")
    parser.add_argument("--no-fatigue", action="store_true")
    parser.add_argument("--no-joints", action="store_true")
    parser.add_argument(
        "--corpus",
        type=int,
        metavar="N",
        help="write a corpus of N sets over all lifts and frame rates instead of one set",
    )
    render = parser.add_argument_group("video")
    render.add_argument(
        "--render", action="store_true", help="also render NAME.mp4 (truth gains a video block)"
    )
    render.add_argument("--size", default="640x360", help="video size WIDTHxHEIGHT (default 640x360)")
    render.add_argument("--codec", default="h264", choices=["h264", "mp4v"])
    render.add_argument("--quality", type=int, default=60, help="h264 quality 0..100 (default 60)")
    render.add_argument("--background", default="gym", choices=["gym", "plain"])
    render.add_argument(
        "--video-timing",
        default="constant",
        choices=["constant", "phone"],
        help="frame times of the video: constant (the set's rate) or phone (variable, nominal --fps or 30; "
        "needs PyAV)",
    )
    return parser


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise InputError(f"--size {text!r} is not WIDTHxHEIGHT, e.g. 640x360") from None
    return width, height


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        base = Sampling(
            bar_noise_m=args.bar_noise_m,
            joint_noise_m=args.joint_noise_m,
            missing_fraction=args.missing_fraction,
        )
        if args.corpus is not None:
            for i, synth in enumerate(
                generate_corpus(args.corpus, seed=args.seed, fps_list=CORPUS_RATES, sampling=base)
            ):
                rate = "vfr" if synth.truth["sampling"]["vfr"] else f"{synth.truth['sampling']['fps']:.2f}"
                write_set(synth, args.outdir, f"{i:04d}_{synth.lift.value}_{rate}fps")
            print(f"wrote {args.corpus} sets to {args.outdir}")
            return 0
        synth = generate_set(
            args.lift,
            n_reps=args.reps,
            seed=args.seed,
            sampling=Sampling.at_rate(parse_rate(args.fps), base=base),
            load_kg=args.load_kg,
            fatigue=not args.no_fatigue,
            failed_last=args.failed_last,
            partials=args.partials,
            with_joints=not args.no_joints,
        )
        name = args.name or f"{args.lift}_s{args.seed}"
        csv_path, truth_path = write_set(synth, args.outdir, name)
        if args.render:
            from vbt.synth.render import render_set  # cv2 and ffmpeg only when rendering
            from vbt.synth.timing import PhoneTiming

            timing = None
            if args.video_timing == "phone":
                timing = PhoneTiming(nominal_fps=synth.truth["sampling"]["fps"], seed=args.seed)
            info = render_set(
                synth,
                csv_path.with_suffix(".mp4"),
                size_px=_size(args.size),
                seed=args.seed,
                codec=args.codec,
                compression_quality=args.quality,
                background=args.background,
                timing=timing,
            )
            print(f"wrote {csv_path}, {info.path} ({info.n_frames} frames) and {truth_path}")
            return 0
    except VbtError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {csv_path} and {truth_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
