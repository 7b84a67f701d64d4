// A small reader of the generated HAR files, used by the tests to check the corpus from the wire side:
// which session each entry carries, and the media events in entry order. It reads what the request says
// (URL, body, response), never the generator's own bookkeeping.

import { gunzipSync } from 'node:zlib';

export interface HarEntry {
  startedDateTime: string;
  request: {
    method: string;
    url: string;
    headers: { name: string; value: string }[];
    postData?: { mimeType: string; text?: string; params?: { name: string; value: string }[] };
  };
  response: { status: number; headers: { name: string; value: string }[]; content: { text?: string } };
}

export interface Har {
  log: { version: string; creator: { name: string; version: string }; entries: HarEntry[] };
}

export function readHar(bytes: Buffer, path: string): Har {
  const text = (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
  return JSON.parse(text) as Har;
}

function header(list: { name: string; value: string }[], name: string): string | undefined {
  return list.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;
}

/** Body text of a request; BrowserMob keeps form bodies only as params. */
export function bodyText(e: HarEntry): string {
  const pd = e.request.postData;
  if (!pd) return '';
  if (pd.text !== undefined && pd.text !== '') return pd.text;
  if (pd.params)
    return pd.params.map((p) => `${encodeURIComponent(p.name)}=${encodeURIComponent(p.value)}`).join('&');
  return '';
}

export interface WireEvent {
  entry: number;
  protocol: 'heartbeat' | 'media-collection' | 'media-edge';
  sid: string;
  type: string;
  asset: 'main' | 'ad';
  ts: number;
  ph: number;
  /** Capture time of the entry (ms). */
  cap: number;
  status: number;
  errors: boolean;
  /** Session start only: declared length and whether the content is live. */
  length?: number;
  live?: boolean;
}

/** Ids an entry carries: media session ids and ECIDs (`mid`, `s:user:mid`, identityMap, identity:result). */
export function entryIds(e: HarEntry): Set<string> {
  const ids = new Set<string>();
  const url = new URL(e.request.url);
  const body = bodyText(e);
  const query = e.request.url.includes('?') ? e.request.url.slice(e.request.url.indexOf('?') + 1) : '';
  for (const part of [...query.split('&'), ...body.split('&')]) {
    const [k, v] = part.split('=');
    if (v === undefined) continue;
    let value: string;
    try {
      value = decodeURIComponent(v.replace(/\+/g, ' '));
    } catch {
      value = v;
    }
    if (['s:event:sid', 's:user:mid', 'mid', 'vsid'].includes(k)) ids.add(value);
  }
  const mc = /\/api\/v1\/sessions\/([^/]+)\/events/.exec(url.pathname);
  if (mc) ids.add(mc[1]);
  const loc = header(e.response.headers, 'location');
  if (loc) ids.add(loc.split('/').pop() ?? '');
  const scan = (text: string | undefined) => {
    if (!text || (!text.trim().startsWith('{') && !text.trim().startsWith('['))) return;
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if ((k === 'sessionID' || k === 'sessionId' || k === 'id') && typeof v === 'string') ids.add(v);
          walk(v);
        }
      }
    };
    try {
      walk(JSON.parse(text));
    } catch {
      /* not JSON */
    }
  };
  scan(body);
  scan(e.response.content.text);
  return ids;
}

/** Media events of all sessions in entry order. */
export function mediaEvents(har: Har): WireEvent[] {
  const out: WireEvent[] = [];
  const inAd = new Map<string, boolean>();
  har.log.entries.forEach((e, entry) => {
    const url = new URL(e.request.url);
    const status = e.response.status;
    if (url.searchParams.has('s:event:type')) {
      const q = url.searchParams;
      out.push({
        entry,
        protocol: 'heartbeat',
        sid: q.get('s:event:sid') ?? '',
        type: q.get('s:event:type') ?? '',
        asset: q.get('s:asset:type') === 'ad' ? 'ad' : 'main',
        ts: Number(q.get('l:event:ts')),
        ph: Number(q.get('l:event:playhead')),
        cap: Date.parse(e.startedDateTime),
        status,
        errors: status >= 400,
        length: q.has('l:asset:length') ? Number(q.get('l:asset:length')) : undefined,
        live: ['live', 'linear'].includes(q.get('s:stream:type') ?? ''),
      });
      return;
    }
    const body = bodyText(e);
    if (url.pathname.startsWith('/api/v1/sessions')) {
      const parsed = JSON.parse(body) as unknown;
      const list = (Array.isArray(parsed) ? parsed : [parsed]) as {
        eventType: string;
        playerTime: { playhead: number; ts: number };
        params?: Record<string, unknown>;
      }[];
      const m = /\/api\/v1\/sessions\/([^/]+)\/events/.exec(url.pathname);
      const sid = m ? m[1] : ((header(e.response.headers, 'location') ?? '').split('/').pop() ?? '');
      for (const ev of list) {
        if (ev.eventType === 'adStart') inAd.set(sid, true);
        out.push({
          entry,
          protocol: 'media-collection',
          sid,
          type: ev.eventType,
          asset: inAd.get(sid) ? 'ad' : 'main',
          ts: ev.playerTime.ts,
          ph: ev.playerTime.playhead,
          cap: Date.parse(e.startedDateTime),
          status,
          errors: status >= 400,
          length: ev.params?.['media.length'] === undefined ? undefined : Number(ev.params['media.length']),
          live: ['live', 'linear'].includes(String(ev.params?.['media.contentType'])),
        });
        if (ev.eventType === 'adComplete' || ev.eventType === 'adSkip') inAd.set(sid, false);
      }
      return;
    }
    const isEdgeMedia =
      url.pathname.includes('/va/v1/') ||
      (url.pathname.endsWith('/v1/interact') && body.includes('"media.sessionStart"'));
    if (isEdgeMedia) {
      const parsed = JSON.parse(body) as { events: { xdm: Record<string, unknown> }[] };
      const xdm = parsed.events[0].xdm;
      const mc = (xdm.mediaCollection ?? {}) as {
        sessionID?: string;
        playhead?: number;
        sessionDetails?: { length?: number; contentType?: string };
      };
      let sid = mc.sessionID ?? '';
      const text = e.response.content.text ?? '';
      if (!sid && text.includes('media-analytics:new-session')) {
        const handle = (JSON.parse(text) as { handle: { type: string; payload: { sessionId: string }[] }[] })
          .handle;
        sid = handle.find((h) => h.type === 'media-analytics:new-session')?.payload[0].sessionId ?? '';
      }
      const type = String(xdm.eventType).replace(/^media\./, '');
      if (type === 'downloaded') return;
      if (type === 'adStart') inAd.set(sid, true);
      out.push({
        entry,
        protocol: 'media-edge',
        sid,
        type,
        asset: inAd.get(sid) ? 'ad' : 'main',
        ts: Date.parse(String(xdm.timestamp)),
        ph: Number(mc.playhead),
        cap: Date.parse(e.startedDateTime),
        status,
        errors: status >= 400 || text.includes('"errors"'),
        length: mc.sessionDetails?.length,
        live: ['live', 'linear'].includes(String(mc.sessionDetails?.contentType)),
      });
      if (type === 'adComplete' || type === 'adSkip') inAd.set(sid, false);
    }
  });
  return out;
}
