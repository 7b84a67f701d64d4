/**
 * Research triggers and evidence packs.
 *  - unknown stable parameters (a dictionary-style JSON: array or {unknowns|params: [...]} of
 *    {param, aliases?, platform?|platforms?, sdk?, version?, stability?, seen?}; stability < 0.9 is ignored),
 *  - specs that relax a default (YAML with id/scope and an `assert` key starting with allow_/relax/max_/min_),
 *  - drift/proposal bundles (JSON with bundle_id / anomalies / dictionary_deltas).
 * Each becomes query inputs → expandQuery → searchEvidence → merged top-k → evidence pack.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import YAML from 'yaml';
import type { GoblinConfig } from '../config/index.js';
import { UsageError } from '../util/errors.js';
import { shortId } from '../util/hash.js';
import { setupModels } from './embed.js';
import { expandQuery, type QueryInput } from './query.js';
import { searchEvidence, type SearchHit, type SearchMode } from './search.js';
import { loadIndex } from './store.js';
import { slugify } from './text.js';
import { makeDirs } from '../util/files.js';

export type TriggerKind = 'topic' | 'unknown_param' | 'relaxing_spec' | 'drift_bundle';

export interface ResearchRequest {
  kind: TriggerKind;
  reason: string;
  input: QueryInput;
}

const arr = (v: unknown): string[] =>
  v === undefined || v === null
    ? []
    : (Array.isArray(v) ? v : [v]).filter((x) => typeof x === 'string' || typeof x === 'number').map(String);

const RELAX_KEY = /^(allow_|relax|max_|min_|tolerance|grace)/i;

function specRequests(spec: Record<string, unknown>, source: string): ResearchRequest[] {
  const scope = (spec.scope ?? {}) as Record<string, unknown>;
  const assert = (spec.assert ?? {}) as Record<string, unknown>;
  const relaxKeys: string[] = [];
  const visit = (o: unknown) => {
    if (!o || typeof o !== 'object') return;
    for (const [k, v] of Object.entries(o as Record<string, unknown>)) {
      if (RELAX_KEY.test(k) || (k === 'enabled' && v === false) || k === 'relaxes') relaxKeys.push(k);
      visit(v);
    }
  };
  visit(assert);
  if (spec.relaxes) relaxKeys.push(...arr(spec.relaxes));
  const idTerms = String(spec.id ?? '')
    .toLowerCase()
    .split(/[_\s-]+/)
    .filter((t) => t.length > 1);
  const relaxTerms = relaxKeys.flatMap((k) =>
    k
      .toLowerCase()
      .replace(/^(allow_|relax_?)/, '')
      .replace(/_(lt|gt|le|ge|seconds|ms|s)\b/g, '')
      .split('_')
      .filter(Boolean),
  );
  const requires = (spec.requires ?? {}) as Record<string, unknown>;
  return [
    {
      kind: relaxKeys.length ? 'relaxing_spec' : 'topic',
      reason: relaxKeys.length
        ? `${source}: spec ${spec.id} relaxes ${relaxKeys.join(', ')}`
        : `${source}: spec ${spec.id}`,
      input: {
        text: [...new Set([...relaxTerms, ...idTerms.filter((t) => !arr(scope.sdk).includes(t))])].join(' '),
        platforms: arr(scope.platform),
        sdks: arr(scope.sdk),
        versions: arr(scope.version),
        params: arr(requires.keys),
        terms: relaxTerms,
      },
    },
  ];
}

function unknownRequests(list: unknown[], source: string): ResearchRequest[] {
  const out: ResearchRequest[] = [];
  for (const e of list) {
    const o = (typeof e === 'string' ? { param: e } : e) as Record<string, unknown>;
    const param = String(o.param ?? o.name ?? '');
    if (!param) continue;
    if (typeof o.stability === 'number' && o.stability < 0.9) continue;
    const platforms = arr(o.platforms ?? o.platform);
    out.push({
      kind: 'unknown_param',
      reason: `${source}: unknown stable parameter ${param}`,
      input: {
        text: [param, ...platforms].join(' '),
        params: [param, ...arr(o.aliases)],
        platforms,
        sdks: arr(o.sdks ?? o.sdk ?? o.family),
        versions: arr(o.versions ?? o.version),
      },
    });
  }
  return out;
}

function bundleRequests(b: Record<string, unknown>, source: string): ResearchRequest[] {
  const anomalies = (Array.isArray(b.anomalies) ? b.anomalies : []) as Record<string, unknown>[];
  const deltas = (Array.isArray(b.dictionary_deltas) ? b.dictionary_deltas : []) as Record<string, unknown>[];
  const out: ResearchRequest[] = anomalies.map((a) => ({
    kind: 'drift_bundle' as const,
    reason: `${source}: bundle ${b.bundle_id ?? ''} ${a.family ?? 'anomaly'} drift on ${arr(a.platform).join('/')}`,
    input: {
      text: [a.family, ...arr(a.platform), ...arr(a.code ?? a.fail_code)]
        .filter(Boolean)
        .join(' ')
        .replace(/_/g, ' ')
        .toLowerCase(),
      platforms: arr(a.platform),
      sdks: arr(a.sdk),
      versions: arr(a.version),
      terms: arr(a.family),
    },
  }));
  const params = deltas.map((d) => String(d.param ?? '')).filter(Boolean);
  if (params.length)
    out.push(
      ...unknownRequests(
        params.map((p) => ({ param: p })),
        source,
      ),
    );
  return out;
}

/** Research requests from a trigger file (unknowns JSON, drift bundle JSON, spec YAML). */
export function requestsFromFile(file: string): ResearchRequest[] {
  if (!existsSync(file)) throw new UsageError(`trigger file not found: ${file}`);
  const raw = readFileSync(file, 'utf8');
  let doc: unknown;
  try {
    doc = /\.json$/i.test(file) ? JSON.parse(raw) : YAML.parse(raw);
  } catch (e) {
    throw new UsageError(`cannot parse ${file}: ${(e as Error).message}`);
  }
  const src = basename(file);
  if (Array.isArray(doc)) return unknownRequests(doc, src);
  if (doc && typeof doc === 'object') {
    const o = doc as Record<string, unknown>;
    if (o.bundle_id !== undefined || o.anomalies || o.dictionary_deltas) return bundleRequests(o, src);
    if (Array.isArray(o.unknowns)) return unknownRequests(o.unknowns, src);
    if (Array.isArray(o.params)) return unknownRequests(o.params, src);
    if (o.id && (o.scope || o.assert)) return specRequests(o, src);
  }
  throw new UsageError(`${file}: not an unknowns list, a drift bundle or a spec`);
}

export interface EvidencePassage extends Omit<SearchHit, 'rank' | 'sources' | 'text'> {
  rank: number;
  text: string;
  queries: string[];
}

export interface EvidencePack {
  id: string;
  topic: string;
  kind: TriggerKind;
  created_at: string;
  mode: SearchMode;
  notes: string[];
  requests: { kind: TriggerKind; reason: string }[];
  queries: string[];
  passages: EvidencePassage[];
  citations: { url: string; cached_ref: string; quote: string; fetched_at: string; content_hash: string }[];
}

export interface PackOptions {
  config: GoblinConfig;
  k?: number;
  /** Write evidence/packs/<id>.json (default true). */
  write?: boolean;
  packsDir?: string;
  indexDir?: string;
  llm?: boolean;
}

/** Build (and write) an evidence pack for a topic string or a trigger file (bundle/unknowns/spec). */
export async function buildEvidencePack(
  topicOrBundle: string,
  opts: PackOptions,
): Promise<EvidencePack & { file?: string }> {
  const isFile = /\.(json|ya?ml)$/i.test(topicOrBundle) && existsSync(topicOrBundle);
  const requests: ResearchRequest[] = isFile
    ? requestsFromFile(topicOrBundle)
    : [{ kind: 'topic', reason: `topic: ${topicOrBundle}`, input: { text: topicOrBundle } }];
  const k = opts.k ?? opts.config.research.top_k;
  const indexDir = opts.indexDir ?? opts.config.research.index_dir;
  const index = loadIndex(indexDir);
  if (!index) throw new UsageError(`no research index at ${indexDir}: run 'goblin research crawl' first`);
  const models = await setupModels(opts.config.models);
  const notes = new Set<string>();
  const queries: string[] = [];
  for (const r of requests) {
    const ex = await expandQuery(r.input, { models: opts.config.models, llm: opts.llm });
    ex.notes.forEach((n) => notes.add(n));
    for (const q of ex.queries) if (!queries.includes(q)) queries.push(q);
  }
  const merged = new Map<string, { score: number; hit: SearchHit; queries: string[]; best: number }>();
  let mode: SearchMode = 'lexical';
  for (const q of queries) {
    const res = await searchEvidence(q, { config: opts.config, indexDir, k: Math.max(k, 10), models, index });
    mode = res.mode;
    res.notes.forEach((n) => notes.add(n));
    for (const h of res.hits) {
      const m = merged.get(h.chunk_id);
      const s = 1 / (60 + h.rank);
      if (!m) merged.set(h.chunk_id, { score: s, hit: h, queries: [q], best: h.rank });
      else {
        m.score += s;
        m.queries.push(q);
        if (h.rank < m.best) {
          m.best = h.rank;
          m.hit = h;
        }
      }
    }
  }
  const top = [...merged.values()]
    .sort((a, b) => b.score - a.score || (a.hit.chunk_id < b.hit.chunk_id ? -1 : 1))
    .slice(0, k);
  const topic = isFile ? basename(topicOrBundle) : topicOrBundle;
  const passages: EvidencePassage[] = top.map((m, i) => {
    const { sources: _s, rank: _r, ...rest } = m.hit;
    return { ...rest, rank: i + 1, score: Number(m.score.toFixed(6)), queries: m.queries };
  });
  const pack: EvidencePack = {
    id: `${slugify(topic, 48)}-${shortId(topic).slice(0, 8)}`,
    topic,
    kind: requests[0]?.kind ?? 'topic',
    created_at: new Date().toISOString(),
    mode,
    notes: [...notes],
    requests: requests.map((r) => ({ kind: r.kind, reason: r.reason })),
    queries,
    passages,
    citations: passages.map((p) => ({
      url: p.url,
      cached_ref: p.cached_ref,
      quote: p.quote,
      fetched_at: p.fetched_at,
      content_hash: p.content_hash,
    })),
  };
  // An empty pack cites nothing: writing it would leave a file the exit code says was not written.
  if ((opts.write ?? true) && passages.length) {
    const dir = opts.packsDir ?? opts.config.research.packs_dir;
    makeDirs(dir);
    const file = join(dir, `${pack.id}.json`);
    writeFileSync(file, `${JSON.stringify(pack, null, 2)}\n`);
    return { ...pack, file };
  }
  return pack;
}
