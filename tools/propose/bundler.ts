/**
 * A small investigate-bundle builder over a corpus (what drift / anomaly clusters / `dictionary unknowns`
 * hand to the spec writer, tools/bundle/): the largest group of active findings by code × stratum, or — when
 * the pack finds nothing — a parameter no seed, spec or baseline corpus knows, with its presence share.
 */
import type { Bundle } from '../bundle/schema.js';
import type { GoblinConfig } from '../config/index.js';
import { seedNames } from '../dictionary/seed.js';
import type { Constitution } from '../spec/constitution.js';
import type { LoadedSpec } from '../spec/schema.js';
import { CHECKS } from '../validate/checks/index.js';
import { validateCapture } from '../validate/validate.js';
import type { Corpus } from './data.js';
import { packWith } from './spec-util.js';
import { shortId } from '../util/hash.js';

const METRIC: Record<string, string> = {
  CADENCE_AD_PING_GAP: 'ad_ping_interval_s',
  CADENCE_CONTENT_PING_GAP: 'content_ping_interval_s',
  CADENCE_EARLY_FIRST_PING: 'first_ping_delay_s',
  HOST_UNEXPECTED: 'host',
};

export function bundleFromCorpus(
  corpus: Corpus,
  ctx: {
    specs: LoadedSpec[];
    constitution: Constitution;
    config: GoblinConfig;
    knownParams?: Set<string>;
    now?: string;
  },
): Bundle | null {
  const pack = packWith(ctx.specs, null);
  const groups = new Map<
    string,
    {
      code: string;
      sessions: Set<string>;
      s: { protocol: string; platform: string; sdk: string; sdk_version: string | null };
      values: number[];
      samples: { har: string; session: string }[];
    }
  >();
  for (const { capture } of corpus.captures) {
    const r = validateCapture(capture, pack, { cnames: ctx.config.hosts.cname_allowlist });
    for (const f of r.findings) {
      if (f.spec_status !== 'active') continue;
      const row = r.sessions.find((s) => s.session === f.session)!;
      const key = `${f.code}|${row.protocol}|${row.platform}|${row.sdk_version}`;
      const g = groups.get(key) ?? { code: f.code, sessions: new Set(), s: row, values: [], samples: [] };
      if (!g.sessions.has(f.session)) g.samples.push({ har: capture.har, session: f.session });
      g.sessions.add(f.session);
      const v = Number.parseFloat(f.observed ?? '');
      if (Number.isFinite(v) && g.values.length < 50) g.values.push(v);
      groups.set(key, g);
    }
  }
  const best = [...groups.values()]
    .filter((g) => g.sessions.size >= 2)
    .sort((a, b) => b.sessions.size - a.sessions.size)[0];
  const created = ctx.now ?? new Date().toISOString();
  if (best) {
    const check = [...CHECKS.values()].find((c) => c.codes.includes(best.code));
    const constraints = ctx.constitution.clauses
      .filter((c) => check && c.check.checks.includes(check.id))
      .map((c) => `DO_NOT_RELAX:${c.id}`);
    return {
      bundle_id: `anomaly-${shortId(corpus.datasetHash, best.code, best.s.sdk_version ?? '').slice(0, 10)}`,
      created_at: created,
      source: 'anomaly',
      title: `${best.code} in ${best.sessions.size} ${best.s.protocol} ${best.s.platform} ${best.s.sdk_version} sessions`,
      scope: {
        platform: best.s.platform,
        sdk: best.s.sdk,
        protocol: best.s.protocol,
        versions: best.s.sdk_version ? [best.s.sdk_version] : [],
      },
      anomalies: [
        {
          family: best.code.split('_')[0].toLowerCase(),
          code: best.code,
          metric: METRIC[best.code] ?? best.code.toLowerCase(),
          platform: best.s.platform,
          sdk: best.s.sdk,
          version: best.s.sdk_version ?? undefined,
          values: best.values,
          sessions: best.sessions.size,
          note: '',
        },
      ],
      dictionary_deltas: [],
      sample_sessions: best.samples.slice(0, 10),
      evidence_chunks: [],
      constraints,
      dataset: { hash: corpus.datasetHash },
    };
  }
  // No findings: look for parameters nobody knows.
  const known = new Set([...seedNames(), ...(ctx.knownParams ?? [])]);
  const byStratum = new Map<
    string,
    {
      s: { protocol: string; platform: string; sdk: string; sdk_version: string | null };
      sessions: number;
      params: Map<string, number>;
    }
  >();
  for (const { capture } of corpus.captures)
    for (const s of capture.sessions) {
      if (s.kind !== 'media') continue;
      const key = `${s.protocol}|${s.platform}|${s.sdk_version}`;
      const g = byStratum.get(key) ?? { s, sessions: 0, params: new Map() };
      g.sessions++;
      const names = new Set(s.events.flatMap((e) => Object.keys(e.params)));
      for (const n of names)
        if (!known.has(n) && !n.startsWith('_')) g.params.set(n, (g.params.get(n) ?? 0) + 1);
      byStratum.set(key, g);
    }
  const cand = [...byStratum.values()]
    .flatMap((g) => [...g.params.entries()].map(([p, n]) => ({ g, p, n })))
    .filter((x) => x.n >= 2)
    .sort((a, b) => b.n - a.n || a.p.localeCompare(b.p))[0];
  if (!cand) return null;
  const { g, p, n } = cand;
  return {
    bundle_id: `unknowns-${shortId(corpus.datasetHash, p).slice(0, 10)}`,
    created_at: created,
    source: 'unknowns',
    title: `unknown parameter ${p} in ${n}/${g.sessions} ${g.s.protocol} ${g.s.platform} ${g.s.sdk_version} sessions`,
    scope: {
      platform: g.s.platform,
      sdk: g.s.sdk,
      protocol: g.s.protocol,
      versions: g.s.sdk_version ? [g.s.sdk_version] : [],
    },
    anomalies: [
      { family: 'params', metric: `param_presence:${p}`, values: [n / g.sessions], sessions: n, note: '' },
    ],
    dictionary_deltas: [
      { param: p, sdk: g.s.sdk, change: 'new', detail: `present in ${n} of ${g.sessions} sessions` },
    ],
    sample_sessions: [],
    evidence_chunks: [],
    constraints: [],
    dataset: { hash: corpus.datasetHash },
  };
}

/** Every param name seen in a corpus (the baseline "known" set for unknown detection). */
export function paramsSeen(corpus: Corpus): Set<string> {
  const out = new Set<string>();
  for (const { capture } of corpus.captures)
    for (const e of capture.events) for (const k of Object.keys(e.params)) out.add(k);
  return out;
}
