// Small formatting helpers shared by the pages.
const BASE = import.meta.env.BASE_URL.replace(/\/+$/, '');

/** Base-aware link to a site path (`/specs/X/`). */
export function u(path: string): string {
  return `${BASE}${path.startsWith('/') ? path : `/${path}`}`;
}

export function pct(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  return `${(x * 100).toFixed(digits)} %`;
}

export function num(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  return Number.isInteger(x)
    ? x.toLocaleString('en-US')
    : x.toLocaleString('en-US', { maximumFractionDigits: 3 });
}

/**
 * Whether a citation URL is a web page. A citation may instead name a document of the repository
 * (`docs/reference/wire-formats.md#34-timing`): the site does not carry it, so it is shown, not linked.
 */
export const isWebUrl = (url: string): boolean => /^https?:\/\//i.test(url);

export function signed(n: number, fmt: (x: number) => string = num): string {
  if (n === 0) return '±0';
  return n > 0 ? `+${fmt(n)}` : `−${fmt(-n)}`;
}

export function date(iso: string | null | undefined): string {
  if (!iso) return '—';
  return iso
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:\d\dZ$/, 'Z');
}

export function scopeText(s: {
  platform?: string[];
  sdk?: string[];
  protocol?: string[];
  version?: string;
  cluster?: string;
}): string {
  const parts = [
    s.platform?.length ? `platform ${s.platform.join(', ')}` : '',
    s.sdk?.length ? `sdk ${s.sdk.join(', ')}` : '',
    s.protocol?.length ? `protocol ${s.protocol.join(', ')}` : '',
    s.version ? `version ${s.version}` : '',
    s.cluster ? `cluster ${s.cluster}` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(' · ') : 'all platforms, SDKs and versions';
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${num(n)} ${n === 1 ? one : many}`;
}

/**
 * A spec's lifecycle age: the date it became shadow/active and how many whole days before `asOf` (the
 * site build) that was, so a reader sees at a glance whether a shadow window is long enough to promote.
 */
export function sinceText(since: string | null | undefined, asOf: string): string {
  if (!since) return '';
  const days = Math.floor((Date.parse(asOf) - Date.parse(`${since.slice(0, 10)}T00:00:00Z`)) / 86_400_000);
  return Number.isFinite(days) && days >= 0 ? `since ${since} · ${plural(days, 'day')}` : `since ${since}`;
}
