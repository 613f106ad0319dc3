// The coach's records on the history page: tested 1RMs (POST /api/athletes/{id}/maxes) and the
// runner's key runs, which live in the power-clean plan (PUT /api/athletes/{id}/plan with the
// plan's own settings and the key runs changed; an athlete without a plan can start one here).

import { ApiError, el, exerciseName, fmt, fmtDate, getJson, lifts, sendJson } from "./api.js";
import { onSubmit } from "./forms.js";

const $ = (id) => document.getElementById(id);
const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

const weekdayOptions = () => WEEKDAYS.map((day, i) => el("option", { value: i }, day));

/** "2026-03-02T07:00" (the plan's local time) as the browser writes dates, without a zone shift. */
function localWhen(text) {
  const [day, time] = text.split("T");
  return `${fmtDate(`${day}T00:00:00`, { time: false })} ${time}`;
}

async function showMaxes(athleteId) {
  const maxes = await getJson(`/api/athletes/${athleteId}/maxes`);
  $("maxes").replaceChildren(...(maxes.length
    ? [...maxes].reverse().map((m) => el("li", {},
      `${exerciseName(m.exercise)}: ${fmt(m.load_kg, m.load_kg % 1 ? 1 : 0)} kg`,
      Number.isFinite(m.velocity_m_s) ? ` at ${fmt(m.velocity_m_s)} m/s` : "",
      el("span", { class: "muted" }, ` · tested ${fmtDate(m.tested_at, { time: false })}`)))
    : [el("li", { class: "muted" }, "No tested 1RM yet: the profile's estimate is used.")]));
}

/** The 1RM panel: the athlete's tested maxes and a form to record one. */
export async function setUpMaxes(athleteId, exercise, onChange) {
  const form = $("add-max");
  form.elements.exercise.replaceChildren(...(await lifts()).map((lift) => el("option", { value: lift }, exerciseName(lift))));
  if (exercise) form.elements.exercise.value = exercise;
  onSubmit(form, async (values) => {
    const body = { exercise: values.exercise, load_kg: values.load_kg };
    if (values.velocity_m_s !== null) body.velocity_m_s = values.velocity_m_s;
    if (values.tested_on) body.tested_at = new Date(`${values.tested_on}T12:00:00`).toISOString();
    await sendJson("POST", `/api/athletes/${athleteId}/maxes`, body);
    form.reset();
    form.elements.exercise.value = body.exercise;
    await showMaxes(athleteId);
    await onChange();
  });
  await showMaxes(athleteId);
}

/** The athlete's plan settings, or null when there is no plan. */
async function planSettings(athleteId) {
  try {
    return (await getJson(`/api/athletes/${athleteId}/plan`)).settings;
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}

function removeButton(label, action) {
  const button = el("button", { type: "button", class: "small", "aria-label": label }, "Remove");
  button.addEventListener("click", action);
  return button;
}

/** The key-runs panel; `onChange` redraws the plan after a change. */
export async function setUpKeyRuns(athleteId, onChange) {
  let settings = await planSettings(athleteId);
  const save = async (changes) => {
    settings = (await sendJson("PUT", `/api/athletes/${athleteId}/plan`, { ...settings, ...changes })).settings;
    draw();
    await onChange();
  };
  const draw = () => {
    const hasPlan = settings !== null;
    for (const id of ["add-weekly-run", "add-dated-run"]) $(id).classList.toggle("hidden", !hasPlan);
    $("start-plan").classList.toggle("hidden", hasPlan);
    if (!hasPlan) {
      $("runs-text").textContent = "Key runs are kept in the power-clean plan: start one to record them.";
      $("key-runs").replaceChildren();
      return;
    }
    $("runs-text").textContent = "The plan moves its sessions away from these runs.";
    const weekly = settings.key_runs.map((run, i) => el("li", {},
      `Every ${WEEKDAYS[run.weekday]} at ${run.start_time} `,
      removeButton(`Remove the ${WEEKDAYS[run.weekday]} key run`, () =>
        save({ key_runs: settings.key_runs.filter((_, j) => j !== i) }))));
    const dated = settings.key_run_dates.map((when, i) => el("li", {},
      `${localWhen(when)} `,
      removeButton(`Remove the key run of ${when}`, () =>
        save({ key_run_dates: settings.key_run_dates.filter((_, j) => j !== i) }))));
    $("key-runs").replaceChildren(...(weekly.length || dated.length
      ? [...weekly, ...dated]
      : [el("li", { class: "muted" }, "No key runs yet.")]));
  };

  const weeklyForm = $("add-weekly-run");
  weeklyForm.elements.weekday.replaceChildren(...weekdayOptions());
  onSubmit(weeklyForm, (values) =>
    save({ key_runs: [...settings.key_runs, { weekday: Number(values.weekday), start_time: values.start_time }] }));
  const datedForm = $("add-dated-run");
  onSubmit(datedForm, async (values) => {
    await save({ key_run_dates: [...settings.key_run_dates, values.when.slice(0, 16)] });
    datedForm.reset();
  });
  const startForm = $("start-plan");
  startForm.elements.day1.replaceChildren(...weekdayOptions());
  startForm.elements.day2.append(...weekdayOptions());
  startForm.elements.start_date.value = new Date().toISOString().slice(0, 10);
  onSubmit(startForm, async (values) => {
    const weekdays = [Number(values.day1)];
    if (values.day2 !== "" && Number(values.day2) !== weekdays[0]) weekdays.push(Number(values.day2));
    settings = null;
    const plan = await sendJson("PUT", `/api/athletes/${athleteId}/plan`, {
      start_date: values.start_date,
      weekdays: weekdays.sort(),
      utc_offset_minutes: -new Date().getTimezoneOffset(),
      prerequisites: {
        deadlift_competent: values.deadlift_competent,
        front_squat_competent: values.front_squat_competent,
        shoulder_mobility: values.shoulder_mobility,
      },
    });
    settings = plan.settings;
    draw();
    await onChange();
  });
  draw();
}
