// Talking to the vbt API from the pages: JSON reads, the bearer token, small DOM helpers.
//
// A deployment that closes reads (VBT_REQUIRE_TOKEN_FOR_READS) is opened once with
// `?access_token=<token>` on any page URL; the token is kept in this browser's localStorage and sent
// as `Authorization: Bearer` (and as `?access_token=` on streams, which cannot carry headers).

const TOKEN_KEY = "vbt.access_token";

/** An API answer that was not 2xx: `status` and the service's `detail` sentence. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** The bearer token for reads, from `?access_token=` (remembered) or an earlier visit; or null. */
export function accessToken() {
  const params = new URLSearchParams(window.location.search);
  const given = params.get("access_token");
  try {
    if (given) {
      window.localStorage.setItem(TOKEN_KEY, given);
      return given;
    }
    return window.localStorage.getItem(TOKEN_KEY);
  } catch {
    return given; // storage disabled: use the URL's token for this page only
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

/** The headers every API request carries: the bearer token when there is one (the one place it is added). */
function authHeaders() {
  const headers = { Accept: "application/json" };
  const token = accessToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  return headers;
}

/** One request to this server's API (same origin); the JSON answer, or ApiError with the service's message. */
async function request(path, { method = "GET", json, form } = {}) {
  const headers = authHeaders();
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

/** A URL of this server for a stream, with the token as a query parameter when there is one. */
export function streamUrl(path, params, { websocket }) {
  const url = new URL(path, window.location.href);
  if (websocket) url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, String(value));
  const token = accessToken();
  if (token) url.searchParams.set("access_token", token);
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

/** Show an error message in `container` (replacing its content). */
export function showError(container, err) {
  container.classList.remove("hidden");
  container.classList.add("panel", "error");
  container.setAttribute("role", "alert");
  container.replaceChildren(err instanceof Error ? err.message : String(err));
}
