// Session viewer: hovering / focusing an event point shows its parameters in a tooltip.
interface Ev {
  event_id: string;
  t_s: number;
  ts: string;
  type: string;
  raw_type: string | null;
  asset_type: string | null;
  playhead_s: number | null;
  params: Record<string, string | number | boolean | null>;
  codes: string[];
}
const fig = document.querySelector<HTMLElement>('#timeline');
const tip = document.querySelector<HTMLElement>('#ev-tip');
const raw = document.querySelector('#tl-events');
if (fig && tip && raw) {
  const events = JSON.parse(raw.textContent || '[]') as Ev[];
  const esc = (s: unknown) =>
    String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  let current: Element | null = null;
  const show = (el: Element) => {
    const e = events[Number((el as HTMLElement).dataset.i)];
    if (!e) return;
    current?.classList.remove('on');
    current = el;
    el.classList.add('on');
    const rows = Object.entries(e.params)
      .map(([k, v]) => `<tr><th scope="row"><code>${esc(k)}</code></th><td><code>${esc(v)}</code></td></tr>`)
      .join('');
    tip.innerHTML =
      `<h3>${esc(e.type)}${e.raw_type && e.raw_type !== e.type ? ` <span class="muted">(${esc(e.raw_type)})</span>` : ''}</h3>` +
      `<p>t = ${esc(e.t_s)} s · ${esc(e.ts)}${e.playhead_s !== null ? ` · playhead ${esc(e.playhead_s)} s` : ''}${e.asset_type ? ` · ${esc(e.asset_type)}` : ''}</p>` +
      (e.codes.length ? `<p><strong style="color:#b3261e">${e.codes.map(esc).join(', ')}</strong></p>` : '') +
      `<table><tbody>${rows}</tbody></table>`;
    tip.hidden = false;
    const box = fig.getBoundingClientRect();
    const r = el.getBoundingClientRect();
    const w = tip.offsetWidth;
    let left = r.left - box.left + 12;
    if (left + w > box.width) left = Math.max(0, r.left - box.left - w - 12);
    tip.style.left = `${left}px`;
    tip.style.top = `${Math.max(0, r.top - box.top + 12)}px`;
  };
  const hide = () => {
    tip.hidden = true;
    current?.classList.remove('on');
    current = null;
  };
  for (const el of fig.querySelectorAll('circle.ev')) {
    el.addEventListener('mouseenter', () => show(el));
    el.addEventListener('focus', () => show(el));
    el.addEventListener('mouseleave', hide);
    el.addEventListener('blur', hide);
  }
  document.addEventListener('keydown', (k) => k.key === 'Escape' && hide());
  window.addEventListener('resize', hide);
}
