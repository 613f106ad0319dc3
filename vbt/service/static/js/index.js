// The start page (/): every athlete with their latest sessions (open one live) and their history.

import { el, fmtDate, getJson, showError } from "./api.js";

const SESSIONS_SHOWN = 5;

async function athleteCard(athlete) {
  const sessions = await getJson(`/api/athletes/${athlete.id}/sessions`);
  const latest = [...sessions].reverse().slice(0, SESSIONS_SHOWN);
  return el("section", { class: "panel", "aria-label": athlete.name },
    el("h2", {}, athlete.name),
    el("a", { href: `/athletes/${athlete.id}/history` }, "History and load-velocity profile"),
    el("ul", {},
      latest.length
        ? latest.map((s) => el("li", {},
          el("a", { href: `/live/sessions/${s.id}` }, `Session ${s.id} · ${fmtDate(s.started_at)}`),
          s.last_rep_seq ? el("span", { class: "muted" }, ` · ${s.last_rep_seq} reps`) : null))
        : el("li", { class: "muted" }, "No sessions yet."),
    ),
  );
}

async function main() {
  const container = document.getElementById("athletes");
  try {
    const athletes = await getJson("/api/athletes");
    if (!athletes.length) {
      container.replaceChildren(el("p", { class: "muted" },
        "No athletes yet. Create one with POST /api/athletes (see the API docs), then start a session."));
      return;
    }
    container.replaceChildren(...(await Promise.all(athletes.map(athleteCard))));
  } catch (err) {
    showError(document.getElementById("error"), err);
    container.replaceChildren();
  }
}

main();
