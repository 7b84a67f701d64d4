// Text filter for long tables: <input data-filter-table="TABLE_ID"> hides rows that do not contain every word.
for (const input of document.querySelectorAll<HTMLInputElement>('input[data-filter-table]')) {
  const table = document.getElementById(input.dataset.filterTable!);
  const count = document.querySelector<HTMLElement>(`[data-filter-count="${input.dataset.filterTable}"]`);
  if (!table) continue;
  const rows = [...table.querySelectorAll<HTMLTableRowElement>('tbody tr')];
  const texts = rows.map((r) => r.textContent!.toLowerCase());
  const apply = () => {
    const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    rows.forEach((r, i) => {
      const ok = words.every((w) => texts[i].includes(w));
      r.hidden = !ok;
      if (ok) shown++;
    });
    if (count) count.textContent = words.length ? `${shown} of ${rows.length} shown` : `${rows.length} rows`;
  };
  input.addEventListener('input', apply);
  apply();
}
