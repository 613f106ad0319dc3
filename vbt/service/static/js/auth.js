// Signing this browser in: the one place the pages handle a token.
//
// A server reachable beyond loopback needs a token for reads (and a write token for changes). The
// page never keeps it: signIn() posts it once to /api/auth/cookie, and the server keeps it in an
// HttpOnly, SameSite=Strict cookie that every request of the pages then carries by itself: fetch(),
// EventSource, WebSocket, <img>, <video>. No token ever goes into a URL (the server refuses that).

/** Send `token` to the server, which keeps it in this browser's cookie; throws with its reason. */
export async function signIn(token) {
  const response = await fetch("/api/auth/cookie", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ token: token.trim() }),
  });
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    throw new Error(body?.detail ?? `the server answered HTTP ${response.status}`);
  }
  return response.json(); // {name, scope}
}

/** Forget this browser's token cookie. */
export async function signOut() {
  await fetch("/api/auth/cookie", { method: "DELETE" });
}

/** A small form that signs in with a pasted token, then reloads the page. */
export function signInForm() {
  const form = document.createElement("form");
  form.className = "sign-in";
  const input = Object.assign(document.createElement("input"), {
    type: "password",
    name: "token",
    placeholder: "vbt_…",
    autocomplete: "off",
    required: true,
  });
  input.setAttribute("aria-label", "Token");
  const button = Object.assign(document.createElement("button"), { type: "submit", textContent: "Sign in" });
  const message = document.createElement("span");
  message.className = "sign-in-message";
  form.append("Token: ", input, " ", button, " ", message);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await signIn(input.value);
      window.location.reload();
    } catch (err) {
      message.textContent = err.message;
    }
  });
  return form;
}
