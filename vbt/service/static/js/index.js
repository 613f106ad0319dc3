// The start page (/): add and edit athletes, start a session, open an athlete's sessions and history.

import { el, fmt, fmtDate, getJson, sendJson, showError } from "./api.js";
import { onSubmit } from "./forms.js";

const SESSIONS_SHOWN = 5;

/** The edit form of an athlete's card: name and body mass (PATCH /api/athletes/{id}). */
function editForm(athlete, done) {
  const form = el("form", { class: "row-form hidden", "aria-label": `Edit ${athlete.name}` },
    el("label", {}, "Name ", el("input", { name: "name", required: true, maxlength: 200, value: athlete.name })),
    el("label", {}, "Body mass (kg) ", el("input", {
      name: "body_mass_kg", type: "number", min: 1, max: 499, step: 0.1, value: athlete.body_mass_kg ?? "",
    })),
    el("button", { type: "submit" }, "Save"),
    el("p", { class: "form-error hidden", role: "alert" }),
  );
  onSubmit(form, async (values) => {
    await sendJson("PATCH", `/api/athletes/${athlete.id}`, values);
    await done();
  });
  return form;
}

async function athleteCard(athlete, refresh) {
  const sessions = await getJson(`/api/athletes/${athlete.id}/sessions`);
  const latest = [...sessions].reverse().slice(0, SESSIONS_SHOWN);
  const form = editForm(athlete, refresh);
  const start = el("button", { type: "button", class: "primary" }, "Start a session");
  start.addEventListener("click", async () => {
    start.disabled = true;
    try {
      const session = await sendJson("POST", "/api/sessions", { athlete_id: athlete.id });
      window.location.assign(`/sessions/${session.id}`);
    } catch (err) {
      showError(document.getElementById("error"), err);
      start.disabled = false;
    }
  });
  const edit = el("button", { type: "button" }, "Edit");
  edit.addEventListener("click", () => form.classList.toggle("hidden"));
  return el("section", { class: "panel athlete", "aria-label": athlete.name, dataset: { athleteId: athlete.id } },
    el("h2", {}, athlete.name,
      Number.isFinite(athlete.body_mass_kg) ? el("small", { class: "muted" }, ` · ${fmt(athlete.body_mass_kg, 1)} kg`) : null),
    el("div", { class: "actions" }, start, edit,
      el("a", { href: `/athletes/${athlete.id}/history` }, "History, 1RM and plan")),
    form,
    el("ul", {},
      latest.length
        ? latest.map((s) => el("li", {},
          el("a", { href: `/sessions/${s.id}` }, `Session ${s.id} · ${fmtDate(s.started_at)}`),
          " · ", el("a", { href: `/live/sessions/${s.id}` }, "live"),
          s.last_rep_seq ? el("span", { class: "muted" }, ` · ${s.last_rep_seq} reps`) : null))
        : el("li", { class: "muted" }, "No sessions yet."),
    ),
  );
}

async function showAthletes() {
  const container = document.getElementById("athletes");
  try {
    const athletes = await getJson("/api/athletes");
    if (!athletes.length) {
      container.replaceChildren(el("p", { class: "muted" }, "No athletes yet: add one above, then start a session."));
      return;
    }
    container.replaceChildren(...(await Promise.all(athletes.map((a) => athleteCard(a, showAthletes)))));
  } catch (err) {
    showError(document.getElementById("error"), err);
    container.replaceChildren();
  }
}

function main() {
  const form = document.getElementById("add-athlete");
  onSubmit(form, async (values) => {
    await sendJson("POST", "/api/athletes", values);
    form.reset();
    await showAthletes();
  });
  showAthletes();
}

main();
