// The history page (/athletes/{id}/history?exercise=): best velocity per set over time and the
// load-velocity profile (from /api/athletes/{id}/profile when the server has it, else fitted here).
// Under them, the athlete's power-clean plan (/api/athletes/{id}/plan) when there is one: its weeks,
// each session's date, prescription, load status and why it moved or was refused.

import { ApiError, el, exerciseName, fmt, fmtDate, getJson, idFromPath, hasEndpoint, showError } from "./api.js";
import { drawLine, drawScatter, redrawOnResize } from "./chart.js";
import { setUpKeyRuns, setUpMaxes } from "./coach.js";
import { labelColumns } from "./tables.js";
import { liftOf, linearFit, loadLifts, velocityWord as liftVelocityWord } from "./stats.js";

const $ = (id) => document.getElementById(id);
let lifts = null; // the lift catalogue (GET /api/lifts), loaded by main

/** The velocity a set is judged by: its lift's one velocity (peak for the Olympic pulls and the
 * jerk, mean otherwise; the catalogue's velocity_kind). */
function setVelocity(item) {
  return velocityWord(item.exercise) === "peak" ? item.best_peak_velocity_m_s : item.best_mean_velocity_m_s;
}

function velocityWord(exercise) {
  return liftVelocityWord(liftOf(lifts, exercise));
}

function exerciseLinks(athleteId, exercises, current) {
  $("exercises").replaceChildren(
    ...exercises.map((exercise) => el("a", {
      href: `/athletes/${athleteId}/history?exercise=${encodeURIComponent(exercise)}`,
      "aria-current": exercise === current ? "page" : null,
      style: exercise === current ? "font-weight: 800; text-decoration: none" : null,
    }, exerciseName(exercise))),
  );
}

const LIGHT = [0x56, 0xb4, 0xe9];
const HEAVY = [0xe6, 0x9f, 0x00];

/** A colour from LIGHT (the lightest load) to HEAVY (the heaviest) for `load` in [lo, hi]. */
function loadColor(load, lo, hi) {
  const t = hi > lo ? (load - lo) / (hi - lo) : 1;
  const rgb = LIGHT.map((c, i) => Math.round(c + (HEAVY[i] - c) * t));
  return `#${rgb.map((c) => c.toString(16).padStart(2, "0")).join("")}`;
}

function drawTrend(items, exercise) {
  const points = items
    .map((item) => ({ item, x: new Date(item.performed_at).getTime(), y: setVelocity(item) }))
    .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const svg = $("trend-chart");
  if (!points.length) {
    svg.replaceChildren();
    return;
  }
  let [lo, hi] = [Math.min(...points.map((p) => p.x)), Math.max(...points.map((p) => p.x))];
  if (hi === lo) {
    lo -= 86400000;
    hi += 86400000;
  }
  const pad = (hi - lo) * 0.05;
  const loads = points.map((p) => p.item.load_kg);
  const [lightest, heaviest] = [Math.min(...loads), Math.max(...loads)];
  const ticks = Array.from({ length: 4 }, (_, i) => lo + ((hi - lo) * i) / 3);
  drawLine(svg, {
    points: points.map((p) => ({
      x: p.x,
      y: p.y,
      color: loadColor(p.item.load_kg, lightest, heaviest),
      title: `${fmtDate(p.item.performed_at)}: ${fmt(p.y)} m/s at ${fmt(p.item.load_kg, 1)} kg`,
    })),
    xRange: [lo - pad, hi + pad],
    xTicks: ticks.map((t) => ({ value: t, label: fmtDate(new Date(t).toISOString(), { time: false }) })),
    yRange: [Math.min(...points.map((p) => p.y)) * 0.9, Math.max(...points.map((p) => p.y)) * 1.06],
    yLabel: `best ${velocityWord(exercise)} m/s`,
    yFormat: (v) => v.toFixed(2),
    aspect: 1.6,
    connect: false,
  });
  $("legend").replaceChildren(
    el("span", { style: `--c: ${loadColor(lightest, lightest, heaviest)}` }, `${fmt(lightest, 1)} kg`),
    el("span", { style: `--c: linear-gradient(90deg, ${loadColor(lightest, lightest, heaviest)}, ${loadColor(heaviest, lightest, heaviest)})` }, "load"),
    el("span", { style: `--c: ${loadColor(heaviest, lightest, heaviest)}` }, `${fmt(heaviest, 1)} kg`),
  );
}

/** The profile line: the server's when it has the endpoint, else a least-squares fit here. */
async function profileLine(athleteId, exercise, items) {
  if (await hasEndpoint("/api/athletes/{id}/profile")) {
    try {
      const profile = await getJson(`/api/athletes/${athleteId}/profile?exercise=${encodeURIComponent(exercise)}`);
      const slope = profile.slope_m_s_per_unit ?? profile.slope_m_s_per_kg ?? profile.slope;
      const intercept = profile.intercept_m_s ?? profile.intercept;
      if (Number.isFinite(slope) && Number.isFinite(intercept)) {
        const points = (profile.points ?? [])
          .map((p) => ({ load_kg: p.load_kg, velocity_m_s: p.velocity_m_s }))
          .filter((p) => Number.isFinite(p.load_kg) && Number.isFinite(p.velocity_m_s));
        const source = profile.one_rm?.source;
        const oneRm = profile.one_rm?.display
          ? `1RM ${profile.one_rm.display}${source && !profile.one_rm.display.includes(source) ? ` (${source})` : ""}`
          : profile.one_rm_problem ?? null;
        return {
          line: { slope, intercept },
          source: "server",
          r2: profile.r_squared ?? profile.r2 ?? null,
          n: profile.n_sets ?? profile.n ?? null,
          points: points.length ? points : null,
          oneRm,
        };
      }
    } catch (err) {
      // the service explains why there is no profile (too few sets, a flat profile, ...)
      if (err instanceof ApiError && err.status >= 400 && err.status < 500) return { line: null, message: err.message };
      throw err;
    }
  }
  const fit = linearFit(items.map((i) => i.load_kg), items.map(setVelocity));
  if (!fit) return { line: null, message: "A profile needs sets at two or more different loads." };
  return { line: fit, source: "client", r2: fit.r2, n: fit.n };
}

async function drawProfile(athleteId, exercise, items) {
  const usable = items.filter((i) => Number.isFinite(setVelocity(i)) && Number.isFinite(i.load_kg));
  const result = await profileLine(athleteId, exercise, usable);
  // the server's points when its profile is drawn (its line is fitted to them), else the sets'
  const points = result.points
    ? result.points.map((p) => ({ x: p.load_kg, y: p.velocity_m_s, title: `${fmt(p.load_kg, 1)} kg: ${fmt(p.velocity_m_s)} m/s` }))
    : usable.map((i) => ({
      x: i.load_kg,
      y: setVelocity(i),
      title: `${fmt(i.load_kg, 1)} kg: ${fmt(setVelocity(i))} m/s (${fmtDate(i.performed_at, { time: false })})`,
    }));
  const draw = () =>
    drawScatter($("profile-chart"), {
      points,
      line: result.line,
      xLabel: "load (kg)",
      yLabel: `best ${velocityWord(exercise)} m/s`,
      yFormat: (v) => v.toFixed(2),
    });
  redrawOnResize($("profile-chart").parentElement, draw);
  const text = $("profile-text");
  if (result.line) {
    const sign = result.line.slope < 0 ? "−" : "+";
    const parts = [
      `v = ${fmt(result.line.intercept)} ${sign} ${fmt(Math.abs(result.line.slope), 4)} × load`,
      `r² = ${fmt(result.r2)}`,
      `n = ${result.n ?? points.length} sets`,
    ];
    if (result.oneRm) parts.push(result.oneRm);
    if (result.source === "client") parts.push("least-squares fit of these sets");
    text.textContent = parts.join("  ·  ");
  } else {
    text.textContent = result.message;
  }
  $("profile-chart").dataset.fit = result.line ? result.source : "none";
}

function fillTable(items) {
  const rows = [...items].reverse().map((i) => el("tr", {},
    el("td", {}, fmtDate(i.performed_at)),
    el("td", {}, fmt(i.load_kg, 1)),
    el("td", {}, String(i.rep_count), i.failed_rep_count ? ` (+${i.failed_rep_count} failed)` : "",
      i.suspect_rep_count ? ` (+${i.suspect_rep_count} suspect, not counted)` : ""),
    el("td", {}, fmt(i.best_mean_velocity_m_s)),
    el("td", {}, fmt(i.best_peak_velocity_m_s)),
    el("td", {}, fmt(i.velocity_loss_pct, 1)),
    el("td", {}, el("a", { href: `/sets/${i.set_id}` }, `#${i.set_id}`)),
  ));
  $("sets-table").tBodies[0].replaceChildren(...rows);
  labelColumns($("sets-table"));
}

const LOAD_STATUS = {
  past: "done",
  next: "next (earned)",
  projected: "projected",
  none: "—",
};

/** "3 × 2 @ 40 kg" for a planned exercise. */
function prescription(exercise, unit) {
  const load = typeof exercise.load === "number" ? ` @ ${fmt(exercise.load, exercise.load % 1 ? 1 : 0)} ${unit}` : "";
  return `${exercise.sets} × ${exercise.reps}${load}`;
}

function planRows(plan) {
  const rows = [];
  for (const week of plan.weeks) {
    week.sessions.forEach((session, i) => {
      const clean = session.exercises.find((e) => e.name === "power_clean") ?? session.exercises[0] ?? null;
      const others = session.exercises.filter((e) => e !== clean);
      const paired = others.map((e) => `${exerciseName(e.name)} ${prescription(e, plan.unit)}`
        + (e.name === clean?.superset_with ? " (superset)" : "")).join(", ");
      const reason = session.reason ?? "";
      const schedule = session.status === "planned" ? "as planned"
        : reason.startsWith(session.status) ? reason // "moved from ..." says it already
          : `${session.status}${reason ? `: ${reason}` : ""}`;
      rows.push(el("tr", { "data-status": session.status, "data-load-status": session.load_status },
        el("td", {}, i === 0 ? `Week ${week.week}` : ""),
        el("td", {}, fmtDate(session.when)),
        el("td", {}, session.status === "refused" || !clean ? "—" : prescription(clean, plan.unit)),
        el("td", { class: "with" }, paired || "—"),
        el("td", {}, LOAD_STATUS[session.load_status] ?? session.load_status),
        el("td", { class: "why" }, schedule),
      ));
    });
  }
  return rows;
}

/** The athlete's power-clean plan under the profile, when the server has plans and this athlete one. */
async function showPlan(athleteId) {
  if (!(await hasEndpoint("/api/athletes/{id}/plan"))) return;
  let plan;
  try {
    plan = await getJson(`/api/athletes/${athleteId}/plan`);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return; // no plan for this athlete
    throw err;
  }
  const unit = plan.unit;
  const parts = [`Current load ${fmt(plan.current_load, plan.current_load % 1 ? 1 : 0)} ${unit}`];
  if (typeof plan.one_rm === "number") parts.push(`1RM ${fmt(plan.one_rm, 1)} ${unit} (${plan.one_rm_source})`);
  parts.push(`${plan.weeks.length} weeks from ${fmtDate(`${plan.settings.start_date}T00:00:00`, { time: false })}`);
  if (plan.blocked_by.length) parts.push(`waiting for: ${plan.blocked_by.join(", ")}`);
  parts.push(...plan.notes);
  $("plan-text").textContent = parts.join("  ·  ");
  const rows = planRows(plan);
  $("plan-table").tBodies[0].replaceChildren(
    ...(rows.length ? rows : [el("tr", {}, el("td", { colspan: 6, class: "empty" }, "No sessions: the plan waits for its prerequisites."))]),
  );
  labelColumns($("plan-table"));
  $("plan-panel").classList.remove("hidden");
}

async function main() {
  const athleteId = idFromPath("/athletes/");
  if (athleteId === null) {
    showError($("error"), "This address names no athlete; pick one on the start page.");
    return;
  }
  try {
    lifts = await loadLifts();
    const athlete = await getJson(`/api/athletes/${athleteId}`);
    const all = await getJson(`/api/athletes/${athleteId}/sets`);
    const counts = new Map();
    for (const item of all) counts.set(item.exercise, (counts.get(item.exercise) ?? 0) + 1);
    const exercises = [...counts.keys()].sort();
    const asked = new URLSearchParams(window.location.search).get("exercise");
    const exercise = asked ?? [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
    document.title = `${athlete.name} · history · vbt`;
    $("title").textContent = `${athlete.name}${exercise ? ` · ${exerciseName(exercise)}` : ""}`;
    exerciseLinks(athleteId, exercises, exercise);
    const planChanged = () => showPlan(athleteId);
    await Promise.all([showPlan(athleteId), setUpMaxes(athleteId, exercise, planChanged), setUpKeyRuns(athleteId, planChanged)]);
    if (!exercise || !counts.has(exercise)) {
      showError($("error"), exercise
        ? `${athlete.name} has no ${exerciseName(exercise).toLowerCase()} sets yet.`
        : `${athlete.name} has no sets yet; record a session first.`);
      return;
    }
    const items = all.filter((i) => i.exercise === exercise);
    $("trend-title").textContent = `Best ${velocityWord(exercise)} velocity per set over time`;
    redrawOnResize($("trend-chart").parentElement, () => drawTrend(items, exercise));
    fillTable(items);
    await drawProfile(athleteId, exercise, items);
  } catch (err) {
    showError($("error"), err);
  }
}

main();
