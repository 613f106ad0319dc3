// Talking to the vbt API from the pages: JSON requests, small DOM helpers.
//
// A deployment that needs tokens is signed into once per browser (auth.js: a cookie the server
// sets); requests, streams and videos then carry it by themselves. Nothing here handles a token.

import { signInForm } from "./auth.js";

/** An API answer that was not 2xx: `status` and the service's `detail` sentence. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function detailText(body, status) {
  const detail = body && body.detail;
  if (typeof detail === "string") return detail;
  if (Array.isArray(detail) && detail.length) {
    return detail.map((d) => `${(d.loc || []).join(".")}: ${d.msg}`).join("; ");
  }
  return `the server answered HTTP ${status}`;
}

/** One request to this server's API (same origin, with the sign-in cookie); the JSON answer, or ApiError with the service's message. */
async function request(path, { method = "GET", json, form } = {}) {
  const headers = { Accept: "application/json" };
  let body;
  if (json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(json);
  } else if (form !== undefined) {
    body = form; // the browser writes the multipart boundary
  }
  let response;
  try {
    response = await fetch(path, { method, headers, body, cache: "no-store", credentials: "same-origin" });
  } catch (err) {
    throw new ApiError(0, `The vbt server cannot be reached (${err.message}); check that it is running.`);
  }
  let answer = null;
  try {
    answer = await response.json();
  } catch {
    answer = null;
  }
  if (!response.ok) throw new ApiError(response.status, detailText(answer, response.status));
  return answer;
}

/** GET a JSON resource of the API; throws ApiError with the service's message. */
export function getJson(path) {
  return request(path);
}

/** POST/PUT/PATCH a JSON body to the API; the answer's JSON. */
export function sendJson(method, path, json) {
  return request(path, { method, json });
}

/** POST a multipart form (a video upload) to the API; the answer's JSON. */
export function sendForm(path, form) {
  return request(path, { method: "POST", form });
}

let openapiSchema = null;
let openapiPaths = null;

async function openapi() {
  if (openapiSchema === null) openapiSchema = await getJson("/openapi.json");
  return openapiSchema;
}

/**
 * Whether this server has a GET route for `template` (e.g. "/api/sets/{id}/videos"), from its
 * OpenAPI schema; parameter names do not matter. Lets a page use endpoints added later.
 */
export async function hasEndpoint(template) {
  const shape = (path) => path.replace(/\{[^}]*\}/g, "{}");
  if (openapiPaths === null) {
    const schema = await openapi();
    openapiPaths = new Map(Object.entries(schema.paths ?? {}).map(([path, ops]) => [shape(path), ops]));
  }
  const ops = openapiPaths.get(shape(template));
  return Boolean(ops && ops.get);
}

/** The lifts this server measures (its OpenAPI schema's `Lift` values, e.g. "power_clean"). */
export async function lifts() {
  const schema = await openapi();
  return schema.components?.schemas?.Lift?.enum ?? [];
}

/** A URL of this server for a stream (ws: or wss: for a WebSocket); the sign-in cookie goes along. */
export function streamUrl(path, params, { websocket }) {
  const url = new URL(path, window.location.href);
  if (websocket) url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, String(value));
  return url.toString();
}

/** The integer id after `prefix` in this page's path (`/sets/12` -> 12), or null. */
export function idFromPath(prefix) {
  const rest = window.location.pathname.slice(prefix.length);
  const match = /^(\d+)/.exec(rest);
  return match ? Number(match[1]) : null;
}

/** Create an element: el("td", {class: "x", dataset: {k: "v"}}, "text", child, ...). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "style") node.style.cssText = value;
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** A number with `digits` decimals, or an em dash for null/NaN. */
export function fmt(value, digits = 2) {
  return typeof value === "number" && Number.isFinite(value) ? value.toFixed(digits) : "—";
}

/** A velocity with its standard deviation from the track's noise ("2.65 ± 0.07"), when it has one. */
export function withSd(value, sd) {
  return typeof sd === "number" && Number.isFinite(sd) && typeof value === "number" && Number.isFinite(value)
    ? `${fmt(value)} ± ${fmt(sd)}`
    : fmt(value);
}

/** A timestamp from the API (UTC ISO) in the browser's local date and time. */
export function fmtDate(iso, { time = true } = {}) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "—";
  const options = time
    ? { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" }
    : { year: "numeric", month: "short", day: "numeric" };
  return date.toLocaleString(undefined, options);
}

/** "power_clean" -> "Power clean". */
export function exerciseName(exercise) {
  const text = String(exercise).replaceAll("_", " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Show an error message in `container` (replacing its content); no token, or one of too small a scope (401, 403), adds a sign-in form. */
export function showError(container, err) {
  container.classList.remove("hidden");
  container.classList.add("panel", "error");
  container.setAttribute("role", "alert");
  container.replaceChildren(err instanceof Error ? err.message : String(err));
  if (err instanceof ApiError && (err.status === 401 || err.status === 403)) container.append(signInForm());
}
