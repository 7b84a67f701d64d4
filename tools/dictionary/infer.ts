/** Typing and unit guessing from per-parameter aggregates (computed in SQL, see induce.ts). */
import type { DictionaryEntry } from './schema.js';

export type ParamTypeName = DictionaryEntry['type'];

/** Aggregates of one (sdk, param) over its non-null values. */
export interface ValueAgg {
  name: string;
  /** values that are not null / empty */
  n: number;
  n_bool: number;
  n_num: number;
  n_int: number;
  n_id: number;
  n_iso: number;
  distinct: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  /** distinct values per session the param appears in — used for id-likeness */
  distinct_per_session: number;
  /** sessions the param appears in (an enum's values recur across sessions) */
  sessions: number;
}

/** Id-like values: UUID, long hex, hashed ids (`h:` + hex), ECID-like long digit strings, base64url tokens. */
export const ID_RE_SOURCE =
  '^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{16,}|h:[0-9a-f]{8,}|[0-9]{16,}|[A-Za-z0-9_-]{24,}|[0-9A-F]{24}@AdobeOrg)$';
/** ISO-8601 date or date-time. */
export const ISO_RE_SOURCE = '^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?(Z|[+-][0-9]{2}:?[0-9]{2})?)?$';

const ID_NAME = /(^|[.:_])(id|sid|vid|mid|aid|fid|ecid|uuid|guid|vsid|sessionID)$|[a-z]Id$|ID$/;
const TIME_NAME = /(^|[.:_])(ts|t|timestamp|date|time)$|Timestamp$|Date$|[._]ts$/i;

export function inferType(a: ValueAgg): ParamTypeName {
  if (a.n === 0) return 'string';
  const share = (x: number) => x / a.n;
  if (share(a.n_bool) >= 0.98) return 'bool';
  if (share(a.n_iso) >= 0.9) return 'datetime';
  if (share(a.n_num) >= 0.98 && a.min !== null && a.max !== null) {
    // Epoch milliseconds / seconds under a time-ish name (or unmistakably epoch ms).
    const epochMs = a.min >= 9.4e11 && a.max <= 4.1e12;
    const epochS = a.min >= 9.4e8 && a.max <= 4.1e9;
    if ((epochMs && (TIME_NAME.test(a.name) || a.min >= 1.2e12)) || (epochS && TIME_NAME.test(a.name)))
      return 'datetime';
    // Long digit strings under an id name are identifiers, not quantities (`s:event:sid`, video ids).
    if (ID_NAME.test(a.name) && (a.n_int === a.n_num) && (a.distinct > 1 || a.max > 1e6)) return 'id-like';
    return a.n_int === a.n_num ? 'int' : 'float';
  }
  if (share(a.n_id) >= 0.9) return 'id-like';
  if (ID_NAME.test(a.name) && a.distinct_per_session >= 0.5 && a.distinct > 1) return 'id-like';
  if (a.distinct <= 12 && a.n >= 4 * a.distinct && a.sessions >= 3 * a.distinct) return 'enum';
  return 'string';
}

/** Unit guess from the name, refined by the values. */
export function guessUnit(name: string, type: ParamTypeName, a: Pick<ValueAgg, 'min' | 'max' | 'mean'>): string | null {
  const leaf = name.split(/[.:]/).pop() ?? name;
  if (type === 'datetime') {
    if (a.min !== null && a.min >= 9.4e11) return 'ms';
    if (a.min !== null && a.min >= 9.4e8) return 'seconds';
    return null;
  }
  if (type !== 'int' && type !== 'float') return null;
  if (/bitrate|bps$/i.test(leaf)) return 'bps';
  if (/bytes?$|size$/i.test(leaf)) return 'bytes';
  if (/fps|framesPerSecond/i.test(leaf)) return 'fps';
  if (/frames|count$|Count$|dropped/i.test(leaf)) return 'count';
  if (/(_ms|Ms|_msec)$/.test(leaf) || /^(ms|msec)$/i.test(leaf)) return 'ms';
  if (/^duration$/i.test(leaf) && name.startsWith('l:event:')) return 'ms'; // heartbeat event duration
  if (/playhead|length|duration|offset|podSecond|startup_time|timeToStart|time_played|_s$|seconds|secs|stall|buffer/i.test(leaf)) {
    // Values far beyond a day read as milliseconds.
    if (a.mean !== null && a.mean > 86_400 * 10) return 'ms';
    return 'seconds';
  }
  if (/(_pos|position|index|Index|Position)$/.test(leaf)) return 'index';
  return null;
}
