"""Right, or marked doubtful: the checks that stand behind every number of a set, and its verdict.

- ``verdict``: ``Finding`` (what a check found, how much it matters, which reps), ``Quality`` (the
  set's ``good`` / ``doubtful`` / ``unusable`` and its reasons) and ``judge``;
- ``limits``: what a barbell can do in each lift (cited bounds);
- ``motion``: checks that need only the trajectory (run for every input, live mode included);
- ``capture``: checks that need what the camera saw (the plate in the picture, the lifter's body,
  the view, the scale), with ``holder`` (the plate moves with what holds the bar), ``stood`` (a
  failed squat the lifter stood up from) and ``lost`` (frames lost over a rep); their settings in
  ``settings``.

``vbt.analysis.with_findings`` applies findings to a set: the reps they name become ``suspect``
(kept, shown, never counted) and the verdict follows.
"""

from vbt.quality.verdict import Finding, Quality, Severity, Verdict, judge, suspect_reasons

__all__ = ["Finding", "Quality", "Severity", "Verdict", "judge", "suspect_reasons"]
