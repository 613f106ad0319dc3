"""The per-frame transforms applied: positions in the scene's pixels, scenes split at cuts, and a
summary of how the camera moved for the report.

Pure functions of parallel arrays (``N`` frames): ``to_scene_px`` (N, 2, 3) as in
``CameraEstimate.to_scene_px`` (NaN where not measured) and ``status`` (N,) ``CameraStatus`` values.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt

from vbt.capture.camera.types import CameraStatus, identity_transform
from vbt.types import FloatArray

IntArray = npt.NDArray[np.int64]


def scene_index(status: npt.ArrayLike) -> IntArray:
    """(N,) which scene each frame belongs to: 0 up to the second ``REFERENCE`` (the first cut), 1
    up to the next, and so on (frames before the first reference belong to scene 0)."""
    references = np.asarray(status) == CameraStatus.REFERENCE
    return np.asarray(np.maximum(np.cumsum(references) - 1, 0), dtype=np.int64)


def cut_index(status: npt.ArrayLike) -> IntArray:
    """Indices of the frames that start a new scene after the first: the cuts."""
    references = np.flatnonzero(np.asarray(status) == CameraStatus.REFERENCE)
    return np.asarray(references[1:], dtype=np.int64)


def filled_transforms(t_s: FloatArray, to_scene_px: FloatArray, status: npt.ArrayLike) -> FloatArray:
    """(N, 2, 3) every frame's transform to its scene, frames not measured filled in.

    Within a scene, a frame whose motion could not be measured gets its entries interpolated
    linearly in time between the measured frames around it (held from the nearest one before the
    first and after the last): exact for a still camera and for a steady pan, and off by the
    camera's departure from a straight path over the gap otherwise (``camera_summary`` reports
    how many frames that concerns). A scene without any measured frame is taken as still
    (identity). Nothing is interpolated across a cut.
    """
    out = np.array(to_scene_px, dtype=np.float64, copy=True).reshape(-1, 2, 3)
    scenes = scene_index(status)
    known: npt.NDArray[np.bool_] = np.asarray(np.isfinite(out).all(axis=(1, 2)))
    for scene in np.unique(scenes):
        rows = np.flatnonzero(scenes == scene)
        have = rows[known[rows]]
        missing = rows[~known[rows]]
        if missing.size == 0:
            continue
        if have.size == 0:
            out[missing] = identity_transform()
            continue
        flat = out[have].reshape(have.size, 6)
        filled = np.column_stack([np.interp(t_s[missing], t_s[have], flat[:, k]) for k in range(6)])
        out[missing] = filled.reshape(-1, 2, 3)
    return out


def to_scene_xy(to_scene_px: FloatArray, xy_px: FloatArray) -> FloatArray:
    """(N, ..., 2) points of each frame (first axis) in its scene's pixels; NaN points stay NaN."""
    n = to_scene_px.shape[0]
    if xy_px.shape[0] != n or xy_px.shape[-1] != 2:
        raise ValueError(f"xy_px must have shape ({n}, ..., 2) like the transforms, got {xy_px.shape}")
    flat = xy_px.reshape(n, -1, 2)
    linear, shift = to_scene_px[:, :, :2], to_scene_px[:, :, 2]
    out = np.einsum("nij,nkj->nki", linear, flat) + shift[:, None, :]
    return np.asarray(out.reshape(xy_px.shape), dtype=np.float64)


def scene_scale(to_scene_px: FloatArray) -> FloatArray:
    """(N,) how much a length in each frame grows in its scene's pixels (a similarity's scale)."""
    linear = to_scene_px[:, :, :2]
    return np.asarray(np.sqrt(np.abs(np.linalg.det(linear))), dtype=np.float64)


def camera_summary(
    t_s: FloatArray, to_scene_px: FloatArray, status: npt.ArrayLike, *, size_px: tuple[int, int] | None
) -> dict[str, Any]:
    """How the camera moved over a clip, for the report's ``camera`` section (see its keys below).

    Keys:
        measured: whether a motion estimator ran (False: the camera was taken as still).
        moved_px: the farthest the picture's centre got from where it was in its scene's reference
            frame, video pixels (0 on a tripod; null when nothing was measured).
        moved_fraction: that shift as a fraction of the frame, the larger of its horizontal share
            of the width and its vertical share of the height.
        travel_px: the centre's path length over the clip (summed frame to frame within scenes);
            much more than ``moved_px`` means shaking rather than panning.
        rotated_deg: the largest rotation from the reference frame, degrees.
        zoom_fraction: the largest change of scale from the reference frame (0.05: 5 %).
        unknown_frames, unknown_fraction: frames whose motion could not be measured (their
            transform is interpolated from the frames around them).
        longest_unknown_s: the longest run of such frames, seconds.
        cuts_t_s: times of the cuts (the view changed beyond following; positions on either side
            are not joined).
    """
    status = np.asarray(status)
    n = int(status.shape[0])
    measured = bool(n) and bool(np.any(status != CameraStatus.ASSUMED))
    unknown = status == CameraStatus.UNKNOWN
    cuts = cut_index(status)
    section: dict[str, Any] = {
        "measured": measured,
        "moved_px": None,
        "moved_fraction": None,
        "travel_px": None,
        "rotated_deg": None,
        "zoom_fraction": None,
        "unknown_frames": int(unknown.sum()),
        "unknown_fraction": round(float(unknown.mean()), 4) if n else None,
        "longest_unknown_s": round(_longest_run_s(t_s, unknown), 3),
        "cuts_t_s": [round(float(t_s[i]), 3) for i in cuts],
    }
    known = np.isfinite(to_scene_px).all(axis=(1, 2)) & (status != CameraStatus.ASSUMED)
    if not measured or not known.any() or size_px is None:
        return section
    width, height = size_px
    centre = np.array([(width - 1) / 2.0, (height - 1) / 2.0])
    shift = to_scene_xy(to_scene_px, np.broadcast_to(centre, (n, 2)).copy()) - centre
    scenes = scene_index(status)
    steps = np.hypot(*np.diff(shift, axis=0).T)
    same = known[1:] & known[:-1] & (scenes[1:] == scenes[:-1])
    angle = np.degrees(np.arctan2(to_scene_px[:, 1, 0], to_scene_px[:, 0, 0]))
    section.update(
        moved_px=round(float(np.max(np.hypot(*shift[known].T))), 2),
        moved_fraction=round(
            float(max(np.max(np.abs(shift[known, 0])) / width, np.max(np.abs(shift[known, 1])) / height)), 4
        ),
        travel_px=round(float(steps[same].sum()), 1),
        rotated_deg=round(float(np.max(np.abs(angle[known]))), 3),
        zoom_fraction=round(float(np.max(np.abs(scene_scale(to_scene_px[known]) - 1.0))), 4),
    )
    return section


def _longest_run_s(t_s: FloatArray, flags: npt.NDArray[np.bool_]) -> float:
    """The longest time spanned by a run of flagged frames (a lone frame: one frame interval)."""
    if not flags.any():
        return 0.0
    step = float(np.median(np.diff(t_s))) if t_s.shape[0] > 1 else 0.0
    edges = np.diff(np.concatenate(([0], flags.astype(np.int8), [0])))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
    spans = [float(t_s[e] - t_s[s]) + step for s, e in zip(starts, ends, strict=True)]
    return max(spans) if spans and math.isfinite(max(spans)) else 0.0


def camera_warnings(section: dict[str, Any], *, max_gap_s: float) -> list[str]:
    """Sentences for a ``camera_summary`` a person should know about: cuts, and motion that could
    not be measured for longer than the analysis would bridge a gap in the bar's track
    (``max_gap_s``): over such a stretch the camera's path is a guess."""
    notes = []
    cuts = section["cuts_t_s"]
    if cuts:
        times = ", ".join(f"{t:.2f}" for t in cuts)
        notes.append(
            f"the view changes abruptly at {times} s (a cut, or a camera moved too fast to follow): "
            "the bar path is not joined across it"
        )
    if not section["measured"]:
        return notes
    longest = section["longest_unknown_s"]
    if section["moved_px"] is None:
        notes.append(
            "the camera's motion could not be measured (too little background in view); it was taken as still"
        )
    elif longest > max_gap_s:
        notes.append(
            f"the camera's motion could not be measured for up to {longest:.2f} s at a time "
            f"({100 * section['unknown_fraction']:.0f} % of the frames; too little background in view): "
            "positions there assume it moved steadily"
        )
    return notes
