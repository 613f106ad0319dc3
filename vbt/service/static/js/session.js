// The session page (/sessions/{id}): run a session from the browser. Add a set with its video:
// POST /api/videos with the session, lift and load makes the set when the video is accepted; its
// analysis is followed (GET /api/sets/{id}/videos) until its reps are shown with their verdict, or
// its problem in words. A set whose analysis failed can take another video.

import { el, exerciseName, fmt, fmtDate, getJson, idFromPath, lifts, sendForm, showError, withSd } from "./api.js";
import { onSubmit } from "./forms.js";
import { liftOf, loadLifts, velocityKey, zoneFor } from "./stats.js";

const $ = (id) => document.getElementById(id);
const POLL_MS = 1000; // while a set's video is queued or being analysed
const cards = new Map(); // set id -> its card

/** A rep's verdict in words: counted, failed, or suspect with why. */
function repVerdict(rep) {
  if (rep.status === "ok") return rep.provisional ? "counted (provisional)" : "counted";
  if (rep.status === "suspect") {
    const why = (rep.suspect_reasons ?? []).join("; ");
    return `suspect, not counted${why ? `: ${why}` : ""}`;
  }
  return rep.status;
}

/** A set's reps, each coloured by its zone on its lift's one velocity (the served catalogue). */
function repsTable(reps, lift, palette) {
  const key = velocityKey(lift);
  return el("div", { class: "table-wrap" },
    el("table", { class: "reps stack" },
      el("thead", {}, el("tr", {},
        ...["Rep", "Mean (m/s)", "Peak (m/s)", "Range (m)", "Verdict"].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, ...reps.map((rep, i) => {
        const zone = rep.status === "ok" ? zoneFor(rep[key], lift?.zones) : null;
        return el("tr", { "data-status": rep.status },
          el("td", { "data-label": "Rep" },
            el("span", { class: "swatch", style: `background: ${zone ? zone.color : palette.no_zone}` }), String(i + 1)),
          el("td", { "data-label": "Mean (m/s)" }, fmt(rep.mean_velocity_m_s)),
          el("td", { "data-label": "Peak (m/s)" }, withSd(rep.peak_velocity_m_s, rep.peak_velocity_sd_m_s)),
          el("td", { "data-label": "Range (m)" }, fmt(rep.range_of_motion_m)),
          el("td", { "data-label": "Verdict", class: "verdict" }, repVerdict(rep)),
        );
      })),
    ));
}

/** A small form that uploads a video into an existing set (one without reps or a working video). */
function uploadForm(setId) {
  const form = el("form", { class: "row-form", "aria-label": "Upload this set's video" },
    el("label", { class: "file" }, "Video ", el("input", { name: "file", type: "file", accept: "video/*,.mp4,.mov,.mkv,.avi", required: true })),
    el("button", { type: "submit" }, "Upload and analyse"),
    el("p", { class: "form-error hidden", role: "alert" }),
  );
  onSubmit(form, async () => {
    await uploadInto(setId, form.elements.file.files[0]);
  });
  return form;
}

function statusLine(video, detail) {
  if (!video) {
    return detail.reps.length ? null : el("p", { class: "status muted" }, "No video yet.");
  }
  if (video.status === "queued") return el("p", { class: "status" }, `${video.filename}: waiting for the analysis…`);
  if (video.status === "running") {
    const pct = 100 * (video.progress ?? 0);
    return el("p", { class: "status" }, `${video.filename}: analysing… ${fmt(pct, 0)} % `,
      el("progress", { max: 100, value: pct.toFixed(0) }));
  }
  if (video.problem) return el("p", { class: "status problem", role: "status" }, video.problem);
  return null;
}

function qualityLine(video) {
  if (!video?.quality) return null;
  const q = video.quality;
  return el("div", { class: "quality", dataset: { verdict: q.verdict } },
    el("strong", {}, `Quality: ${q.verdict}`),
    ...(q.reasons ?? []).map((r) => el("div", { class: "why" }, r)),
    ...(q.notes ?? []).map((r) => el("div", { class: "note" }, r)));
}

function summaryLine(detail) {
  const s = detail.summary;
  if (!detail.reps.length) return null;
  const parts = [`${s.rep_count} reps counted`];
  if (s.failed_rep_count) parts.push(`${s.failed_rep_count} failed`);
  if (s.suspect_rep_count) parts.push(`${s.suspect_rep_count} suspect`);
  parts.push(`best mean ${fmt(s.best_mean_velocity_m_s)} m/s`, `best peak ${fmt(s.best_peak_velocity_m_s)} m/s`);
  if (Number.isFinite(s.velocity_loss_pct)) parts.push(`velocity loss ${fmt(s.velocity_loss_pct, 1)} %`);
  return el("p", { class: "set-summary" }, parts.join(" · "));
}

/** Draw a set's card from its detail and its latest video; true while its analysis is under way. */
function drawCard(card, number, detail, video, note, catalogue) {
  const busy = video !== null && (video.status === "queued" || video.status === "running");
  const canUpload = !detail.reps.length && (!video || video.status === "failed");
  card.dataset.state = video ? video.status : detail.reps.length ? "reps" : "empty";
  const parts = [
    el("h2", {},
      `${number}. ${exerciseName(detail.exercise)} · ${fmt(detail.load_kg, detail.load_kg % 1 ? 1 : 0)} kg`,
      el("small", { class: "muted" }, ` · ${fmtDate(detail.performed_at)} · `),
      el("a", { href: `/sets/${detail.id}` }, "set page")),
    note ? el("p", { class: "status problem", role: "alert" }, note) : null,
    statusLine(video, detail),
    detail.reps.length ? qualityLine(video) : null, // without reps, the problem says it all
    summaryLine(detail),
    detail.reps.length ? repsTable([...detail.reps].sort((a, b) => a.index - b.index),
      liftOf(catalogue, detail.exercise), catalogue.palette) : null,
    canUpload ? uploadForm(detail.id) : null,
  ];
  card.replaceChildren(...parts.filter((part) => part !== null));
  return busy;
}

/** Read a set and its videos again and redraw its card; poll while its analysis runs. */
async function refreshCard(setId, note = null) {
  const card = cards.get(setId);
  // The videos first: once one says done, the set read after it holds every rep the analysis stored
  // (read together, the set could be read before the last rep and the card stop polling short of it).
  const videos = await getJson(`/api/sets/${setId}/videos`);
  const [detail, catalogue] = await Promise.all([getJson(`/api/sets/${setId}`), loadLifts()]);
  const busy = drawCard(card, Number(card.dataset.number), detail, videos.at(-1) ?? null, note, catalogue);
  if (busy) {
    window.setTimeout(() => refreshCard(setId).catch((err) => showError($("error"), err)), POLL_MS);
  }
}

function newCard(setId) {
  const card = el("article", { class: "panel set-card", dataset: { setId, number: cards.size + 1 } });
  cards.set(setId, card);
  $("sets").prepend(card);
  return card;
}

/** POST /api/videos: the file with the form fields `fields`; the accepted video. */
function postVideo(fields, file) {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, String(value));
  form.append("file", file, file.name);
  return sendForm("/api/videos", form);
}

const uploading = (file) => `${file.name}: uploading ${fmt(file.size / 1e6, 1)} MB…`;

/** Upload `file` again into set `setId` (its analysis failed); an error stays on the set's card. */
async function uploadInto(setId, file) {
  if (!file) throw new Error("Choose the set's video file first.");
  const card = cards.get(setId);
  card.dataset.state = "uploading";
  card.querySelector("form")?.replaceWith(el("p", { class: "status" }, uploading(file)));
  let note = null;
  try {
    await postVideo({ set_id: setId }, file);
  } catch (err) {
    note = `The upload of ${file.name} was refused: ${err.message}`;
  }
  await refreshCard(setId, note);
}

/** A new set of this session from its video: the server makes the set only if it takes the video. */
async function addSet(sessionId, values, file) {
  if (!file) throw new Error("Choose the set's video file first.");
  if (values.load_kg === null) throw new Error("Give the load on the bar in kg.");
  $("add-set-status").textContent = uploading(file);
  try {
    const video = await postVideo({ session_id: sessionId, exercise: values.exercise, load_kg: values.load_kg }, file);
    newCard(video.set_id);
    await refreshCard(video.set_id);
  } finally {
    $("add-set-status").textContent = "";
  }
}

async function main() {
  const sessionId = idFromPath("/sessions/");
  if (sessionId === null) {
    showError($("error"), "This address names no session; start one on the start page.");
    return;
  }
  try {
    const session = await getJson(`/api/sessions/${sessionId}`);
    const athlete = await getJson(`/api/athletes/${session.athlete_id}`);
    document.title = `${athlete.name} · session ${session.id} · vbt`;
    $("title").textContent = `${athlete.name} · session of ${fmtDate(session.started_at)}`;
    $("nav").replaceChildren(
      el("a", { href: `/live/sessions/${session.id}` }, "Live view"),
      el("a", { href: `/athletes/${athlete.id}/history` }, "History and plan"),
      el("a", { href: "/" }, "Athletes"),
    );
    const select = $("add-set").elements.exercise;
    select.replaceChildren(...(await lifts()).map((lift) => el("option", { value: lift }, exerciseName(lift))));
    const form = $("add-set");
    onSubmit(form, async (values) => {
      await addSet(sessionId, values, form.elements.file.files[0]);
      form.elements.file.value = ""; // the lift and load stay for the next set
    });
    if (session.sets.length) select.value = session.sets[session.sets.length - 1].exercise; // the lift of the day
    for (const set of session.sets) newCard(set.id);
    await Promise.all(session.sets.map((set) => refreshCard(set.id)));
  } catch (err) {
    showError($("error"), err);
  }
}

main();
