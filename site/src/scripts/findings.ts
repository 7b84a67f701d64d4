// Findings table: filters (also from the URL, e.g. ?code=X), live count, CSV of the rows shown.
import { csvField } from '../../../tools/publish/csv';

const form = document.querySelector<HTMLFormElement>('#finding-filters');
const table = document.querySelector<HTMLTableElement>('#findings-table');
const count = document.querySelector<HTMLElement>('#finding-count');
if (form && table && count) {
  const rows = [...table.querySelectorAll<HTMLTableRowElement>('tbody tr')];
  const selects = [...form.querySelectorAll<HTMLSelectElement>('select[data-key]')];
  const params = new URLSearchParams(location.search);
  for (const s of selects) {
    const v = params.get(s.dataset.key!);
    if (v && [...s.options].some((o) => o.value === v)) s.value = v;
  }
  const apply = () => {
    let shown = 0;
    for (const r of rows) {
      const ok = selects.every((s) => !s.value || r.dataset[s.dataset.key!] === s.value);
      r.hidden = !ok;
      if (ok) shown++;
    }
    count.textContent = `${shown.toLocaleString('en-US')} of ${rows.length.toLocaleString('en-US')} findings shown`;
    const q = new URLSearchParams();
    for (const s of selects) if (s.value) q.set(s.dataset.key!, s.value);
    try {
      history.replaceState(null, '', q.size ? `?${q}` : location.pathname);
    } catch {
      // file:// pages may refuse; the filters still apply
    }
  };
  form.addEventListener('change', apply);
  form.addEventListener('reset', () => setTimeout(apply, 0));
  apply();
  document.querySelector('#csv-filtered')?.addEventListener('click', () => {
    const cols = JSON.parse(form.dataset.columns!) as string[];
    const lines = [cols.join(',')];
    for (const r of rows)
      if (!r.hidden) lines.push((JSON.parse(r.dataset.row!) as string[]).map(csvField).join(','));
    const blob = new Blob([`${lines.join('\r\n')}\r\n`], { type: 'text/csv' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = 'findings-filtered.csv';
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  });
}
