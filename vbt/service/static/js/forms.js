// Forms of the dashboard: read a form's fields, say what went wrong next to it, keep the button
// from sending twice.

/** The form's values by name: numbers for type=number inputs (null when empty), booleans for
 * checkboxes, trimmed text else. */
export function formValues(form) {
  const values = {};
  for (const field of form.elements) {
    if (!field.name || field.type === "file") continue;
    if (field.type === "checkbox") {
      values[field.name] = field.checked;
      continue;
    }
    const text = field.value.trim();
    values[field.name] = field.type === "number" ? (text === "" ? null : Number(text)) : text;
  }
  return values;
}

/** Show `err` in the form's `.form-error` line (or clear it with null). */
export function formError(form, err) {
  const line = form.querySelector(".form-error");
  if (!line) return;
  line.classList.toggle("hidden", err === null);
  line.textContent = err === null ? "" : err instanceof Error ? err.message : String(err);
}

/**
 * Run `action(values)` when the form is submitted: the submit button is disabled meanwhile and an
 * error is shown in the form (the form keeps what was typed).
 */
export function onSubmit(form, action) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    formError(form, null);
    try {
      await action(formValues(form));
    } catch (err) {
      formError(form, err);
    } finally {
      if (button) button.disabled = false;
    }
  });
}
