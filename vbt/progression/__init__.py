"""Progression: load-velocity profiles, 1RM estimates, zones, autoregulation and the runner's plan.

Pure functions over the core's numbers; the service stores and serves what they compute.

- :mod:`~vbt.progression.profile`: ``fit_profile`` (regression or two-point), ``LoadVelocityProfile``
- :mod:`~vbt.progression.one_rm`: ``estimate_one_rm``, minimal velocity thresholds (literature defaults,
  per-athlete overrides, learned from a tested 1RM)
- :mod:`~vbt.progression.zones`: velocity zones per exercise
- :mod:`~vbt.progression.rules`: ``next_set_load``, plate rounding, ``stop_set_cue``, readiness
- :mod:`~vbt.progression.recommend`: ``recommend``, the next set's load from the plan or the profile
- :mod:`~vbt.progression.program`, :mod:`~vbt.progression.schedule`: the power-clean plan for runners
"""

from vbt.progression.one_rm import (
    DEFAULT_MVT,
    MinimalVelocityThreshold,
    OneRmEstimate,
    default_mvt,
    estimate_one_rm,
    mvt_from_tested_one_rm,
    mvt_override,
)
from vbt.progression.profile import (
    FitMethod,
    LoadVelocityProfile,
    OutsideProfileError,
    ProfilePoint,
    ProfileShapeError,
    VelocityKind,
    best_rep_velocity,
    fit_profile,
    velocity_kind_for,
)
from vbt.progression.rules import (
    VELOCITY_LOSS_THRESHOLD_PCT,
    Goal,
    LoadRecommendation,
    Readiness,
    StopSetCue,
    next_set_load,
    plates_per_side,
    readiness_adjustment,
    round_to_plates,
    stop_set_cue,
)
from vbt.progression.units import LoadUnit
from vbt.progression.zones import Zone, ZoneTable, default_zones, zone_table

__all__ = [
    "DEFAULT_MVT",
    "VELOCITY_LOSS_THRESHOLD_PCT",
    "FitMethod",
    "Goal",
    "LoadRecommendation",
    "LoadUnit",
    "LoadVelocityProfile",
    "MinimalVelocityThreshold",
    "OneRmEstimate",
    "OutsideProfileError",
    "ProfilePoint",
    "ProfileShapeError",
    "Readiness",
    "StopSetCue",
    "VelocityKind",
    "Zone",
    "ZoneTable",
    "best_rep_velocity",
    "default_mvt",
    "default_zones",
    "estimate_one_rm",
    "fit_profile",
    "mvt_from_tested_one_rm",
    "mvt_override",
    "next_set_load",
    "plates_per_side",
    "readiness_adjustment",
    "round_to_plates",
    "stop_set_cue",
    "velocity_kind_for",
    "zone_table",
]
