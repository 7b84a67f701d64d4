/**
 * Deterministic query expansion: synonyms, parameter aliases, SDK names and versions, platforms.
 * An LLM (Ollama chat, `models.ollama_host` + `models.writer`) adds extra phrasings only when
 * configured and asked for; its output is appended after the deterministic queries.
 */
import type { GoblinConfig } from '../config/index.js';

/** Groups of interchangeable phrases (lower case). */
export const SYNONYMS: string[][] = [
  ['cadence', 'ping interval', 'heartbeat interval', 'ping frequency'],
  ['first ping', 'first content ping', 'initial ping', 'first heartbeat'],
  ['ping', 'heartbeat', 'keep-alive event'],
  ['bookend', 'start and complete', 'session start', 'session end'],
  ['ad ping', 'ad heartbeat', 'ad break ping'],
  ['playhead', 'current playhead', 'playhead position'],
  ['session start', 'sessionstart', 'media session'],
  ['drift', 'change', 'difference'],
  ['orchestration', 'page hit', 'analytics hit'],
  ['unknown parameter', 'undocumented parameter', 'new parameter'],
];

/** Parameter aliases across Adobe wire formats (Heartbeat `s:`/`l:` keys, Media Collection, AA context data). */
export const PARAM_ALIASES: Record<string, string[]> = {
  playhead: ['l:event:playhead', 'ph', 'media.playhead', 'a.media.playhead'],
  event_type: ['s:event:type', 'eventType', 'event type'],
  ping: ['s:event:type=play', 'ping event', 'pev3'],
  'l:event:playhead': ['playhead'],
  's:event:type': ['event type', 'eventType'],
  'l:event:duration': ['event duration'],
  's:asset:video_id': ['media id', 'media.id', 'video id'],
  's:sc:rsid': ['report suite', 'rsid'],
  'l:event:ts': ['timestamp', 'event timestamp'],
  pev3: ['media analytics hit', 'ms_s'],
  ms_a: ['media ad hit'],
};

export const SDK_NAMES: Record<string, string[]> = {
  roku: ['AEP Roku SDK', 'aepsdk-roku', 'Adobe Media Roku SDK', 'ADBMobile Roku'],
  'hb-api': ['Media Analytics heartbeat', 'Video Heartbeat', 'VHL'],
  heartbeat: ['Media Analytics heartbeat', 'Video Heartbeat'],
  'media-collection': ['Media Collection API', 'Media Edge API'],
  edge: ['Experience Platform Edge Network', 'Web SDK'],
  web: ['Media JS', 'Web SDK'],
  ios: ['AEP Media iOS'],
  android: ['AEP Media Android'],
  tvos: ['AEP Media tvOS'],
  aa: ['Adobe Analytics', 'AppMeasurement'],
};

export interface QueryInput {
  text?: string;
  params?: string[];
  sdks?: string[];
  platforms?: string[];
  versions?: string[];
  terms?: string[];
}

export interface ExpandedQuery {
  /** The base query first, then expansions; deduplicated, order deterministic. */
  queries: string[];
  /** Every term that went into the expansion. */
  terms: string[];
  llm_used: boolean;
  notes: string[];
}

const lc = (s: string) => s.toLowerCase().trim();

export function synonymsOf(phrase: string): string[] {
  const p = lc(phrase);
  const out: string[] = [];
  for (const g of SYNONYMS)
    if (g.includes(p) || g.some((x) => p.includes(x))) out.push(...g.filter((x) => x !== p));
  return [...new Set(out)];
}

export async function expandQuery(
  input: string | QueryInput,
  opts: { models?: GoblinConfig['models']; llm?: boolean; max?: number } = {},
): Promise<ExpandedQuery> {
  const q: QueryInput = typeof input === 'string' ? { text: input } : input;
  const base = lc(q.text ?? [...(q.terms ?? []), ...(q.params ?? []), ...(q.platforms ?? [])].join(' '));
  const queries: string[] = [];
  const terms = new Set<string>();
  const add = (s: string) => {
    const t = s.replace(/\s+/g, ' ').trim();
    if (t && !queries.includes(t)) queries.push(t);
  };
  if (base) add(base);
  const platforms = (q.platforms ?? []).map(lc);
  const ctx = [...platforms, ...(q.versions ?? []).map((v) => v.replace(/[<>=~^ ]+/g, ' ').trim())].join(' ');
  // Synonym substitutions in the base query.
  for (const g of SYNONYMS) {
    const hit = g.find((x) => base.includes(x));
    if (!hit) continue;
    for (const alt of g) {
      if (alt === hit) continue;
      terms.add(alt);
      add(base.replace(hit, alt));
    }
  }
  for (const p of q.params ?? []) {
    terms.add(p);
    add(`${p} ${ctx}`);
    for (const a of PARAM_ALIASES[p] ?? PARAM_ALIASES[lc(p)] ?? []) {
      terms.add(a);
      add(`${a} ${ctx}`);
    }
  }
  for (const s of [...(q.sdks ?? []), ...platforms]) {
    for (const name of SDK_NAMES[lc(s)] ?? []) {
      terms.add(name);
      for (const v of q.versions ?? []) add(`${name} ${v.replace(/[<>=~^]+/g, '').trim()} ${base}`);
      add(`${name} ${base}`);
    }
  }
  for (const t of q.terms ?? []) {
    terms.add(t);
    for (const s of synonymsOf(t)) terms.add(s);
  }
  const notes: string[] = [];
  let llmUsed = false;
  const models = opts.models;
  if (opts.llm && models?.ollama_host && models.writer) {
    try {
      const { Ollama } = await import('ollama');
      const client = new Ollama({ host: models.ollama_host });
      const res = await client.chat({
        model: models.writer,
        format: 'json',
        options: { temperature: 0, seed: 7 },
        messages: [
          {
            role: 'system',
            content:
              'You expand search queries for Adobe Analytics / Media Analytics documentation. Reply as JSON {"queries": [string]} with at most 5 short queries.',
          },
          { role: 'user', content: queries.slice(0, 6).join('\n') },
        ],
      });
      const parsed = JSON.parse(res.message.content) as { queries?: unknown };
      if (Array.isArray(parsed.queries)) {
        for (const x of parsed.queries) if (typeof x === 'string') add(lc(x));
        llmUsed = true;
      }
    } catch (e) {
      notes.push(`LLM expansion skipped: ${(e as Error).message}`);
    }
  } else if (opts.llm) {
    notes.push('LLM expansion skipped: no models.ollama_host configured');
  }
  const max = opts.max ?? 12;
  return { queries: queries.slice(0, max), terms: [...terms].sort(), llm_used: llmUsed, notes };
}
