// Numbers for the pages: the lifts' velocity zones (served), the running velocity loss of a set, a
// least-squares line. No DOM here, so the end-to-end tests can check these with known answers in the
// browser.

/**
 * The lift catalogue, each lift with its one velocity and its velocity zones and their colours, as
 * the server defines them (`GET /api/lifts`, from vbt.report.style): the plot, the annotated video,
 * the terminal and these pages share one zone table and one palette, never written twice here.
 * Fetched once per page.
 *
 * @returns a promise of {lifts: Map(lift -> {lift, label, velocity_kind, zones, ...}), palette:
 *          {failed, suspect, no_zone}}; each zone {name, min_m_s, max_m_s, color}, open ends infinite
 */
let catalogue = null;
export function loadLifts() {
  catalogue ??= fetch("/api/lifts", { headers: { Accept: "application/json" } })
    .then((response) => {
      if (!response.ok) throw new Error(`GET /api/lifts: ${response.status}`);
      return response.json();
    })
    .then((body) => ({
      palette: body.palette,
      lifts: new Map(body.lifts.map((lift) => [lift.lift, { ...lift, zones: lift.zones.map(toZone) }])),
    }));
  return catalogue;
}

function toZone(zone) {
  return {
    name: zone.name.charAt(0).toUpperCase() + zone.name.slice(1),
    min_m_s: zone.min_m_s ?? -Infinity,
    max_m_s: zone.max_m_s ?? Infinity,
    color: zone.color,
  };
}

/** The catalogue entry of an exercise ("squat"), or null when the catalogue does not know it. */
export function liftOf(lifts, exercise) {
  return lifts?.lifts.get(exercise) ?? null;
}

/**
 * The one velocity a rep is shown and judged by for its lift: peak for the Olympic pulls and the
 * jerk, mean for the rest (vbt.lifts.velocity_kind; the catalogue's `velocity_kind`).
 */
export function velocityKey(lift) {
  return `${velocityWord(lift)}_velocity_m_s`;
}

/** "peak" or "mean": the word of the lift's one velocity (mean when the catalogue does not know it). */
export function velocityWord(lift) {
  return lift?.velocity_kind === "peak" ? "peak" : "mean";
}

/** The zone of a velocity (m/s) among `zones` (a lift's, from loadLifts), or null (not a number). */
export function zoneFor(velocity_m_s, zones) {
  if (typeof velocity_m_s !== "number" || !Number.isFinite(velocity_m_s)) return null;
  return (zones ?? []).find((z) => velocity_m_s >= z.min_m_s && velocity_m_s < z.max_m_s) ?? null;
}

/** A zone's span as a legend shows it ("0.50-0.75", "< 0.50", "≥ 1.30"), m/s. */
export function zoneSpan(zone) {
  if (zone.min_m_s === -Infinity) return `< ${zone.max_m_s.toFixed(2)}`;
  if (zone.max_m_s === Infinity) return `≥ ${zone.min_m_s.toFixed(2)}`;
  return `${zone.min_m_s.toFixed(2)}-${zone.max_m_s.toFixed(2)}`;
}

/** True for a rep that counts in the set's velocity figures (as the core's summarize_set). */
export function isCounted(rep) {
  return rep.status === "ok" && typeof rep.mean_velocity_m_s === "number" && Number.isFinite(rep.mean_velocity_m_s);
}

/**
 * Velocity loss after each rep, in percent, as the service's set summary defines it for the last
 * rep: (fastest mean velocity so far - this rep's) / fastest so far * 100, over counted reps.
 *
 * @param reps - reps in order, each {status, mean_velocity_m_s} (or the `key` velocity)
 * @param key - the velocity to use: "mean_velocity_m_s" (default) or "peak_velocity_m_s" (the
 *              Olympic lifts' stop-set cue)
 * @returns an array as long as `reps`: the loss after that rep, or null for a rep not counted
 *          (failed, no velocity) or when the fastest so far is not positive
 */
export function runningVelocityLossPct(reps, key = "mean_velocity_m_s") {
  let best = -Infinity;
  return reps.map((rep) => {
    const v = rep[key];
    if (rep.status !== "ok" || typeof v !== "number" || !Number.isFinite(v)) return null;
    best = Math.max(best, v);
    return best > 0 ? ((best - v) / best) * 100 : null;
  });
}

/**
 * What to tell the lifter after the last rep, for a velocity-loss stop threshold (percent), on the
 * `key` velocity (the lift's, `velocityKey`).
 *
 * @returns {level: "none" | "go" | "near" | "stop", loss_pct}; "near" from 75 % of the threshold
 */
export function stopCue(reps, threshold_pct, key = "mean_velocity_m_s") {
  const losses = runningVelocityLossPct(reps, key).filter((x) => x !== null);
  if (!losses.length || !(threshold_pct > 0)) return { level: "none", loss_pct: null };
  const loss_pct = losses[losses.length - 1];
  if (loss_pct >= threshold_pct) return { level: "stop", loss_pct };
  if (loss_pct >= 0.75 * threshold_pct) return { level: "near", loss_pct };
  return { level: "go", loss_pct };
}

/**
 * Ordinary least squares y = intercept + slope * x over the finite pairs.
 *
 * @returns {slope, intercept, r2, n} or null with fewer than two distinct x
 */
export function linearFit(xs, ys) {
  const pairs = [];
  for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
    if (Number.isFinite(xs[i]) && Number.isFinite(ys[i])) pairs.push([xs[i], ys[i]]);
  }
  const n = pairs.length;
  if (n < 2) return null;
  const mx = pairs.reduce((s, p) => s + p[0], 0) / n;
  const my = pairs.reduce((s, p) => s + p[1], 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const [x, y] of pairs) {
    sxx += (x - mx) ** 2;
    sxy += (x - mx) * (y - my);
    syy += (y - my) ** 2;
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
  return { slope, intercept, r2, n };
}
