/** What the site's search finds: one document per spec, parameter, code, evidence passage and clause. */
import { buildSearchIndex, type SearchDocInput, type SearchIndex } from '../search.js';
import type { SiteData, SiteSpec } from '../site-schema.js';

function fmtScope(s: SiteSpec['scope']): string {
  return [s.platform?.join(' '), s.sdk?.join(' '), s.protocol?.join(' '), s.version, s.cluster]
    .filter(Boolean)
    .join(' ');
}

export function searchDocs(data: SiteData): SearchDocInput[] {
  const docs: SearchDocInput[] = [];
  for (const s of data.specs)
    docs.push({
      kind: 'spec',
      title: `${s.id} — ${s.title}`,
      url: `/specs/${s.id}/`,
      snippet: `${s.family} · ${s.status} · ${fmtScope(s.scope) || 'all scopes'}${s.rationale ? ` — ${s.rationale}` : ''}`,
      keywords: `${s.id} ${s.family} ${fmtScope(s.scope)} ${s.fail_codes.join(' ')}`,
      body: [
        s.rationale,
        s.assert.map((a) => `${a.check} ${JSON.stringify(a.params)}`).join(' '),
        s.citations.map((c) => c.quote).join(' '),
        s.requires.keys.join(' '),
        s.requires.dict.join(' '),
      ].join(' '),
    });
  for (const d of data.dictionary)
    docs.push({
      kind: 'dictionary',
      title: `${d.param} (${d.sdk})`,
      url: `/dictionary/${d.slug}/`,
      snippet: `${d.type}${d.unit ? ` · ${d.unit}` : ''}${d.concept ? ` · ${d.concept}` : ''}${d.aliases.length ? ` · aliases ${d.aliases.join(', ')}` : ''}`,
      keywords: `${d.param} ${d.aliases.join(' ')} ${d.concept ?? ''}`,
      body: `${d.sdk} ${d.type} ${d.unit ?? ''} ${d.note ?? ''} ${Object.keys(d.presence).join(' ')}`,
    });
  for (const c of data.codes)
    docs.push({
      kind: 'code',
      title: c.code,
      url: `/codes/${c.code}/`,
      snippet: c.definition,
      keywords: `${c.code} ${c.family}`,
      body: c.definition,
    });
  for (const p of data.evidence)
    p.passages.forEach((x, i) =>
      docs.push({
        kind: 'evidence',
        title: x.title || p.topic || x.url,
        url: `/evidence/#${p.slug}-${i}`,
        snippet: x.quote,
        keywords: p.topic,
        body: `${x.heading ?? ''} ${x.quote} ${x.url} ${x.cited_by.join(' ')}`,
      }),
    );
  for (const c of data.constitution)
    docs.push({
      kind: 'clause',
      title: `Clause ${c.id}`,
      url: `/constitution/#${encodeURIComponent(c.id)}`,
      snippet: c.text,
      keywords: c.id,
      body: `${c.text} ${c.checks.join(' ')}`,
    });
  return docs;
}

export function siteSearchIndex(data: SiteData): SearchIndex {
  return buildSearchIndex(searchDocs(data));
}
