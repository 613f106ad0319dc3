"""What a barbell can do in each lift: the bounds outside which a number is a measuring error.

These are limits of the lifts, not of good technique: a rep outside them was not measured right
(usually the scale, sometimes the track), whoever lifted it. Each bound lies beyond the extremes
published for the lift, so a real rep never trips it:

- Mean concentric velocity: the fastest full squats, bench presses and deadlifts (20-30 % of 1RM)
  average 1.2-1.6 m/s (Gonzalez-Badillo & Sanchez-Medina 2010, Int J Sports Med 31:347, bench;
  Sanchez-Medina et al. 2017, Sports Med Int Open 1:E80, squat; Moran-Navarro et al. 2021, Eur J
  Appl Physiol 121:2283, deadlift). Olympic pulls (lift-off to peak height) average about 1 m/s
  with competition loads.
- Peak vertical bar velocity: 1.7-2.2 m/s in competition snatches, 1.4-1.9 m/s in cleans (Garhammer
  1985, Int J Sport Biomech 1:122; Garhammer 1993, J Appl Sport Sci Res 7:76), 1.4-1.9 m/s in the
  jerk's drive (Grabe & Widule 1988, Res Q Exerc Sport 59:1); light hang power snatches reach about
  2.5 m/s; a loaded squat, press or pull whose feet stay down stays under the take-off velocity of a
  jump (~2.5-3 m/s; the load-velocity ranges reviewed by Weakley et al. 2021, Strength Cond J
  43:31, lie well under it). Every lift's peak bound is 2.8 m/s: a tenth above the light snatches, beyond the
  competition lifts by a quarter. A peak under it may still exceed it within the track's noise
  (`vbt.kinematics.noise`; `vbt.quality.motion.uncertain_peaks`).
- Range of motion, from the body: the bar can travel no further than the limb that moves it. For
  a 2.0 m lifter (Drillis & Contini 1966 proportions; Winter 2009, fig. 4.1): a squat moves the
  shoulders by at most the hips' drop from standing (0.53 H) to a full squat (about 0.12 H): 0.82 m;
  a press moves the bar by at most the arm (0.33 H): 0.66 m; a deadlift from the plate's radius
  (0.225 m) to the wrists' height standing (0.485 H): 0.75 m; a pull from lift-off to the highest
  bar in a snatch (about 0.78 H): 1.34 m. The bounds add 10 % for reach and posture.
- The lifts added later follow the same arithmetic, in `vbt.lifts` beside each lift: a front
  squat moves like a squat; a row and an overhead press by at most the arm; a push press and a jerk
  add the dip (at most 0.1 H) to the arm: 0.86 m; a Romanian deadlift stays within the deadlift's
  range; a hip thrust raises the hips by at most the thigh (0.245 H): 0.49 m; the clean and jerk's
  pull is a clean's.
- Duration: a concentric grinder lasts up to about 8 s (a stalled bench press at a 1RM); a pull
  from the floor lasts 0.6-1.2 s, a hang pull 0.25 s and more.
"""

from __future__ import annotations

from vbt.lifts import CATALOGUE, LiftLimits
from vbt.types import Lift

__all__ = ["LIFT_LIMITS", "LiftLimits"]

#: Each lift's bounds, from the catalogue (`vbt.lifts`).
LIFT_LIMITS: dict[Lift, LiftLimits] = {lift: spec.limits for lift, spec in CATALOGUE.items()}
