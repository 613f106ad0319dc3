"""Pixels to metres: from the plate's diameter, an ArUco marker's printed size or a known length;
lens undistortion from a checkerboard camera profile; a check that the camera is side-on.

``pixels_to_metres`` is the one place where image coordinates (x right, y down, pixels) become
the trajectory's axes (x forward, towards the lifter's toes; y up; metres).

Run ``python -m vbt.calibration marker-sheet OUT.png`` for a printable sheet of ArUco markers.
"""

from __future__ import annotations

import argparse
import json
import math
import struct
import sys
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from vbt.capture.bar import BarDetection, aruco_dictionary
from vbt.errors import CalibrationError, InputError, VbtError
from vbt.types import FloatArray

#: Outer plate diameters in metres by name; calibration/plates.toml has the same table and the
#: sources (IWF TCRR 3.3: every disc of 10 kg and above is 450 mm; IPF: the largest disc 45 cm).
PLATE_DIAMETERS_M: dict[str, float] = {
    "bumper": 0.45,
    "competition": 0.45,
    "technique": 0.45,
    "25kg": 0.45,
    "20kg": 0.45,
    "15kg": 0.45,
    "10kg": 0.45,
    "55lb": 0.45,
    "45lb": 0.45,
    "35lb_bumper": 0.45,
    "25lb_bumper": 0.45,
}

#: Below this minor/major ratio of the plate's outline the camera is treated as not side-on.
SIDE_ON_MIN_AXIS_RATIO = 0.9

PROFILE_FORMAT = "vbt-camera-profile/1"


class Facing(StrEnum):
    """Which way the lifter faces in the image; decides the sign of the forward (x) axis."""

    RIGHT = "right"
    LEFT = "left"


def plate_diameter_m(plate: str | float) -> float:
    """Diameter in metres of a plate given by name (see ``PLATE_DIAMETERS_M``) or in metres."""
    if isinstance(plate, str):
        key = plate.strip().lower().replace(" ", "")
        if key in PLATE_DIAMETERS_M:
            return PLATE_DIAMETERS_M[key]
        try:
            plate = float(key)
        except ValueError:
            names = ", ".join(sorted(PLATE_DIAMETERS_M))
            raise CalibrationError(
                f"unknown plate {plate!r}: use one of {names}, or give the diameter in metres"
            ) from None
    if not 0.1 <= plate <= 0.6:
        raise CalibrationError(
            f"a plate diameter of {plate} m is implausible; give the outer diameter in metres "
            "(0.45 for standard bumper and 20 kg / 45 lb plates)"
        )
    return float(plate)


@dataclass(frozen=True, eq=False)
class CameraProfile:
    """A camera's intrinsics from a checkerboard calibration.

    Attributes:
        camera_matrix: (3, 3) pixels.
        dist_coeffs: (K,) OpenCV distortion coefficients (k1, k2, p1, p2, k3, ...).
        image_size_px: (width, height) of the images it was measured on.
        rms_px: RMS reprojection error of the calibration, pixels.
        name: a label (e.g. the phone and lens).
    """

    camera_matrix: FloatArray
    dist_coeffs: FloatArray
    image_size_px: tuple[int, int]
    rms_px: float = math.nan
    name: str = ""

    def __post_init__(self) -> None:
        if np.shape(self.camera_matrix) != (3, 3):
            raise CalibrationError(
                f"camera_matrix must have shape (3, 3), got {np.shape(self.camera_matrix)}"
            )

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": PROFILE_FORMAT,
                "name": self.name,
                "image_size_px": list(self.image_size_px),
                "camera_matrix": np.asarray(self.camera_matrix).tolist(),
                "dist_coeffs": np.asarray(self.dist_coeffs).ravel().tolist(),
                "rms_px": self.rms_px,
            },
            indent=2,
        )

    @classmethod
    def from_json(cls, text: str, *, where: str = "camera profile") -> CameraProfile:
        try:
            data: dict[str, Any] = json.loads(text)
            if data.get("format") != PROFILE_FORMAT:
                raise ValueError(f"format is {data.get('format')!r}, expected {PROFILE_FORMAT!r}")
            width, height = (int(v) for v in data["image_size_px"])
            return cls(
                camera_matrix=np.array(data["camera_matrix"], dtype=np.float64),
                dist_coeffs=np.array(data["dist_coeffs"], dtype=np.float64),
                image_size_px=(width, height),
                rms_px=float(data.get("rms_px", math.nan)),
                name=str(data.get("name", "")),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise CalibrationError(
                f"{where} is not a vbt camera profile ({exc}); make one with `vbt calibrate --checkerboard`"
            ) from exc


def save_camera_profile(profile: CameraProfile, path: str | Path) -> Path:
    """Write ``profile`` as JSON (e.g. under calibration/); returns the path."""
    out = Path(path)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(profile.to_json() + "\n", encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write the camera profile to {out}: {exc.strerror}") from exc
    return out


def load_camera_profile(path: str | Path) -> CameraProfile:
    """Read a camera profile JSON written by ``save_camera_profile``."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read the camera profile {path}: {exc.strerror}") from exc
    return CameraProfile.from_json(text, where=str(path))


@dataclass(frozen=True, eq=False)
class Calibration:
    """How pixels become metres.

    Attributes:
        metres_per_px: scale in the bar's plane (undistorted pixels when ``camera`` is set).
        method: "plate", "aruco" or "known_length".
        origin_xy_px: (2,) the image point that becomes (0, 0) metres.
        facing: the lifter's facing in the image (x forward).
        camera: lens profile used to undistort points first, or None.
        warnings: sentences for the report (e.g. the camera is not side-on).
    """

    metres_per_px: float
    method: str
    origin_xy_px: FloatArray = field(default_factory=lambda: np.zeros(2))
    facing: Facing = Facing.RIGHT
    camera: CameraProfile | None = None
    warnings: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not (math.isfinite(self.metres_per_px) and self.metres_per_px > 0):
            raise CalibrationError(f"metres per pixel must be a positive number, got {self.metres_per_px}")
        if np.shape(self.origin_xy_px) != (2,):
            raise CalibrationError(f"origin_xy_px must have shape (2,), got {np.shape(self.origin_xy_px)}")

    def with_origin(self, origin_xy_px: FloatArray) -> Calibration:
        """The same calibration with another origin (e.g. the bar's first position)."""
        return replace(self, origin_xy_px=np.asarray(origin_xy_px, dtype=np.float64))


def _positive(values: npt.ArrayLike, name: str) -> FloatArray:
    array = np.asarray(values, dtype=np.float64).ravel()
    good = array[np.isfinite(array) & (array > 0)]
    if good.size == 0:
        raise CalibrationError(f"no usable {name}: every value is missing, zero or negative")
    return good


def from_plate(
    radius_px: npt.ArrayLike,
    *,
    plate: str | float = "bumper",
    axis_ratio: npt.ArrayLike | None = None,
    facing: Facing = Facing.RIGHT,
    camera: CameraProfile | None = None,
) -> Calibration:
    """Scale from the plate's radius in pixels, over many frames.

    Parameters:
        radius_px: (N,) plate radii (use the ellipse's major semi-axis when the plate is seen
            off-axis: it is the one not foreshortened), NaN where not seen. Pass only confident
            frames; the median is used.
        plate: a name from ``PLATE_DIAMETERS_M`` or the outer diameter in metres.
        axis_ratio: (N,) minor/major ratios of the plate's outline, for the side-on check.
    """
    radii = _positive(radius_px, "plate radius (no plate was seen)")
    mpp = plate_diameter_m(plate) / (2.0 * float(np.median(radii)))
    warning = None if axis_ratio is None else side_on_warning(axis_ratio)
    return Calibration(
        metres_per_px=mpp,
        method="plate",
        facing=facing,
        camera=camera,
        warnings=() if warning is None else (warning,),
    )


def from_plate_detections(
    detections: Sequence[BarDetection],
    *,
    plate: str | float = "bumper",
    min_confidence: float = 0.6,
    facing: Facing = Facing.RIGHT,
    camera: CameraProfile | None = None,
) -> Calibration:
    """``from_plate`` over a plate tracker's detections with at least ``min_confidence``.

    Uses each detection's major semi-axis when an ellipse was fitted (the axis a level camera does
    not foreshorten), its radius otherwise, and the axis ratios for the side-on check.
    """
    good = [d for d in detections if d.detected and d.confidence >= min_confidence]
    if not good:
        raise CalibrationError(
            f"no plate was seen with confidence >= {min_confidence} in {len(detections)} frames; "
            "film the plate side-on and whole, or calibrate with a marker or a known length"
        )
    radii = [float(d.ellipse_axes_px[0]) if np.isfinite(d.ellipse_axes_px[0]) else d.radius_px for d in good]
    return from_plate(
        radii, plate=plate, axis_ratio=[d.axis_ratio for d in good], facing=facing, camera=camera
    )


def from_marker(
    side_px: npt.ArrayLike,
    *,
    marker_side_m: float,
    facing: Facing = Facing.RIGHT,
    camera: CameraProfile | None = None,
) -> Calibration:
    """Scale from a square marker's side in pixels (N,) (median) and its printed side in metres."""
    if not marker_side_m > 0:
        raise CalibrationError(f"the marker's printed side must be positive, got {marker_side_m} m")
    sides = _positive(side_px, "marker side (no marker was seen)")
    return Calibration(
        metres_per_px=marker_side_m / float(np.median(sides)),
        method="aruco",
        facing=facing,
        camera=camera,
    )


def from_known_length(
    length_px: float,
    length_m: float,
    *,
    facing: Facing = Facing.RIGHT,
    camera: CameraProfile | None = None,
) -> Calibration:
    """Scale from a length the user knows, measured in the bar's plane, in pixels and metres."""
    if not (length_px > 0 and length_m > 0):
        raise CalibrationError(
            f"a known length needs positive pixels and metres, got {length_px} px and {length_m} m"
        )
    return Calibration(
        metres_per_px=length_m / length_px, method="known_length", facing=facing, camera=camera
    )


def side_on_warning(axis_ratio: npt.ArrayLike, *, min_ratio: float = SIDE_ON_MIN_AXIS_RATIO) -> str | None:
    """A sentence for the report when the plate's outline (N,) minor/major is clearly an ellipse.

    Seen at an angle a, a round plate's horizontal axis shrinks by cos(a): horizontal bar motion
    is shortened by the same factor, while vertical motion is unaffected if the camera is level.
    """
    ratios = np.asarray(axis_ratio, dtype=np.float64).ravel()
    ratios = ratios[np.isfinite(ratios) & (ratios > 0) & (ratios <= 1.0)]
    if ratios.size == 0:
        return None
    ratio = float(np.median(ratios))
    if ratio >= min_ratio:
        return None
    angle = math.degrees(math.acos(ratio))
    return (
        f"The camera is not side-on: the plate looks like an ellipse (minor/major {ratio:.2f}), "
        f"about {angle:.0f} degrees off. Horizontal bar motion appears {100 * (1 - ratio):.0f} % "
        "shorter than it is; vertical velocity is unaffected only if the camera is level. "
        "Film square to the plate for accurate bar paths."
    )


def undistort_points(xy_px: FloatArray, camera: CameraProfile) -> FloatArray:
    """(N, 2) distorted pixels -> (N, 2) pixels of an ideal pinhole camera (same matrix); NaN kept."""
    points = np.asarray(xy_px, dtype=np.float64).reshape(-1, 2)
    out = np.full_like(points, np.nan)
    finite = np.all(np.isfinite(points), axis=1)
    if finite.any():
        try:
            undistorted = cv2.undistortPoints(
                points[finite].reshape(-1, 1, 2),
                camera.camera_matrix,
                camera.dist_coeffs,
                R=np.eye(3),
                P=camera.camera_matrix,
                # Wide-angle phone lenses need more than the default few iterations.
                criteria=(cv2.TERM_CRITERIA_COUNT | cv2.TERM_CRITERIA_EPS, 40, 1e-10),
            )
        except cv2.error as exc:
            raise CalibrationError(f"cannot undistort with camera profile {camera.name!r}: {exc}") from exc
        out[finite] = np.asarray(undistorted, dtype=np.float64).reshape(-1, 2)
    return out


def pixels_to_metres(xy_px: FloatArray, calibration: Calibration) -> FloatArray:
    """(N, 2) image pixels (x right, y down) -> (N, 2) metres (x forward, y up); NaN stays NaN.

    Points are undistorted first when the calibration has a camera profile; x is flipped when the
    lifter faces left, so that x always points towards the lifter's toes.
    """
    points = np.asarray(xy_px, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"xy_px must have shape (N, 2), got {points.shape}")
    if calibration.camera is not None:
        points = undistort_points(points, calibration.camera)
    rel = (points - calibration.origin_xy_px) * calibration.metres_per_px
    sign_x = 1.0 if calibration.facing is Facing.RIGHT else -1.0
    out: FloatArray = np.column_stack([sign_x * rel[:, 0], -rel[:, 1]])
    return out


def calibrate_checkerboard(
    images: Iterable[npt.NDArray[np.uint8]],
    *,
    pattern: tuple[int, int] = (9, 6),
    square_m: float,
    name: str = "",
    min_views: int = 3,
) -> CameraProfile:
    """Camera matrix and lens distortion from photos of a flat checkerboard.

    Parameters:
        images: (H, W, 3) BGR or (H, W) gray photos of the board from several angles, all the
            same size.
        pattern: inner corners per row and per column (a 10 x 7 squares board has 9 x 6).
        square_m: side of one square, metres (sets the units of nothing here but is recorded
            in the object points; the intrinsics do not depend on it).
    """
    if not square_m > 0:
        raise CalibrationError(f"the checkerboard square must be positive, got {square_m} m")
    grid = np.zeros((pattern[0] * pattern[1], 3), np.float32)
    grid[:, :2] = np.mgrid[0 : pattern[0], 0 : pattern[1]].T.reshape(-1, 2) * square_m
    object_points, image_points = [], []
    size: tuple[int, int] | None = None
    seen = 0
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 30, 1e-3)
    for image in images:
        seen += 1
        gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        here = (int(gray.shape[1]), int(gray.shape[0]))
        if size is not None and here != size:
            raise CalibrationError(
                f"checkerboard image {seen} is {here[0]}x{here[1]} but the first was "
                f"{size[0]}x{size[1]}; use photos from one camera at one resolution"
            )
        size = here
        ok, corners = cv2.findChessboardCorners(gray, pattern, None)
        if not ok:
            continue
        corners = cv2.cornerSubPix(gray, corners, (5, 5), (-1, -1), criteria)
        object_points.append(grid)
        image_points.append(corners)
    if size is None or len(image_points) < min_views:
        raise CalibrationError(
            f"the checkerboard ({pattern[0]}x{pattern[1]} inner corners) was found in "
            f"{len(image_points)} of {seen} images; at least {min_views} are needed. Check the "
            "pattern size (inner corners, not squares) and photograph the whole board, sharp, "
            "from several angles"
        )
    try:
        rms, matrix, dist, _, _ = cv2.calibrateCamera(object_points, image_points, size, None, None)
    except cv2.error as exc:
        raise CalibrationError(f"the camera calibration failed: {exc}") from exc
    return CameraProfile(
        camera_matrix=np.asarray(matrix, dtype=np.float64),
        dist_coeffs=np.asarray(dist, dtype=np.float64).ravel(),
        image_size_px=size,
        rms_px=float(rms),
        name=name,
    )


# --- printable marker sheet ----------------------------------------------------------------------


def render_marker_sheet(
    *,
    dictionary: str = "DICT_4X4_50",
    first_id: int = 0,
    side_mm: float = 40.0,
    dpi: int = 300,
    page_mm: tuple[float, float] = (210.0, 297.0),
) -> npt.NDArray[np.uint8]:
    """An A4 page (gray, ``dpi``) of ArUco markers with ids, a 100 mm scale bar and instructions."""

    def px(mm: float) -> int:
        return round(mm / 25.4 * dpi)

    page = np.full((px(page_mm[1]), px(page_mm[0])), 255, np.uint8)
    side, gap, margin = px(side_mm), px(max(12.0, side_mm / 2)), px(15.0)
    cols = max(1, (page.shape[1] - 2 * margin + gap) // (side + gap))
    rows = max(1, (page.shape[0] - 2 * margin - px(45.0) + gap) // (side + gap + px(6.0)))
    board = aruco_dictionary(dictionary)
    count = min(cols * rows, board.bytesList.shape[0] - first_id)
    if count <= 0:
        raise InputError(f"{dictionary} has no marker id {first_id}")
    font, scale = cv2.FONT_HERSHEY_SIMPLEX, dpi / 300.0
    for k in range(count):
        r, c = divmod(k, cols)
        x, y = margin + c * (side + gap), margin + px(45.0) + r * (side + gap + px(6.0))
        page[y : y + side, x : x + side] = cv2.aruco.generateImageMarker(board, first_id + k, side)
        cv2.putText(page, f"id {first_id + k}", (x, y + side + px(4.5)), font, scale, 0, 2)
    lines = [
        f"vbt ArUco markers, {dictionary}, black square side {side_mm:g} mm at {dpi} dpi.",
        "Print at 100 % (no fit-to-page); check the 100 mm bar, measure a square after printing.",
        "Tape one marker flat on the sleeve end, facing the camera; keep the white border.",
    ]
    for i, text in enumerate(lines):
        cv2.putText(page, text, (margin, margin + px(6.0) + i * px(7.0)), font, scale * 1.3, 0, 2)
    y_bar = margin + px(30.0)
    page[y_bar : y_bar + px(2.0), margin : margin + px(100.0)] = 0
    cv2.putText(page, "100 mm", (margin + px(103.0), y_bar + px(2.0)), font, scale * 1.3, 0, 2)
    return page


def png_with_dpi(image: npt.NDArray[np.uint8], dpi: int) -> bytes:
    """PNG bytes of ``image`` carrying its print resolution (a pHYs chunk), so it prints to size."""
    ok, encoded = cv2.imencode(".png", image)
    if not ok:
        raise InputError("the image could not be encoded as PNG")
    data = encoded.tobytes()
    per_metre = round(dpi / 0.0254)
    body = b"pHYs" + struct.pack(">IIB", per_metre, per_metre, 1)
    chunk = struct.pack(">I", 9) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
    end_of_ihdr = 8 + 25  # signature, then IHDR (length, type, 13 bytes, crc)
    return data[:end_of_ihdr] + chunk + data[end_of_ihdr:]


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m vbt.calibration marker-sheet OUT.png [--side-mm 40] [--dictionary NAME]``."""
    parser = argparse.ArgumentParser(prog="python -m vbt.calibration")
    commands = parser.add_subparsers(dest="command", required=True)
    sheet = commands.add_parser("marker-sheet", help="write a printable sheet of ArUco markers")
    sheet.add_argument("out", type=Path, help="output PNG")
    sheet.add_argument("--side-mm", type=float, default=40.0, help="printed marker side, mm")
    sheet.add_argument("--dictionary", default="DICT_4X4_50")
    sheet.add_argument("--first-id", type=int, default=0)
    sheet.add_argument("--dpi", type=int, default=300)
    args = parser.parse_args(argv)
    try:
        page = render_marker_sheet(
            dictionary=args.dictionary, first_id=args.first_id, side_mm=args.side_mm, dpi=args.dpi
        )
        try:
            args.out.write_bytes(png_with_dpi(page, args.dpi))
        except OSError as exc:
            raise InputError(f"cannot write {args.out}: {exc.strerror}") from exc
    except VbtError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {args.out} ({args.side_mm:g} mm markers, {args.dictionary}, {args.dpi} dpi)")
    return 0
