// The live session page (/live/sessions/{id}): reps arrive over the WebSocket stream (Server-Sent
// Events when WebSockets fail), the page follows the set that got the latest rep.
//
// Live mode posts each rep provisionally first (drawn lighter), then its final metrics under the same
// client_rep_id (a new `rep` event: the page replaces the rep) or deletes it (a `rep_deleted` event).
// Its annotated frames are fetched one at a time from /api/sessions/{id}/live.jpg (the same frames as
// live.mjpg, without a backlog on a slow phone). With the sound on (a button: the
// browser lets a page play sound only after a click), the page beeps when the set's cue turns to stop;
// "Speak" reads each new rep's velocity aloud, or only the stop cue (Web Speech API: the browser's
// own voice, no network).
//
// What the page says is what the service has: reps are numbered by their place in the set as stored
// now (a provisional rep deleted renumbers the ones after it); the pill says "live" only while live
// mode is running (its frames are fresh), and a set is over once a later set has reps or live mode
// stopped after the set's last rep: then its summary replaces "Keep going".
//
// The stop-set cue: each stream message carries the server's cue for its set (`cue`: velocity loss
// against the threshold, on peak velocity for the Olympic lifts; the athlete's plan may set the
// threshold). The page shows the server's cue when it has one for the page's threshold (or the
// plan's), and computes its own from the reps otherwise (an older server, a threshold just changed).

import { el, exerciseName, fmt, getJson, idFromPath, showError, streamUrl, withSd } from "./api.js";
import { drawBars, drawLine, redrawOnResize } from "./chart.js";
import { isCounted, liftOf, loadLifts, runningVelocityLossPct, stopCue, velocityKey, velocityWord, zoneFor, zoneSpan } from "./stats.js";

const THRESHOLD_KEY = "vbt.stop_threshold_pct";
const SPEECH_KEY = "vbt.speech";
const DEFAULT_THRESHOLD_PCT = 20;
const WS_FAILURES_BEFORE_SSE = 2;

const state = {
  sessionId: idFromPath("/live/sessions/"),
  sets: new Map(), // set_id -> {id, exercise, load_kg, reps: Map<client_rep_id, rep>}
  setOrder: [],
  currentSetId: null,
  followLatest: true,
  lastSeq: 0,
  lastRepBySet: new Map(), // set_id -> the rep that arrived last
  thresholdPct: DEFAULT_THRESHOLD_PCT,
  cueBySet: new Map(), // set_id -> the server's cue after the set's latest rep
  connection: null, // {close()} of the open stream, to reconnect with a new threshold
  liveAfterSeq: Infinity, // events with a larger seq happen now (not a replay): they may beep
  freshEvent: false, // an event after liveAfterSeq arrived since the last render
  levelBySet: new Map(), // set_id -> the cue level last shown ("stop" once it said stop)
  lifts: null, // the lift catalogue (GET /api/lifts): each lift's one velocity and zones
  connected: "", // "" while not connected, else how ("WebSocket", "SSE")
  running: false, // live mode's frames are fresh
  videoSeen: false, // a frame from live mode was ever shown
  stoppedAt: 0, // when the frames went stale (ms, performance.now())
  lastEventAt: new Map(), // set_id -> when its last event arrived (ms)
};

const speech = { mode: "off", said: 0, spoken: new Set() };

const sound = { on: false, context: null, beeps: 0 };

const $ = (id) => document.getElementById(id);

function ensureSet(id, exercise, load_kg) {
  if (!state.sets.has(id)) {
    state.sets.set(id, { id, exercise, load_kg, reps: new Map() });
    state.setOrder.push(id);
  }
  return state.sets.get(id);
}

/** The set's reps in time order (their place in the set is their number on the page). */
function orderedReps(set) {
  return [...set.reps.values()].sort((a, b) => (a.start_s - b.start_s) || (a.index - b.index));
}

/** The rep of a set that ends last (the one the big number shows after a deletion), or null. */
function latestRep(set) {
  return orderedReps(set).at(-1) ?? null;
}

/** Take one stream message (a RepEvent or a RepDeletedEvent); returns false for one already seen. */
function acceptEvent(event) {
  if ((event.type !== "rep" && event.type !== "rep_deleted") || event.seq <= state.lastSeq) return false;
  state.lastSeq = event.seq;
  if (event.seq > state.liveAfterSeq) state.freshEvent = true;
  const set = ensureSet(event.set_id, event.exercise, event.load_kg);
  if (event.type === "rep") {
    set.reps.set(event.rep.client_rep_id, event.rep); // a final rep replaces its provisional one
    // The big number shows the newest rep: a final rep that comes after a later provisional one
    // updates its bar, not the big number.
    const shown = state.lastRepBySet.get(set.id);
    if (!shown || shown.client_rep_id === event.rep.client_rep_id || event.rep.start_s >= shown.start_s
        || !set.reps.has(shown.client_rep_id)) {
      state.lastRepBySet.set(set.id, event.rep);
    }
    if (event.seq > state.liveAfterSeq) speakRep(set, event.rep);
  } else {
    set.reps.delete(event.client_rep_id);
    if (state.lastRepBySet.get(set.id)?.client_rep_id === event.client_rep_id) {
      state.lastRepBySet.set(set.id, latestRep(set));
    }
  }
  if (event.cue && typeof event.cue.stop === "boolean") state.cueBySet.set(set.id, event.cue);
  else state.cueBySet.delete(set.id);
  state.lastEventAt.set(set.id, performance.now());
  if (state.followLatest) state.currentSetId = set.id;
  return true;
}

/** The set's lift from the catalogue (its one velocity, its zones), or null. */
function liftFor(set) {
  return liftOf(state.lifts, set?.exercise);
}

/** The rep field of the set's one velocity: peak for the Olympic pulls and the jerk, else mean. */
function keyFor(set) {
  return velocityKey(liftFor(set));
}

/** The colour of a rep of the set: its zone's, or the no-zone grey. */
function zoneOf(set, rep) {
  return rep && rep.status === "ok" ? zoneFor(rep[keyFor(set)], liftFor(set)?.zones) : null;
}

function noZoneColor() {
  return state.lifts?.palette.no_zone ?? "";
}

/** "100 kg", or "load not given" (live mode without --load-kg posts 0). */
function loadText(load_kg) {
  return load_kg > 0 ? `${fmt(load_kg, load_kg % 1 ? 1 : 0)} kg` : "load not given";
}

function setTitle(set) {
  return `${exerciseName(set.exercise)} · ${loadText(set.load_kg)}`;
}

/** A set is over once a later set has reps, or live mode stopped after the set's last rep came. */
function setIsOver(set) {
  const later = state.setOrder.slice(state.setOrder.indexOf(set.id) + 1);
  if (later.some((id) => state.sets.get(id).reps.size)) return true;
  const last = state.lastEventAt.get(set.id) ?? 0;
  return !state.running && state.videoSeen && set.reps.size > 0 && last < state.stoppedAt;
}

function renderSets() {
  const buttons = state.setOrder.map((id) => {
    const set = state.sets.get(id);
    const pressed = id === state.currentSetId;
    const button = el("button", { type: "button", "aria-pressed": pressed ? "true" : "false" },
      `${setTitle(set)} (${set.reps.size})`);
    button.addEventListener("click", () => {
      state.currentSetId = id;
      state.followLatest = false;
      render();
    });
    return button;
  });
  const follow = el("button", { type: "button", "aria-pressed": state.followLatest ? "true" : "false" }, "Follow latest set");
  follow.addEventListener("click", () => {
    state.followLatest = true;
    const newest = [...state.sets.values()].filter((s) => s.reps.size).at(-1);
    if (newest) state.currentSetId = newest.id;
    render();
  });
  $("sets").replaceChildren(...(buttons.length ? buttons : [el("span", { class: "muted" }, "No sets yet.")]), follow);
}

function renderBig(set, reps) {
  const last = set ? state.lastRepBySet.get(set.id) ?? null : null;
  const kind = velocityWord(liftFor(set));
  const velocity = last ? last[keyFor(set)] : null;
  const provisional = last?.provisional === true;
  const zone = zoneOf(set, last);
  $("set-line").textContent = set ? setTitle(set) : "Waiting for the first rep…";
  const position = last ? reps.findIndex((r) => r.client_rep_id === last.client_rep_id) + 1 : 0;
  $("rep-label").textContent = last
    ? `Rep ${position}${last.status === "failed" ? " (failed)" : last.status === "suspect" ? " (suspect: not counted)" : ""} · ${kind} velocity${provisional ? " (provisional)" : ""}`
    : `${kind === "peak" ? "Peak" : "Mean"} velocity of the last rep`;
  const big = $("last-velocity");
  if (last && last.status === "failed") big.replaceChildren(el("span", { class: "failed-word" }, "✕ failed"));
  else if (last && last.status === "suspect") big.replaceChildren(fmt(velocity), el("small", {}, " m/s?"), el("span", { class: "pending" }, "suspect"));
  else big.replaceChildren(fmt(velocity), el("small", {}, " m/s"), provisional ? el("span", { class: "pending" }, "provisional") : "");
  big.style.color = zone ? zone.color : "";
  big.classList.toggle("provisional", provisional);
  big.dataset.provisional = provisional ? "true" : "false";
  big.dataset.repCount = String(reps.length);
  $("last-zone").classList.toggle("provisional", provisional);
  $("last-zone").textContent = zone ? zone.name
    : last?.status === "failed" ? "Not counted in the velocity loss"
      : last?.status === "suspect" ? `Not counted: ${(last.suspect_reasons ?? [])[0] ?? "its numbers cannot be trusted"}`
      : last ? "No velocity measured" : "\u00a0";
  $("last-zone").style.color = zone ? zone.color : "";
  $("last-peak").replaceChildren(withSd(last?.peak_velocity_m_s, last?.peak_velocity_sd_m_s), el("small", {}, " m/s"));
}

/** The server's cue for a set when it applies to what the page shows (its threshold), else null. */
function serverCue(set) {
  const cue = set ? state.cueBySet.get(set.id) : null;
  if (!cue) return null;
  return cue.threshold_source === "plan" || cue.threshold_pct === state.thresholdPct ? cue : null;
}

/** The threshold (%) the set stops at: the plan's when the server says so, else the page's. */
function thresholdFor(set) {
  const cue = set ? state.cueBySet.get(set.id) : null;
  return cue?.threshold_source === "plan" ? cue.threshold_pct : state.thresholdPct;
}

/** {level, loss_pct, threshold_pct, peak, plan, lastFailed, source}: the server's cue, or the page's. */
function currentCue(set, reps) {
  const server = serverCue(set);
  if (server) {
    const loss = server.velocity_loss_pct;
    const t = server.threshold_pct;
    const level = server.stop ? "stop" : loss === null ? "none" : loss >= 0.75 * t ? "near" : "go";
    return {
      level, loss_pct: loss, threshold_pct: t, peak: server.velocity_kind === "peak",
      plan: server.threshold_source === "plan", lastFailed: server.stop && loss === null, source: "server",
    };
  }
  const own = stopCue(reps, state.thresholdPct, keyFor(set));
  const peak = keyFor(set) === "peak_velocity_m_s";
  return { ...own, threshold_pct: state.thresholdPct, peak, plan: false, lastFailed: false, source: "page" };
}

function renderStats(set, reps) {
  const counted = reps.filter(isCounted);
  const best = counted.length ? Math.max(...counted.map((r) => r[keyFor(set)])) : null;
  $("best").replaceChildren(fmt(best), el("small", {}, " m/s"));
  const failed = reps.filter((r) => r.status === "failed").length;
  const suspect = reps.filter((r) => r.status === "suspect").length;
  const aside = [failed ? `${failed} failed` : "", suspect ? `${suspect} suspect` : ""].filter(Boolean).join(", ");
  $("rep-count").replaceChildren(String(reps.length), aside ? el("small", {}, ` (${aside})`) : "");
  const cue = currentCue(set, reps);
  const t = fmt(cue.threshold_pct, 0);
  const what = `${cue.peak ? "peak " : ""}velocity loss`;
  const whose = cue.plan ? " (the plan's threshold)" : "";
  $("loss").replaceChildren(fmt(cue.loss_pct, 0), el("small", {}, " %"));
  $("loss-label").textContent = `${cue.peak ? "Peak velocity" : "Velocity"} loss (stop at ${t} %${cue.plan ? ", plan" : ""})`;
  const banner = $("cue");
  const over = set !== null && setIsOver(set);
  banner.classList.toggle("hidden", cue.level === "none" && !over);
  banner.dataset.level = over ? "over" : cue.level;
  banner.dataset.source = cue.source;
  noteLevel(set, cue.level);
  banner.textContent =
    over ? `Set over: ${reps.length} rep${reps.length === 1 ? "" : "s"}${aside ? ` (${aside})` : ""} · best ${fmt(best)} m/s · ${what} ${fmt(cue.loss_pct, 0)} %`
    : cue.lastFailed ? "Stop the set: the last rep failed"
      : cue.level === "stop" ? `Stop the set: ${what} ${fmt(cue.loss_pct, 0)} % ≥ ${t} %${whose}`
        : cue.level === "near" ? `Close to the limit: ${what} ${fmt(cue.loss_pct, 0)} % of ${t} %${whose}`
          : `Keep going: ${what} ${fmt(cue.loss_pct, 0)} % of ${t} %${whose}`;
  return best;
}

function drawCharts() {
  const set = state.sets.get(state.currentSetId);
  const reps = set ? orderedReps(set) : [];
  const key = keyFor(set);
  const counted = reps.filter(isCounted);
  const best = counted.length ? Math.max(...counted.map((r) => r[key])) : null;
  const thresholdPct = thresholdFor(set);
  const peak = key === "peak_velocity_m_s";
  const stopAt = best === null ? null : best * (1 - thresholdPct / 100);
  const bars = reps.map((rep, i) => {
    const zone = zoneOf(set, rep);
    return {
      label: String(i + 1),
      value: rep.status === "ok" ? rep[key] : null,
      text: fmt(rep[key]),
      color: zone ? zone.color : noZoneColor(),
      failed: rep.status !== "ok",
      provisional: rep.provisional === true,
      title: `Rep ${i + 1}: ${fmt(rep[key])} m/s${zone ? ` (${zone.name})` : rep.status === "suspect" ? ` (suspect, not counted: ${(rep.suspect_reasons ?? []).join("; ")})` : " (failed or not measured)"}${rep.provisional ? ", provisional" : ""}`,
    };
  });
  const chart = $("bars-chart");
  drawBars(chart, {
    bars,
    yLabel: "m/s",
    yFormat: (v) => v.toFixed(1),
    aspect: 2.6,
    thresholds: stopAt === null ? [] : [{ value: stopAt, label: `stop below ${fmt(stopAt)} m/s (−${fmt(thresholdPct, 0)} %)` }],
  });
  chart.dataset.barCount = String(bars.length);
  chart.dataset.provisionalCount = String(bars.filter((b) => b.provisional).length);
  const losses = runningVelocityLossPct(reps, key);
  drawLine($("loss-chart"), {
    points: losses.map((loss, i) => ({ x: i + 1, y: loss, title: `Rep ${i + 1}: ${fmt(loss, 1)} %` })),
    xRange: [0.5, Math.max(1, reps.length) + 0.5],
    xTicks: reps.map((_, i) => ({ value: i + 1, label: String(i + 1) })),
    yRange: [0, Math.max(thresholdPct * 1.25, ...losses.filter((x) => x !== null).map((x) => x * 1.1))],
    yLabel: peak ? "peak loss %" : "loss %",
    aspect: 1.75,
    yFormat: (v) => `${v}`,
    thresholds: [{ value: thresholdPct, label: `stop at ${fmt(thresholdPct, 0)} %` }],
  });
}

function render() {
  const set = state.sets.get(state.currentSetId) ?? null;
  const reps = set ? orderedReps(set) : [];
  renderSets();
  renderLegend(set);
  renderBig(set, reps);
  renderStats(set, reps);
  drawCharts();
  state.freshEvent = false;
}

/** Remember the cue level shown for a set; beep when it turns to stop because of a new event. */
function noteLevel(set, level) {
  if (!set) return;
  const before = state.levelBySet.get(set.id);
  state.levelBySet.set(set.id, level);
  if (level === "stop" && before !== "stop" && state.freshEvent) {
    beep();
    if (speech.mode !== "off") say("Stop the set");
  }
}

/** Read a new rep's velocity aloud (once per rep: when it first arrives), when asked to. */
function speakRep(set, rep) {
  if (speech.mode !== "reps" || speech.spoken.has(rep.client_rep_id)) return;
  speech.spoken.add(rep.client_rep_id);
  if (rep.status === "failed") say("failed");
  else if (rep.status === "suspect") say("suspect rep, not counted");
  else {
    const velocity = rep[keyFor(set)]; // the set's one velocity, as the big number shows it
    if (velocity !== null && velocity !== undefined) say(fmt(velocity));
  }
}

/** Speak ``text`` with the browser's voice (the newest message replaces one still being read). */
function say(text) {
  speech.said += 1;
  const select = $("speech");
  select.dataset.said = String(speech.said);
  select.dataset.last = text;
  if (!("speechSynthesis" in window)) return;
  window.speechSynthesis.cancel();
  window.speechSynthesis.speak(new SpeechSynthesisUtterance(text));
}

function setupSpeech() {
  const select = $("speech");
  select.dataset.said = "0";
  if (!("speechSynthesis" in window)) {
    select.disabled = true;
    select.title = "This browser cannot speak (no Web Speech API)";
    return;
  }
  let stored = null;
  try {
    stored = window.localStorage.getItem(SPEECH_KEY);
  } catch {
    stored = null;
  }
  speech.mode = ["off", "reps", "stop"].includes(stored) ? stored : "off";
  select.value = speech.mode;
  select.addEventListener("change", () => {
    speech.mode = select.value;
    try {
      window.localStorage.setItem(SPEECH_KEY, speech.mode);
    } catch {
      // storage disabled: the choice holds for this page only
    }
  });
}

/** Two short tones (WebAudio), when the sound is on. */
function beep() {
  if (!sound.on || !sound.context) return;
  sound.beeps += 1;
  $("sound").dataset.beeps = String(sound.beeps);
  const context = sound.context;
  const t0 = context.currentTime + 0.01;
  for (const [offset, hz] of [[0, 880], [0.22, 660]]) {
    const tone = context.createOscillator();
    const gain = context.createGain();
    tone.type = "sine";
    tone.frequency.value = hz;
    gain.gain.setValueAtTime(0.0001, t0 + offset);
    gain.gain.exponentialRampToValueAtTime(0.4, t0 + offset + 0.015);
    gain.gain.exponentialRampToValueAtTime(0.0001, t0 + offset + 0.18);
    tone.connect(gain).connect(context.destination);
    tone.start(t0 + offset);
    tone.stop(t0 + offset + 0.2);
  }
}

function setupSound() {
  const button = $("sound");
  button.dataset.beeps = "0";
  button.addEventListener("click", () => {
    sound.on = !sound.on;
    if (sound.on && !sound.context) {
      const Context = window.AudioContext ?? window.webkitAudioContext;
      try {
        sound.context = Context ? new Context() : null;
      } catch {
        sound.context = null;
      }
    }
    if (sound.on && !sound.context) {
      sound.on = false;
      button.textContent = "No sound here";
      return;
    }
    if (sound.on) sound.context.resume?.();
    button.setAttribute("aria-pressed", sound.on ? "true" : "false");
    button.textContent = sound.on ? "Sound on" : "Sound off";
  });
}

/**
 * The live video: live mode's annotated frames, fetched one at a time (the next request goes out
 * when the last frame has arrived), so a slow phone skips frames instead of falling behind. The
 * server sends a "no video" image when no frame came for a while.
 */
async function followVideo() {
  const img = $("video");
  let after = 0;
  let shown = null; // object URL of the image on screen
  for (;;) {
    try {
      const url = streamUrl(`/api/sessions/${state.sessionId}/live.jpg`, { after, wait_s: 5 }, { websocket: false });
      const response = await fetch(url, { cache: "no-store" });
      if (!response.ok) throw new Error(`live.jpg: ${response.status}`);
      const seq = Number(response.headers.get("X-Frame-Seq") ?? "0");
      const stale = response.headers.get("X-Frame-Stale") === "1";
      const blob = await response.blob();
      const changed = seq !== after || stale !== (img.dataset.stale === "1") || shown === null;
      after = seq;
      setRunning(!stale);
      if (changed) {
        const next = URL.createObjectURL(blob);
        img.src = next;
        img.dataset.seq = String(seq);
        img.dataset.stale = stale ? "1" : "0";
        if (shown) URL.revokeObjectURL(shown);
        shown = next;
      }
    } catch {
      await new Promise((resolve) => window.setTimeout(resolve, 1000)); // server gone: retry
    }
  }
}

function setConnection(kind, text) {
  const pill = $("connection");
  pill.dataset.state = kind;
  pill.textContent = text;
}

/** The pill once the stream is open: "live" while live mode runs, else connected and waiting. */
function showConnected(how) {
  state.connected = how;
  const via = how === "SSE" ? " (SSE)" : "";
  if (state.running) setConnection("live", `live${via}`);
  else setConnection("idle", `connected${via} · live mode not running`);
}

function setRunning(running) {
  if (running === state.running) return;
  state.running = running;
  if (running) state.videoSeen = true;
  else state.stoppedAt = performance.now();
  if (state.connected) showConnected(state.connected);
  scheduleRender(); // a set may be over now
}

function onMessage(text) {
  let event;
  try {
    event = JSON.parse(text);
  } catch {
    return;
  }
  if (acceptEvent(event)) scheduleRender();
}

let renderPending = false;

/** Render once for a burst of messages (a reconnect replays every stored rep at once). */
function scheduleRender() {
  if (renderPending) return;
  renderPending = true;
  window.setTimeout(() => {
    renderPending = false;
    render();
  }, 16);
}

function streamParams() {
  return { after: state.lastSeq, threshold_pct: state.thresholdPct };
}

function connectSse() {
  const source = new EventSource(streamUrl(`/api/sessions/${state.sessionId}/events`, streamParams(), { websocket: false }));
  state.connection = {
    close() {
      source.close();
      connectSse();
    },
  };
  source.addEventListener("open", () => showConnected("SSE"));
  source.addEventListener("rep", (message) => onMessage(message.data));
  source.addEventListener("rep_deleted", (message) => onMessage(message.data));
  source.addEventListener("error", () => {
    state.connected = "";
    setConnection("connecting", "reconnecting (SSE)…");
  });
}

function connectWebSocket(failures = 0, delay_ms = 500) {
  if (failures >= WS_FAILURES_BEFORE_SSE || !("WebSocket" in window)) {
    connectSse();
    return;
  }
  let opened = false;
  const socket = new WebSocket(streamUrl(`/api/sessions/${state.sessionId}/stream`, streamParams(), { websocket: true }));
  state.connection = { close: () => socket.close() }; // the close handler reconnects
  socket.addEventListener("open", () => {
    opened = true;
    showConnected("WebSocket");
  });
  socket.addEventListener("message", (message) => onMessage(message.data));
  socket.addEventListener("close", () => {
    state.connected = "";
    setConnection("connecting", "reconnecting…");
    const next = opened ? 0 : failures + 1;
    const wait = opened ? 500 : Math.min(delay_ms * 2, 10000);
    window.setTimeout(() => connectWebSocket(next, wait), wait);
  });
}

function loadThreshold() {
  const fromUrl = Number(new URLSearchParams(window.location.search).get("threshold"));
  let stored = null;
  try {
    stored = Number(window.localStorage.getItem(THRESHOLD_KEY));
  } catch {
    stored = null;
  }
  const value = [fromUrl, stored].find((v) => Number.isFinite(v) && v > 0 && v < 100);
  state.thresholdPct = value ?? DEFAULT_THRESHOLD_PCT;
  const input = $("threshold");
  input.value = String(state.thresholdPct);
  input.addEventListener("change", () => {
    const v = Number(input.value);
    if (!(Number.isFinite(v) && v > 0 && v < 100)) {
      input.value = String(state.thresholdPct);
      return;
    }
    state.thresholdPct = v;
    state.connection?.close(); // reconnect: the server's cues of new reps use the new threshold
    try {
      window.localStorage.setItem(THRESHOLD_KEY, String(v));
    } catch {
      // storage disabled: the threshold holds for this page only
    }
    render();
  });
}

/** The legend of the shown set's lift: its zones on its one velocity, and the no-zone grey. */
function renderLegend(set) {
  const lift = liftFor(set);
  const kind = velocityWord(liftFor(set));
  $("bars-title").textContent = `${kind === "peak" ? "Peak" : "Mean"} velocity per rep`;
  $("legend").replaceChildren(
    el("span", { class: "legend-title" }, lift ? `${lift.label}: ${kind} velocity zones, m/s:` : "Velocity zones:"),
    ...(lift?.zones ?? []).map((z) => el("span", { style: `--c: ${z.color}` }, `${z.name} ${zoneSpan(z)}`)),
    el("span", { style: `--c: ${noZoneColor()}` }, "failed / suspect / not measured (hatched)"),
  );
}

async function main() {
  loadThreshold();
  setupSound();
  setupSpeech();
  if (state.sessionId === null) {
    showError($("error"), "This address names no session; open a session from the start page.");
    return;
  }
  document.title = `Live session ${state.sessionId} · vbt`;
  redrawOnResize($("bars-chart").parentElement, drawCharts);
  try {
    state.lifts = await loadLifts();
    const session = await getJson(`/api/sessions/${state.sessionId}`);
    state.liveAfterSeq = session.last_rep_seq ?? 0;
    for (const s of session.sets) ensureSet(s.id, s.exercise, s.load_kg);
    const athlete = await getJson(`/api/athletes/${session.athlete_id}`);
    document.title = `${athlete.name} · live · vbt`;
    $("nav").replaceChildren(
      el("span", {}, `${athlete.name} · session ${session.id}`),
      el("a", { href: `/athletes/${athlete.id}/history` }, "History"),
    );
  } catch (err) {
    showError($("error"), err);
    setConnection("down", "not connected");
    return;
  }
  render();
  connectWebSocket();
  followVideo();
}

main();
