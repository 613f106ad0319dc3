// Pure numbers for the pages: velocity zones, the running velocity loss of a set, a least-squares
// line. No DOM here, so the end-to-end tests can check these with known answers in the browser.

/**
 * Mean-velocity training zones (m/s), slowest first: the five "traits" of Mann, Ivey & Sayers,
 * "Velocity-based training in football", Strength Cond J 37(6):52-57 (2015) (absolute strength
 * < 0.5, accelerative strength 0.5-0.75, strength-speed 0.75-1.0, speed-strength 1.0-1.3, starting
 * strength > 1.3). Colours: the Okabe-Ito palette, distinguishable with colour-vision deficiency,
 * each at >= 3:1 contrast on the dark background; every page also names the zone in text.
 */
export const ZONES = Object.freeze([
  { name: "Absolute strength", min_m_s: -Infinity, max_m_s: 0.5, color: "#E8743B" },
  { name: "Accelerative strength", min_m_s: 0.5, max_m_s: 0.75, color: "#E69F00" },
  { name: "Strength-speed", min_m_s: 0.75, max_m_s: 1.0, color: "#F0E442" },
  { name: "Speed-strength", min_m_s: 1.0, max_m_s: 1.3, color: "#2BB58C" },
  { name: "Starting strength", min_m_s: 1.3, max_m_s: Infinity, color: "#56B4E9" },
]);

/** Colour for a rep without a usable velocity (failed or unmeasured). */
export const NO_ZONE_COLOR = "#6e7781";

/** The zone of a mean velocity (m/s), or null when it is not a finite number. */
export function zoneFor(velocity_m_s) {
  if (typeof velocity_m_s !== "number" || !Number.isFinite(velocity_m_s)) return null;
  return ZONES.find((z) => velocity_m_s >= z.min_m_s && velocity_m_s < z.max_m_s) ?? null;
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
 * What to tell the lifter after the last rep, for a velocity-loss stop threshold (percent).
 *
 * @returns {level: "none" | "go" | "near" | "stop", loss_pct}; "near" from 75 % of the threshold
 */
export function stopCue(reps, threshold_pct) {
  const losses = runningVelocityLossPct(reps).filter((x) => x !== null);
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
