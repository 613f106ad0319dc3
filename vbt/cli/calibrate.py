"""``vbt calibrate``: a lens profile from checkerboard photos, or a printable sheet of ArUco markers."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from vbt.cli.options import Subparsers, checked_number, metres
from vbt.errors import InputError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt


def _pattern(text: str) -> tuple[int, int]:
    cols, sep, rows = text.lower().partition("x")
    if not (sep and cols.isdigit() and rows.isdigit() and int(cols) >= 2 and int(rows) >= 2):
        raise argparse.ArgumentTypeError(f"{text!r} is not COLSxROWS of inner corners (e.g. 9x6)")
    return int(cols), int(rows)


def _millimetres(text: str) -> float:
    return checked_number(
        text,
        lambda mm: 5 <= mm <= 180,
        not_a_number="{text!r} is not a size in millimetres",
        out_of_range="{text} mm is not a marker size to print on A4 (give 5-180 mm, e.g. 40)",
    )


def add_command(commands: Subparsers) -> None:
    """Register ``vbt calibrate``."""
    calibrate = commands.add_parser(
        "calibrate",
        help="make a camera (lens) profile from checkerboard photos, or print an ArUco marker sheet",
        description=(
            "vbt calibrate --checkerboard IMG... --square-m S --out calibration/NAME.json measures the lens; "
            "vbt calibrate --marker-sheet OUT.png writes a printable sheet of ArUco markers."
        ),
    )
    what = calibrate.add_mutually_exclusive_group(required=True)
    what.add_argument(
        "--checkerboard", nargs="+", type=Path, metavar="IMAGE", help="photos of a checkerboard"
    )
    what.add_argument("--marker-sheet", type=Path, metavar="OUT.png", help="write an A4 sheet of markers")
    calibrate.add_argument("--square-m", type=metres, default=None, help="checkerboard square side, metres")
    calibrate.add_argument(
        "--pattern", type=_pattern, default=(9, 6), metavar="COLSxROWS", help="inner corners (default 9x6)"
    )
    calibrate.add_argument(
        "--out", type=Path, default=None, metavar="OUT.json", help="camera profile to write"
    )
    calibrate.add_argument("--name", default="", help="a label for the profile (phone, lens)")
    calibrate.add_argument("--marker-mm", type=_millimetres, default=40.0, help="printed marker side, mm")
    calibrate.set_defaults(handler=_calibrate)


def _calibrate(args: argparse.Namespace) -> int:
    from vbt import calibration

    if args.marker_sheet is not None:
        page = calibration.render_marker_sheet(side_mm=args.marker_mm)
        try:
            args.marker_sheet.write_bytes(calibration.png_with_dpi(page, 300))
        except OSError as exc:
            raise InputError(f"cannot write {args.marker_sheet}: {exc.strerror}") from None
        print(f"marker sheet written to {args.marker_sheet} ({args.marker_mm:g} mm markers, print at 100 %)")
        return 0
    if args.square_m is None or args.out is None:
        raise InputError("--checkerboard needs --square-m (a square's side in metres) and --out PROFILE.json")
    import cv2
    import numpy as np

    def images() -> Iterator[npt.NDArray[np.uint8]]:
        for path in args.checkerboard:
            image = cv2.imread(str(path), cv2.IMREAD_COLOR)
            if image is None:
                raise InputError(f"{path}: not an image OpenCV can read (or no such file)")
            yield np.asarray(image, dtype=np.uint8)

    profile = calibration.calibrate_checkerboard(
        images(), pattern=args.pattern, square_m=args.square_m, name=args.name or args.out.stem
    )
    calibration.save_camera_profile(profile, args.out)
    print(
        f"camera profile written to {args.out}: {profile.image_size_px[0]}x{profile.image_size_px[1]}, "
        f"reprojection error {profile.rms_px:.2f} px"
    )
    return 0
