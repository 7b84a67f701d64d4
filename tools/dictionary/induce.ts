/**
 * Dictionary induction (docs/dictionary.md) from the store: one entry per (sdk, param) with type, unit, stats,
 * stability, presence per (event type, version range), aliases, first/last seen and redacted examples.
 * Everything heavy runs in DuckDB; only per-parameter aggregates come back to JS: moving 1 M rows into JS costs more than the aggregation itself.
 */
import semver from 'semver';
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows, sqlString } from '../store/db.js';
import { readingEvents } from '../store/lake.js';
import { normalizeKeySql } from '../fingerprint/features.js';
import { guessUnit, ID_RE_SOURCE, inferType, ISO_RE_SOURCE, type ValueAgg } from './infer.js';
import type { DictionaryEntry } from './schema.js';
import { ALIAS_SEED, seedIndex } from './seed.js';
import { pushTo } from '../util/push-to.js';

export const DICT_SDKS = ['aa', 'heartbeat', 'hb-api', 'edge'] as const;

export interface InduceOptions {
  /** Presence: share of events at or above which a param is required for (event type, range). */
  requiredShare?: number;
  /** Presence needs this many events of an (event type, range) to say required/forbidden. */
  minEvents?: number;
  /** Value agreement needs this many captures where two params of different protocols agree. */
  minAgreeCaptures?: number;
}

/** Adobe library version → a semver range by minor (`js-2.2.2.230-…` → `>=2.2.0 <2.3.0`). */
export function versionRange(v: string | null): string | null {
  if (!v) return null;
  const aep = /^(?:AND|IOS|TOS|WOS)[A-Z](\d\d)(\d\d)(\d\d)\d{6}$/.exec(v);
  let sv: string | null = aep ? `${Number(aep[1])}.${Number(aep[2])}.${Number(aep[3])}` : null;
  if (!sv) {
    const direct = semver.valid(v);
    sv = direct ? direct.split('+')[0] : (semver.coerce(v)?.version ?? null);
  }
  if (!sv) return null;
  const p = semver.parse(sv)!;
  return `>=${p.major}.${p.minor}.0 <${p.major}.${p.minor + 1}.0`;
}

interface AggRow {
  sdk: string;
  key: string;
  cnt: number;
  nulls: number;
  n_bool: number;
  n_num: number;
  n_int: number;
  n_id: number;
  n_iso: number;
  dmin: number | null;
  dmax: number | null;
  dmean: number | null;
  dstd: number | null;
  n_distinct: number;
  sessions: number;
  first_seen: string | null;
  last_seen: string | null;
  ex_min: string | null;
  ex_max: string | null;
  maxlen: number | null;
}

export interface Induced {
  entries: DictionaryEntry[];
  events: number;
  seconds: number;
}

/** Significant-digit rounding keeps YAML stable and readable. */
export function num(x: number | null, digits = 6): number | null {
  if (x === null || !Number.isFinite(x)) return null;
  if (x === 0) return 0;
  // Large magnitudes (epoch ms, byte counts) keep their integer part; small ones keep `digits` significant digits.
  const r = Math.abs(x) >= 10 ** digits ? Math.round(x) : Number(x.toPrecision(digits));
  return Object.is(r, -0) ? 0 : r;
}

function redact(v: string): string {
  let s = v
    .replace(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, '<email>')
    .replace(/\b\d{1,3}(\.\d{1,3}){3}\b/g, '<ip>');
  if (s.length > 60) s = s.slice(0, 57) + '…';
  return s;
}

export async function induceFromStore(con: DuckDBConnection, opts: InduceOptions = {}): Promise<Induced> {
  const t0 = performance.now();
  const requiredShare = opts.requiredShare ?? 0.98;
  const minEvents = opts.minEvents ?? 3;
  const minAgree = opts.minAgreeCaptures ?? 2;
  const sdkList = DICT_SDKS.map((s) => `'${s}'`).join(', ');

  // Version ranges: a handful of distinct versions, mapped in JS.
  const versions = await readingEvents(
    queryRows<{ sdk: string; sdk_version: string }>(
      con,
      `SELECT DISTINCT sdk, sdk_version FROM event WHERE sdk_version IS NOT NULL AND sdk IN (${sdkList})
     UNION SELECT DISTINCT sdk, sdk_version FROM session WHERE sdk_version IS NOT NULL AND sdk IN (${sdkList})`,
    ),
  );
  const vrValues = versions
    .map((r) => [r.sdk, r.sdk_version, versionRange(r.sdk_version)] as const)
    .filter((r) => r[2] !== null)
    .map(([s, v, r]) => `(${sqlString(s)}, ${sqlString(v)}, ${sqlString(r!)})`);
  await con.run(`CREATE OR REPLACE TEMP TABLE dict_vr (sdk VARCHAR, sdk_version VARCHAR, vrange VARCHAR)`);
  if (vrValues.length) await con.run(`INSERT INTO dict_vr VALUES ${vrValues.join(', ')}`);

  // The one read of the events (every later step reads dict_ev).
  await readingEvents(con.run(`CREATE OR REPLACE TEMP TABLE dict_ev AS
    SELECT e.event_id, e.sdk, e.family, coalesce(e.event_type, '') AS et,
      hash(e.har_hash) AS cap, hash(e.har_hash, coalesce(e.session_key, e.event_id)) AS sid,
      coalesce(vr.vrange, svr.vrange, s.vv, 'unknown') AS vrange, e.ts, e.params
    FROM event e
    LEFT JOIN dict_vr vr ON vr.sdk = e.sdk AND vr.sdk_version = e.sdk_version
    LEFT JOIN (SELECT har_hash, session_key, any_value(sdk) AS sdk, any_value(sdk_version) AS sv,
                 any_value(virtual_version) AS vv FROM session GROUP BY ALL) s
      ON s.har_hash = e.har_hash AND s.session_key = e.session_key
    LEFT JOIN dict_vr svr ON svr.sdk = s.sdk AND svr.sdk_version = s.sv
    WHERE e.sdk IN (${sdkList})`));
  await con.run(`CREATE OR REPLACE TEMP TABLE dict_kv AS
    SELECT sdk, key, family, et, vrange, cap, sid, ts, jt, v,
      CASE WHEN jt <> 'BOOLEAN' AND isfinite(TRY_CAST(v AS DOUBLE)) THEN TRY_CAST(v AS DOUBLE) END AS d
    FROM (
      SELECT ev.sdk, ${normalizeKeySql('j.key')} AS key, ev.family, ev.et, ev.vrange, ev.cap, ev.sid, ev.ts,
        j.type AS jt, j.value ->> '$' AS v
      FROM dict_ev ev, json_each(ev.params) j
      WHERE NOT starts_with(j.key, '_')
    )`);

  const aggs = await queryRows<AggRow>(
    con,
    `SELECT sdk, key, count(*)::INT AS cnt,
       count(*) FILTER (WHERE jt = 'NULL' OR v = '')::INT AS nulls,
       count(*) FILTER (WHERE jt = 'BOOLEAN' OR v IN ('true', 'false'))::INT AS n_bool,
       count(d)::INT AS n_num,
       count(*) FILTER (WHERE d = floor(d))::INT AS n_int,
       count(*) FILTER (WHERE jt = 'VARCHAR' AND regexp_full_match(v, ${sqlString(ID_RE_SOURCE)}))::INT AS n_id,
       count(*) FILTER (WHERE jt = 'VARCHAR' AND regexp_full_match(v, ${sqlString(ISO_RE_SOURCE)}))::INT AS n_iso,
       min(d) AS dmin, max(d) AS dmax, avg(d) AS dmean, stddev_pop(d) AS dstd,
       count(DISTINCT v)::INT AS n_distinct,
       count(DISTINCT sid)::INT AS sessions,
       strftime(min(ts), '%Y-%m-%d') AS first_seen, strftime(max(ts), '%Y-%m-%d') AS last_seen,
       min(v) FILTER (WHERE v <> '') AS ex_min, max(v) FILTER (WHERE v <> '') AS ex_max,
       max(length(v))::INT AS maxlen
     FROM dict_kv GROUP BY ALL ORDER BY sdk, key`,
  );

  // Stability: presence entropy over sessions, within each version range of the family the param lives in
  // (a param sent by every 2.2 session and by no 2.0 session is perfectly stable; one sent by half is not).
  const famSessions = await queryRows<{ sdk: string; family: string; vrange: string; n: number }>(
    con,
    `SELECT sdk, family, vrange, count(DISTINCT sid)::INT AS n FROM dict_ev GROUP BY ALL`,
  );
  const famRanges = new Map<string, Map<string, number>>();
  for (const r of famSessions) {
    const k = `${r.sdk}\u0000${r.family}`;
    if (!famRanges.has(k)) famRanges.set(k, new Map());
    famRanges.get(k)!.set(r.vrange, r.n);
  }
  const keyFam = await queryRows<{ sdk: string; key: string; family: string; vrange: string; n: number }>(
    con,
    `SELECT sdk, key, family, vrange, count(DISTINCT sid)::INT AS n FROM dict_kv
     WHERE jt <> 'NULL' AND v <> '' GROUP BY ALL ORDER BY ALL`,
  );
  const keyFamRanges = new Map<string, Map<string, Map<string, number>>>();
  for (const r of keyFam) {
    const k = `${r.sdk}\u0000${r.key}`;
    if (!keyFamRanges.has(k)) keyFamRanges.set(k, new Map());
    const byFam = keyFamRanges.get(k)!;
    if (!byFam.has(r.family)) byFam.set(r.family, new Map());
    byFam.get(r.family)!.set(r.vrange, r.n);
  }
  const hBin = (p: number) => (p <= 0 || p >= 1 ? 0 : -(p * Math.log2(p) + (1 - p) * Math.log2(1 - p)));
  const presenceEntropy = (sdk: string, key: string): number => {
    const byFam = keyFamRanges.get(`${sdk}\u0000${key}`);
    if (!byFam) return 1;
    // The family where the param is seen in the most sessions.
    let fam = '';
    let most = -1;
    for (const [f, m] of [...byFam].sort()) {
      const n = [...m.values()].reduce((a, b) => a + b, 0);
      if (n > most) [fam, most] = [f, n];
    }
    const ranges = famRanges.get(`${sdk}\u0000${fam}`) ?? new Map<string, number>();
    const total = [...ranges.values()].reduce((a, b) => a + b, 0) || 1;
    let h = 0;
    for (const [r, n] of ranges) h += (n / total) * hBin(Math.min(1, (byFam.get(fam)!.get(r) ?? 0) / n));
    return h;
  };

  // Presence per (event type, version range).
  const evCounts = await queryRows<{ sdk: string; vrange: string; et: string; n: number }>(
    con,
    `SELECT sdk, vrange, et, count(*)::INT AS n FROM dict_ev GROUP BY ALL`,
  );
  const evN = new Map(evCounts.map((r) => [`${r.sdk}\u0000${r.et}\u0000${r.vrange}`, r.n]));
  const rangesBySdkEt = new Map<string, string[]>();
  for (const r of evCounts) {
    const k = `${r.sdk}\u0000${r.et}`;
    pushTo(rangesBySdkEt, k, r.vrange);
  }
  const keyCounts = await queryRows<{ sdk: string; key: string; vrange: string; et: string; n: number }>(
    con,
    `SELECT sdk, key, vrange, et, count(*)::INT AS n FROM dict_kv WHERE jt <> 'NULL' AND v <> '' GROUP BY ALL`,
  );
  const presenceRaw = new Map<string, Map<string, Map<string, number>>>();
  for (const r of keyCounts) {
    const k = `${r.sdk}\u0000${r.key}`;
    let byEt = presenceRaw.get(k);
    if (!byEt) presenceRaw.set(k, (byEt = new Map()));
    let byR = byEt.get(r.et);
    if (!byR) byEt.set(r.et, (byR = new Map()));
    byR.set(r.vrange, r.n);
  }

  // Types first (enum top values and alias candidates depend on them).
  const typed = aggs.map((a) => {
    const nn = a.cnt - a.nulls;
    const agg: ValueAgg = {
      name: a.key,
      n: nn,
      n_bool: a.n_bool,
      n_num: a.n_num,
      n_int: a.n_int,
      n_id: a.n_id,
      n_iso: a.n_iso,
      distinct: a.n_distinct,
      min: a.dmin,
      max: a.dmax,
      mean: a.dmean,
      distinct_per_session: a.sessions ? a.n_distinct / a.sessions : 0,
      sessions: a.sessions,
    };
    const type = inferType(agg);
    return { a, agg, type };
  });

  await con.run(`CREATE OR REPLACE TEMP TABLE dict_enum (sdk VARCHAR, key VARCHAR)`);
  const enumKeys = typed.filter((t) => t.type === 'enum' || t.type === 'bool');
  for (let i = 0; i < enumKeys.length; i += 500)
    await con.run(
      `INSERT INTO dict_enum VALUES ${enumKeys
        .slice(i, i + 500)
        .map((t) => `(${sqlString(t.a.sdk)}, ${sqlString(t.a.key)})`)
        .join(', ')}`,
    );
  const tops = await queryRows<{ sdk: string; key: string; v: string; n: number }>(
    con,
    `SELECT k.sdk, k.key, k.v, count(*)::INT AS n FROM dict_kv k JOIN dict_enum USING (sdk, key)
     WHERE k.v IS NOT NULL AND k.v <> '' GROUP BY ALL ORDER BY k.sdk, k.key, n DESC, k.v`,
  );
  const topBy = new Map<string, { value: string; count: number }[]>();
  for (const t of tops) {
    const k = `${t.sdk}\u0000${t.key}`;
    const list = topBy.get(k) ?? [];
    if (list.length < 12) list.push({ value: redact(t.v), count: t.n });
    topBy.set(k, list);
  }

  // Aliases by value agreement inside captures that carry two protocols.
  await con.run(`CREATE OR REPLACE TEMP TABLE dict_alias_keys (sdk VARCHAR, key VARCHAR)`);
  const aliasable = typed.filter((t) => t.agg.distinct > 2 && t.type !== 'bool' && t.type !== 'datetime');
  for (let i = 0; i < aliasable.length; i += 500)
    await con.run(
      `INSERT INTO dict_alias_keys VALUES ${aliasable
        .slice(i, i + 500)
        .map((t) => `(${sqlString(t.a.sdk)}, ${sqlString(t.a.key)})`)
        .join(', ')}`,
    );
  const agree = await queryRows<{ sa: string; ka: string; sb: string; kb: string; agree: number; both: number }>(
    con,
    `WITH vals AS (
       SELECT DISTINCT k.cap, k.sdk, k.key, coalesce(CAST(k.d AS VARCHAR), k.v) AS val
       FROM dict_kv k JOIN dict_alias_keys USING (sdk, key)
       WHERE k.v IS NOT NULL AND length(k.v) >= 3 AND (k.d IS NULL OR abs(k.d) >= 10)
     ), pairs AS (
       SELECT a.sdk AS sa, a.key AS ka, b.sdk AS sb, b.key AS kb, count(DISTINCT a.cap)::INT AS agree
       FROM vals a JOIN vals b ON a.cap = b.cap AND a.val = b.val AND a.sdk < b.sdk
       GROUP BY ALL HAVING count(DISTINCT a.cap) >= ${minAgree}
     ), kc AS (SELECT DISTINCT cap, sdk, key FROM vals)
     SELECT p.sa, p.ka, p.sb, p.kb, p.agree, count(*)::INT AS both
     FROM pairs p JOIN kc x ON x.sdk = p.sa AND x.key = p.ka JOIN kc y ON y.cap = x.cap AND y.sdk = p.sb AND y.key = p.kb
     GROUP BY ALL HAVING p.agree >= 0.8 * count(*) ORDER BY ALL`,
  );

  const seeds = seedIndex();
  const aliasSrc = new Map<string, Map<string, 'seed' | 'values' | 'seed+values'>>();
  const addAlias = (from: string, name: string, src: 'seed' | 'values') => {
    let m = aliasSrc.get(from);
    if (!m) aliasSrc.set(from, (m = new Map()));
    const prev = m.get(name);
    m.set(name, prev && prev !== src ? 'seed+values' : src);
  };
  const present = new Set(typed.map((t) => `${t.a.sdk}\u0000${t.a.key}`));
  for (const [, bySdk] of Object.entries(ALIAS_SEED)) {
    const members = Object.entries(bySdk).flatMap(([sdk, names]) => (names ?? []).map((n) => [sdk, n] as const));
    for (const [sdk, n] of members) {
      if (!present.has(`${sdk}\u0000${n}`)) continue;
      for (const [sdk2, n2] of members) if (sdk2 !== sdk) addAlias(`${sdk}\u0000${n}`, n2, 'seed');
    }
  }
  const conceptOf = new Map<string, string>();
  for (const p of agree) {
    const a = `${p.sa}\u0000${p.ka}`;
    const b = `${p.sb}\u0000${p.kb}`;
    addAlias(a, p.kb, 'values');
    addAlias(b, p.ka, 'values');
    const ca = seeds.get(a);
    const cb = seeds.get(b);
    if (ca && !cb) conceptOf.set(b, ca);
    if (cb && !ca) conceptOf.set(a, cb);
  }

  const entries: DictionaryEntry[] = typed.map(({ a, agg, type }) => {
    const k = `${a.sdk}\u0000${a.key}`;
    const numeric = type === 'int' || type === 'float' || (type === 'datetime' && a.n_num > 0);
    const h = presenceEntropy(a.sdk, a.key);
    const dominant = Math.max(a.n_bool, a.n_num, a.n_id, a.n_iso, agg.n - Math.max(a.n_bool, a.n_num));
    const typeConsistency = agg.n ? Math.min(1, dominant / agg.n) : 1;
    const presence: Record<string, Record<string, 'required' | 'optional' | 'forbidden'>> = {};
    for (const [et, byR] of [...(presenceRaw.get(k) ?? new Map<string, Map<string, number>>())].sort()) {
      const ranges = (rangesBySdkEt.get(`${a.sdk}\u0000${et}`) ?? []).slice().sort();
      const out: Record<string, 'required' | 'optional' | 'forbidden'> = {};
      for (const r of ranges) {
        const n = evN.get(`${a.sdk}\u0000${et}\u0000${r}`) ?? 0;
        const c = Math.min(n, byR.get(r) ?? 0);
        if (n === 0) continue;
        out[r] =
          n >= minEvents && c / n >= requiredShare
            ? 'required'
            : n >= minEvents && c === 0
              ? 'forbidden'
              : 'optional';
      }
      presence[et || '(none)'] = out;
    }
    const examples = [...new Set([a.ex_min, a.ex_max].filter((x): x is string => !!x))].map(
      (v) => `${a.key}=${redact(v)}`,
    );
    const aliases = aliasSrc.get(k);
    return {
      param: a.key,
      sdk: a.sdk,
      aliases: aliases ? [...aliases.keys()].sort() : [],
      alias_sources: aliases ? Object.fromEntries([...aliases].sort()) : {},
      concept: seeds.get(k) ?? conceptOf.get(k) ?? null,
      type,
      unit: guessUnit(a.key, type, { min: a.dmin, max: a.dmax, mean: a.dmean }),
      stats: {
        count: a.cnt,
        min: numeric ? num(a.dmin) : null,
        max: numeric ? num(a.dmax) : null,
        mean: numeric ? num(a.dmean) : null,
        stdev: numeric ? num(a.dstd) : null,
        null_rate: num(a.cnt ? a.nulls / a.cnt : 0, 4)!,
        distinct: a.n_distinct,
        ...(topBy.has(k) ? { top_values: topBy.get(k)! } : {}),
      },
      stability: num((1 - h) * typeConsistency, 3)!,
      sessions: a.sessions,
      presence,
      first_seen: a.first_seen,
      last_seen: a.last_seen,
      evidence: { examples },
      locked: false,
    };
  });
  const events = await queryRows<{ n: number }>(con, `SELECT count(*)::INT AS n FROM dict_ev`);
  for (const t of ['dict_kv', 'dict_ev', 'dict_vr', 'dict_enum', 'dict_alias_keys'])
    await con.run(`DROP TABLE IF EXISTS ${t}`);
  return { entries, events: events[0].n, seconds: (performance.now() - t0) / 1000 };
}
