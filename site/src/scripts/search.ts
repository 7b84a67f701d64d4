// Client-side search over the prebuilt index (same tokenizer and BM25 scorer as the build).
import { pageFile } from '../../../tools/publish/links';
import { search, type SearchIndex } from '../../../tools/publish/search';

const form = document.querySelector<HTMLFormElement>('#search-form');
const input = document.querySelector<HTMLInputElement>('#q');
const list = document.querySelector<HTMLOListElement>('#search-results');
const status = document.querySelector<HTMLElement>('#search-status');
const LABEL: Record<string, string> = {
  spec: 'Spec',
  dictionary: 'Parameter',
  code: 'Code',
  evidence: 'Evidence',
  clause: 'Clause',
};

/** Load search-index.js with a script tag: works from a server and from a page opened from disk. */
function loadIndex(src: string): Promise<SearchIndex> {
  const w = self as unknown as { GOBLIN_SEARCH_INDEX?: SearchIndex };
  if (w.GOBLIN_SEARCH_INDEX) return Promise.resolve(w.GOBLIN_SEARCH_INDEX);
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = src;
    s.onload = () =>
      w.GOBLIN_SEARCH_INDEX ? resolve(w.GOBLIN_SEARCH_INDEX) : reject(new Error('empty index'));
    s.onerror = () => reject(new Error(`cannot load ${src}`));
    document.head.append(s);
  });
}

/** Keep the query in the address bar where the browser allows it (file:// pages may refuse). */
function rememberQuery(q: string): void {
  try {
    const url = new URL(location.href);
    if (q) url.searchParams.set('q', q);
    else url.searchParams.delete('q');
    history.replaceState(null, '', url);
  } catch {
    // not essential
  }
}

if (form && input && list && status) {
  let index: SearchIndex | null = null;
  const load = async () => {
    if (!index) {
      status.textContent = 'Loading the index…';
      index = await loadIndex(form.dataset.index!);
    }
    return index;
  };
  const run = async () => {
    const q = input.value.trim();
    rememberQuery(q);
    list.replaceChildren();
    if (!q) {
      status.textContent = '';
      return;
    }
    const idx = await load();
    const hits = search(idx, q, 30);
    status.textContent = hits.length
      ? `${hits.length} result${hits.length === 1 ? '' : 's'} for “${q}”`
      : `No results for “${q}”`;
    for (const h of hits) {
      const li = document.createElement('li');
      const kind = document.createElement('span');
      kind.className = 'kind';
      kind.textContent = LABEL[h.kind] ?? h.kind;
      const a = document.createElement('a');
      a.href = form.dataset.root + pageFile(h.url.replace(/^\/+/, ''));
      a.textContent = h.title;
      const p = document.createElement('p');
      p.textContent = h.snippet;
      li.append(kind, a, p);
      li.dataset.kind = h.kind;
      list.append(li);
    }
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(run, 150);
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void run();
  });
  const q0 = new URLSearchParams(location.search).get('q');
  if (q0) {
    input.value = q0;
    void run();
  }
}
