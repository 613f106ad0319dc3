// Tables that stay readable on a phone: each cell gets its column's name (data-label), which the
// CSS shows beside the value when a narrow screen stacks a row's cells (table.stack).

/** Copy each column's header text into the `data-label` of that column's body cells. */
export function labelColumns(table) {
  const names = [...table.tHead.rows[0].cells].map((th) => th.textContent.trim());
  for (const row of table.tBodies[0].rows) {
    [...row.cells].forEach((cell, i) => {
      if (cell.colSpan === 1 && names[i]) cell.dataset.label = names[i];
    });
  }
}
