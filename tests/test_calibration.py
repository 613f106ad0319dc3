"""Pixels to metres, with answers: plate sizes, markers drawn with OpenCV, a checkerboard rendered
through a known lens distortion."""

from __future__ import annotations

import math
import tomllib
from pathlib import Path

import cv2
import numpy as np
import pytest

from vbt import calibration as cal
from vbt.capture.bar import ArucoTracker, BarDetection, BarMethod
from vbt.errors import CalibrationError
from vbt.types import Frame

REPO = Path(__file__).resolve().parents[1]


# --- plates and scale -----------------------------------------------------------------------------


def test_plate_table_matches_the_data_file() -> None:
    data = tomllib.loads((REPO / "calibration" / "plates.toml").read_text(encoding="utf-8"))
    assert data["diameters_m"] == cal.PLATE_DIAMETERS_M


@pytest.mark.parametrize(
    ("plate", "metres"),
    [
        ("bumper", 0.45),
        ("20kg", 0.45),
        ("45lb", 0.45),
        ("15kg", 0.45),
        ("20 KG", 0.45),
        (0.4, 0.4),
        ("0.35", 0.35),
    ],
)
def test_plate_diameter_by_name_or_metres(plate: str | float, metres: float) -> None:
    assert cal.plate_diameter_m(plate) == metres


@pytest.mark.parametrize("plate", ["25lb", "dinner", 45.0, 0.0])
def test_unknown_or_implausible_plates_are_refused(plate: str | float) -> None:
    with pytest.raises(CalibrationError, match="plate"):
        cal.plate_diameter_m(plate)


def test_scale_from_plate_is_diameter_over_median_width() -> None:
    radii = np.array([np.nan, 99.0, 100.0, 101.0, 100.0, 0.0, 250.0])  # NaN, 0 and an outlier
    calibration = cal.from_plate(radii, plate="bumper")
    assert calibration.metres_per_px == pytest.approx(0.45 / 200.0)
    assert calibration.method == "plate"
    assert calibration.warnings == ()


def test_scale_from_plate_without_any_plate_is_a_clear_error() -> None:
    with pytest.raises(CalibrationError, match="no plate was seen"):
        cal.from_plate(np.array([np.nan, np.nan]))


def test_scale_from_plate_detections_uses_confident_major_axes() -> None:
    def seen(radius: float, axes: tuple[float, float], confidence: float) -> BarDetection:
        return BarDetection(
            t_s=0.0,
            xy_px=np.zeros(2),
            confidence=confidence,
            method=BarMethod.PLATE,
            radius_px=radius,
            ellipse_axes_px=np.array(axes),
        )

    detections = [
        seen(90.0, (100.0, 80.0), 0.9),  # off-axis: the major semi-axis is the plate's radius
        seen(90.0, (100.0, 80.0), 0.8),
        seen(100.0, (np.nan, np.nan), 0.9),  # no ellipse fitted: the radius
        seen(300.0, (300.0, 300.0), 0.2),  # not confident: ignored
        BarDetection.missing(1.0, BarMethod.PLATE),
    ]
    calibration = cal.from_plate_detections(detections, plate="20kg")
    assert calibration.metres_per_px == pytest.approx(0.45 / 200.0)
    assert len(calibration.warnings) == 1  # minor/major 0.8: not side-on
    with pytest.raises(CalibrationError, match="no plate was seen"):
        cal.from_plate_detections(detections[3:])


def test_scale_from_marker_and_known_length() -> None:
    assert cal.from_marker([40.0, 41.0, 39.0], marker_side_m=0.05).metres_per_px == pytest.approx(0.05 / 40.0)
    known = cal.from_known_length(500.0, 2.0)
    assert known.metres_per_px == pytest.approx(0.004)
    assert known.method == "known_length"
    with pytest.raises(CalibrationError, match="positive"):
        cal.from_known_length(0.0, 2.0)
    with pytest.raises(CalibrationError, match="no marker was seen"):
        cal.from_marker([], marker_side_m=0.05)


def test_scale_from_an_aruco_marker_seen_by_the_tracker() -> None:
    board = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50)
    image = np.full((400, 600, 3), 255, np.uint8)
    side_px = 80  # a 40 mm marker at 2000 px/m
    image[150 : 150 + side_px, 250 : 250 + side_px] = cv2.aruco.generateImageMarker(board, 0, side_px)[
        ..., None
    ]
    tracker = ArucoTracker(marker_side_m=0.04)
    detection = tracker.update(Frame(image=image, t_s=0.0, index=0))
    calibration = cal.from_marker([detection.marker_side_px], marker_side_m=0.04)
    assert calibration.metres_per_px == pytest.approx(0.0005, rel=0.005)
    assert tracker.metres_per_px == pytest.approx(0.0005, rel=0.005)


# --- axes -----------------------------------------------------------------------------------------


def test_pixels_to_metres_flips_y_up_and_x_forward() -> None:
    calibration = cal.Calibration(
        metres_per_px=0.002, method="known_length", origin_xy_px=np.array([100.0, 500.0])
    )
    xy_px = np.array([[100.0, 500.0], [150.0, 400.0], [np.nan, np.nan]])
    xy_m = cal.pixels_to_metres(xy_px, calibration)
    np.testing.assert_allclose(xy_m[:2], [[0.0, 0.0], [0.1, 0.2]])
    assert np.all(np.isnan(xy_m[2]))
    facing_left = cal.Calibration(
        metres_per_px=0.002,
        method="known_length",
        origin_xy_px=np.array([100.0, 500.0]),
        facing=cal.Facing.LEFT,
    )
    np.testing.assert_allclose(cal.pixels_to_metres(xy_px[:2], facing_left), [[0.0, 0.0], [-0.1, 0.2]])
    with pytest.raises(ValueError, match=r"\(N, 2\)"):
        cal.pixels_to_metres(np.zeros(3), calibration)


def test_calibration_refuses_a_bad_scale() -> None:
    with pytest.raises(CalibrationError, match="positive"):
        cal.Calibration(metres_per_px=math.nan, method="plate")


def test_side_on_check_states_the_bias() -> None:
    assert cal.side_on_warning([0.97, 0.99, np.nan]) is None
    text = cal.side_on_warning([0.8, 0.8, 0.79, 0.81])
    assert text is not None
    assert "37 degrees" in text  # acos(0.8)
    assert "20 %" in text  # horizontal motion shortened by 1 - 0.8
    assert "vertical" in text
    assert cal.from_plate([100.0], axis_ratio=[0.8]).warnings == (text,)


# --- lens -----------------------------------------------------------------------------------------

K = np.array([[600.0, 0.0, 322.0], [0.0, 600.0, 238.0], [0.0, 0.0, 1.0]])
DIST = np.array([-0.28, 0.09, 0.0, 0.0, 0.0])


def test_undistort_points_inverts_a_known_distortion() -> None:
    profile = cal.CameraProfile(camera_matrix=K, dist_coeffs=DIST, image_size_px=(640, 480))
    rng = np.random.default_rng(1)
    ideal = np.column_stack([rng.uniform(40, 600, 50), rng.uniform(40, 440, 50)])
    rays = np.column_stack([(ideal - K[:2, 2]) / K[0, 0], np.ones(50)])
    distorted, _ = cv2.projectPoints(rays, np.zeros(3), np.zeros(3), K, DIST)
    recovered = cal.undistort_points(distorted.reshape(-1, 2), profile)
    np.testing.assert_allclose(recovered, ideal, atol=0.05)


def render_checkerboard(
    rvec: np.ndarray, tvec: np.ndarray, *, squares: tuple[int, int] = (10, 7), square_m: float = 0.03
) -> np.ndarray:
    """What the distorted camera (K, DIST) sees of a flat board at pose (rvec, tvec), 640x480 gray."""
    h, w = 480, 640
    ss = 2
    v, u = np.mgrid[0 : h * ss, 0 : w * ss]
    pixels = np.column_stack([(u.ravel() + 0.5) / ss - 0.5, (v.ravel() + 0.5) / ss - 0.5])
    criteria = (cv2.TERM_CRITERIA_COUNT | cv2.TERM_CRITERIA_EPS, 30, 1e-10)
    normalized = cv2.undistortPoints(
        pixels.reshape(-1, 1, 2), K, DIST, None, np.eye(3), np.eye(3), criteria
    ).reshape(-1, 2)
    rotation, _ = cv2.Rodrigues(rvec)
    homography = np.column_stack([rotation[:, 0], rotation[:, 1], tvec])  # board plane z = 0
    board = np.linalg.solve(homography, np.column_stack([normalized, np.ones(len(normalized))]).T).T
    bx, by = board[:, 0] / board[:, 2], board[:, 1] / board[:, 2]
    # The board: squares[0] x squares[1] squares from (-1, -1) square, white margin around.
    ix, iy = np.floor(bx / square_m), np.floor(by / square_m)
    on_board = (ix >= -1) & (ix < squares[0] - 1) & (iy >= -1) & (iy < squares[1] - 1)
    value = np.where(on_board & ((ix + iy) % 2 == 0), 0.0, 255.0)
    return value.reshape(h * ss, w * ss).reshape(h, ss, w, ss).mean(axis=(1, 3)).astype(np.uint8)


@pytest.fixture(scope="module")
def checkerboard_views() -> list[np.ndarray]:
    poses = [
        ((0.1, -0.2, 0.0), (-0.12, -0.08, 0.45)),
        ((-0.25, 0.1, 0.1), (-0.15, -0.07, 0.5)),
        ((0.3, 0.25, -0.1), (-0.1, -0.09, 0.42)),
        ((-0.1, -0.35, 0.2), (-0.16, -0.05, 0.5)),
        ((0.2, 0.3, 0.3), (-0.08, -0.12, 0.48)),
        ((0.0, 0.0, -0.2), (-0.13, -0.06, 0.38)),
    ]
    return [render_checkerboard(np.array(r, float), np.array(t, float)) for r, t in poses]


def test_checkerboard_calibration_recovers_the_lens(
    checkerboard_views: list[np.ndarray], tmp_path: Path
) -> None:
    profile = cal.calibrate_checkerboard(checkerboard_views, pattern=(9, 6), square_m=0.03, name="synthetic")
    assert profile.rms_px < 0.5
    np.testing.assert_allclose(profile.camera_matrix[[0, 1], [0, 1]], [600.0, 600.0], rtol=0.02)
    np.testing.assert_allclose(profile.camera_matrix[:2, 2], [322.0, 238.0], atol=6.0)
    assert profile.dist_coeffs[0] == pytest.approx(-0.28, abs=0.05)
    # Undistorting with the measured profile matches the true one (about 12 px of correction there).
    corners = np.array([[120.0, 100.0], [520.0, 380.0], [320.0, 240.0]])  # where the board was seen
    truth = cal.undistort_points(
        corners, cal.CameraProfile(camera_matrix=K, dist_coeffs=DIST, image_size_px=(640, 480))
    )
    np.testing.assert_allclose(cal.undistort_points(corners, profile), truth, atol=0.5)
    # And the profile survives a JSON round trip under calibration/-like paths.
    path = cal.save_camera_profile(profile, tmp_path / "calibration" / "phone.camera.json")
    loaded = cal.load_camera_profile(path)
    np.testing.assert_allclose(loaded.camera_matrix, profile.camera_matrix)
    np.testing.assert_allclose(loaded.dist_coeffs, profile.dist_coeffs)
    assert loaded.image_size_px == (640, 480)
    assert loaded.name == "synthetic"


def test_checkerboard_not_found_is_a_clear_error() -> None:
    blank = [np.full((480, 640), 200, np.uint8)] * 3
    with pytest.raises(CalibrationError, match="found in 0 of 3 images"):
        cal.calibrate_checkerboard(blank, pattern=(9, 6), square_m=0.03)


def test_a_file_that_is_not_a_profile_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"camera_matrix": [[1, 0, 0], [0, 1, 0], [0, 0, 1]]}', encoding="utf-8")
    with pytest.raises(CalibrationError, match="not a vbt camera profile"):
        cal.load_camera_profile(path)


def test_pixels_to_metres_undistorts_with_a_profile() -> None:
    profile = cal.CameraProfile(camera_matrix=K, dist_coeffs=DIST, image_size_px=(640, 480))
    ideal = np.array([[40.0, 60.0], [600.0, 420.0]])
    rays = np.column_stack([(ideal - K[:2, 2]) / K[0, 0], np.ones(2)])
    distorted, _ = cv2.projectPoints(rays, np.zeros(3), np.zeros(3), K, DIST)
    calibration = cal.Calibration(metres_per_px=0.001, method="plate", camera=profile)
    xy_m = cal.pixels_to_metres(distorted.reshape(-1, 2), calibration)
    np.testing.assert_allclose(xy_m, np.column_stack([ideal[:, 0], -ideal[:, 1]]) * 0.001, atol=1e-4)


# --- the printable marker sheet -------------------------------------------------------------------


def test_marker_sheet_prints_to_size_and_is_readable(tmp_path: Path) -> None:
    out = tmp_path / "sheet.png"
    assert cal.main(["marker-sheet", str(out), "--side-mm", "40"]) == 0
    data = out.read_bytes()
    assert data[37:41] == b"pHYs"
    assert int.from_bytes(data[41:45], "big") == round(300 / 0.0254)  # pixels per metre
    page = cv2.imread(str(out), cv2.IMREAD_GRAYSCALE)
    assert page.shape == (3508, 2480)  # A4 at 300 dpi
    detector = cv2.aruco.ArucoDetector(cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50))
    small = cv2.resize(page, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    corners, ids, _ = detector.detectMarkers(small)
    assert ids is not None
    assert sorted(ids.ravel().tolist())[:3] == [0, 1, 2]
    side_px = np.mean([np.hypot(*(c[0, 0] - c[0, 1])) for c in corners]) * 2
    assert side_px / 300 * 25.4 == pytest.approx(40.0, abs=0.3)  # millimetres on paper


def test_marker_sheet_bad_dictionary_exits_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cal.main(["marker-sheet", str(tmp_path / "x.png"), "--dictionary", "DICT_NOPE"]) == 2
    assert "unknown ArUco dictionary" in capsys.readouterr().err
