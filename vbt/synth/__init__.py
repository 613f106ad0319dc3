"""Synthetic lifts with exact answers, for accuracy tests and benchmarks.

The bar's vertical velocity is a piecewise cubic Hermite curve built knot by knot (each segment
monotone); position is its exact antiderivative. Rep boundaries, peak velocity, the catch and the
joints' peak extension are knots, so the truth is exact by construction, not measured from samples.

>>> from vbt.synth import generate_set, Sampling
>>> s = generate_set("power_clean", n_reps=3, seed=1, sampling=Sampling(fps=60.0))
>>> s.truth["set"]["rep_count"]
3

Truth (``SynthSet.truth``, JSON-serialisable): ``lift``, ``load_kg``, ``sampling``, ``seed``, ``options``,
``duration_s``, ``body``; ``reps`` (per rep: index, status, start_s, end_s, mean_velocity_m_s,
mean_propulsive_velocity_m_s, propulsive_duration_s, peak_velocity_m_s, time_to_peak_velocity_s,
range_of_motion_m, duration_s, horizontal_excursion_m, mean_power_w, peak_power_w, peak_height_m,
catch_height_m, catch_s, triple_extension); ``set`` (rep_count, failed_rep_count, best/first/last mean
velocity, velocity_loss_pct, velocity_loss_from_first_pct); ``ghosts`` (kind, start_s, end_s: movements
that are not reps: walkout, rerack, bounce, partial, recovery, lowering).
"""

from vbt.synth.generate import CORPUS_RATES, SYNTH_LIFTS, SynthSet, generate_corpus, generate_set
from vbt.synth.io import write_set
from vbt.synth.joints import ANGLE_NAMES
from vbt.synth.plans import GHOST_KINDS
from vbt.synth.sampling import NTSC_FPS, Sampling

__all__ = [
    "ANGLE_NAMES",
    "CORPUS_RATES",
    "GHOST_KINDS",
    "NTSC_FPS",
    "SYNTH_LIFTS",
    "Sampling",
    "SynthSet",
    "generate_corpus",
    "generate_set",
    "write_set",
]
