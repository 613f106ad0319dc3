// The set page (/sets/{id}): its reps and summary, and its annotated video when one exists.
//
// The video: `GET /api/sets/{id}/videos` (a list of the set's uploads) when the server has it; the
// first upload whose analysis is done and that has an `annotated_url` is shown; while one is queued
// or running, its progress is shown and polled. Without that endpoint, or without any upload, the
// video panel stays hidden.

import { el, exerciseName, fmt, fmtDate, getJson, idFromPath, hasEndpoint, showError, streamUrl, withSd } from "./api.js";
import { drawBars, redrawOnResize } from "./chart.js";
import { labelColumns } from "./tables.js";
import { liftOf, loadLifts, velocityKey, velocityWord, zoneFor, zoneSpan } from "./stats.js";

const $ = (id) => document.getElementById(id);
const VIDEO_POLL_MS = 2000; // while a video of the set is being analysed

function tile(label, value, unit) {
  return el("div", { class: "tile" }, el("div", { class: "k" }, label),
    el("div", { class: "v" }, value, unit ? el("small", {}, ` ${unit}`) : null));
}

function tripleExtension(te) {
  if (!te) return "—";
  const parts = [te.complete === null || te.complete === undefined ? "not all joints seen" : te.complete ? "complete" : "incomplete"];
  if (te.order?.length) parts.push(te.order.join("→"));
  if (Number.isFinite(te.spread_s)) parts.push(`${fmt(te.spread_s * 1000, 0)} ms`);
  if (te.double_knee_bend) parts.push("double knee bend");
  const unseen = Object.keys(te.unseen ?? {});
  if (unseen.length) parts.push(`${unseen.join(", ")} not measured`);
  return parts.join(", ");
}

/** A rep's status as the table shows it: suspect reps say why, on the row and in its tooltip. */
function statusCell(rep) {
  if (rep.status !== "suspect") {
    return el("td", {}, rep.status + (rep.provisional ? " (provisional)" : ""));
  }
  const why = (rep.suspect_reasons ?? []).join(" · ");
  return el("td", { class: "suspect", title: why },
    "suspect: not counted" + (rep.provisional ? " (provisional)" : ""),
    why ? el("div", { class: "why" }, why) : null);
}

/** The analysis's verdict on the set's numbers, above the reps, when a video of it was analysed. */
function showQuality(quality) {
  const box = $("quality");
  if (!box) return;
  if (!quality) {
    box.classList.add("hidden");
    return;
  }
  box.classList.remove("hidden");
  box.dataset.verdict = quality.verdict;
  box.replaceChildren(
    el("strong", {}, `Quality: ${quality.verdict}`),
    ...(quality.reasons ?? []).map((r) => el("div", { class: "why" }, r)),
    ...(quality.notes ?? []).map((r) => el("div", { class: "note" }, r)),
  );
}

/** The rep's colour and zone: its zone's on the lift's one velocity; the no-zone grey when not counted. */
function repZone(rep, lift, palette) {
  const zone = rep.status === "ok" ? zoneFor(rep[velocityKey(lift)], lift?.zones) : null;
  return { zone, color: zone ? zone.color : palette.no_zone };
}

function fillTable(reps, lift, palette, emptyText = "No reps stored for this set yet.") {
  const rows = reps.map((rep, i) => {
    const { color } = repZone(rep, lift, palette);
    return el("tr", { "data-status": rep.status, class: rep.provisional ? "provisional" : null },
      el("td", {}, el("span", { class: "swatch", style: `background: ${color}` }), String(i + 1)),
      statusCell(rep),
      el("td", {}, fmt(rep.mean_velocity_m_s)),
      el("td", {}, fmt(rep.mean_propulsive_velocity_m_s)),
      el("td", {}, withSd(rep.peak_velocity_m_s, rep.peak_velocity_sd_m_s)),
      el("td", {}, fmt(rep.time_to_peak_velocity_s)),
      el("td", {}, fmt(rep.range_of_motion_m)),
      el("td", {}, fmt(rep.duration_s)),
      el("td", {}, fmt(rep.mean_power_w, 0)),
      el("td", { class: "te" }, tripleExtension(rep.triple_extension)),
    );
  });
  $("reps-table").tBodies[0].replaceChildren(
    ...(rows.length ? rows : [el("tr", {}, el("td", { colspan: 10, class: "empty" }, emptyText))]),
  );
  labelColumns($("reps-table"));
}

/** Show the set's video and its analysis's state; returns the latest upload (or null). */
async function showVideo(setId, { polled = false } = {}) {
  if (!(await hasEndpoint("/api/sets/{id}/videos"))) return null; // this server lists no videos per set
  const videos = await getJson(`/api/sets/${setId}/videos`);
  if (!Array.isArray(videos) || !videos.length) return null;
  if (polled && !videos.some((v) => v.status === "queued" || v.status === "running")) {
    window.location.reload(); // the analysis ended: its reps are in the set now
    return null;
  }
  const ready = videos.find((v) => v.status === "done" && v.annotated_url);
  showQuality([...videos].reverse().find((v) => v.status === "done" && v.quality)?.quality ?? null);
  const panel = $("video-panel");
  panel.classList.remove("hidden");
  $("video").classList.toggle("hidden", !ready);
  if (ready) {
    // a <video> sends the sign-in cookie (auth.js) by itself
    $("video").src = streamUrl(ready.annotated_url, {}, { websocket: false });
    $("video-status").textContent = `${ready.filename}: annotated by the vbt analysis.`;
  } else {
    const latest = videos[videos.length - 1];
    $("video-status").textContent = latest.status === "failed"
      ? `The analysis of ${latest.filename} failed: ${latest.error}`
      : latest.status === "done"
        ? `${latest.filename}: analysed, but no annotated video was written${latest.problem ? "" : " (see its report's warnings)"}.`
        : `${latest.filename}: analysis ${latest.status} (${fmt(100 * (latest.progress ?? 0), 0)} %).`;
    if (latest.status === "queued" || latest.status === "running") {
      window.setTimeout(() => showVideo(setId, { polled: true }).catch((err) => showError($("error"), err)), VIDEO_POLL_MS);
    }
  }
  return videos[videos.length - 1];
}

async function main() {
  const setId = idFromPath("/sets/");
  if (setId === null) {
    showError($("error"), "This address names no set.");
    return;
  }
  try {
    const set = await getJson(`/api/sets/${setId}`);
    const athlete = await getJson(`/api/athletes/${set.athlete_id}`);
    const lifts = await loadLifts();
    const lift = liftOf(lifts, set.exercise);
    const palette = lifts.palette;
    const key = velocityKey(lift);
    const kind = velocityWord(lift);
    $("bars-title").textContent = `${kind === "peak" ? "Peak" : "Mean"} velocity per rep`;
    const s = set.summary;
    document.title = `${exerciseName(set.exercise)} ${fmt(set.load_kg, 1)} kg · ${athlete.name} · vbt`;
    $("title").textContent = `${exerciseName(set.exercise)} · ${fmt(set.load_kg, set.load_kg % 1 ? 1 : 0)} kg`;
    $("nav").replaceChildren(
      el("span", {}, `${athlete.name} · ${fmtDate(set.performed_at)}`),
      el("a", { href: `/live/sessions/${set.session_id}` }, "Session"),
      el("a", { href: `/athletes/${athlete.id}/history?exercise=${encodeURIComponent(set.exercise)}` }, "History"),
    );
    $("summary").replaceChildren(
      tile("Reps", String(s.rep_count), [
        s.failed_rep_count ? `+${s.failed_rep_count} failed` : "",
        s.suspect_rep_count ? `+${s.suspect_rep_count} suspect, not counted` : "",
      ].filter(Boolean).join(" ")),
      tile(`Best ${kind} velocity`, fmt(kind === "peak" ? s.best_peak_velocity_m_s : s.best_mean_velocity_m_s), "m/s"),
      tile("Average mean velocity", fmt(s.average_mean_velocity_m_s), "m/s"),
      kind === "peak"
        ? tile("Best mean velocity", fmt(s.best_mean_velocity_m_s), "m/s")
        : tile("Best peak velocity", fmt(s.best_peak_velocity_m_s), "m/s"),
      tile(`${kind === "peak" ? "Peak velocity" : "Velocity"} loss`,
        fmt(kind === "peak" ? s.peak_velocity_loss_pct : s.velocity_loss_pct, 1), "%"),
    );
    const reps = [...set.reps].sort((a, b) => a.index - b.index);
    fillTable(reps, lift, palette);
    $("legend").replaceChildren(
      el("span", { class: "legend-title" }, `${kind} velocity zones, m/s:`),
      ...(lift?.zones ?? []).map((z) => el("span", { style: `--c: ${z.color}` }, `${z.name} ${zoneSpan(z)}`)),
      el("span", { style: `--c: ${palette.no_zone}` }, "failed / suspect / not measured (hatched)"),
    );
    redrawOnResize($("bars-chart").parentElement, () =>
      drawBars($("bars-chart"), {
        bars: reps.map((rep, i) => {
          const { color } = repZone(rep, lift, palette);
          return {
            label: String(i + 1),
            value: rep.status === "ok" ? rep[key] : null,
            text: fmt(rep[key]),
            color,
            failed: rep.status !== "ok",
            provisional: rep.provisional === true,
            title: `Rep ${i + 1}: ${fmt(rep[key])} m/s ${kind}${rep.provisional ? " (provisional)" : ""}`
              + (rep.status === "suspect" ? ` (suspect, not counted: ${(rep.suspect_reasons ?? []).join("; ")})` : ""),
          };
        }),
        yLabel: `${kind} m/s`,
        yFormat: (v) => v.toFixed(1),
        aspect: 2.6,
      }));
    const latest = await showVideo(setId);
    if (!reps.length && latest?.problem) fillTable(reps, lift, palette, latest.problem);
  } catch (err) {
    showError($("error"), err);
  }
}

main();
