/** Test helpers for the decode stage: HAR entries built from the reference examples. */
import { Envelope } from '../envelope/index.js';
import type { HarEntry } from '../har/types.js';
import { decodeEntry } from './index.js';
import { PII_OFF, type PiiOptions } from './pii.js';
import type { DecodeContext, DecodeResult } from './types.js';

export const ECID = '30250035503789876473484580554595324209';
export const ORG = '1A2B3C4D5E6F7A8B9C0D1E2F@AdobeOrg';

export const CTX: DecodeContext = {
  harPath: 'captures/test.har',
  harHash: 'abc123',
  cnames: { aa: ['smetrics.acme.com'], heartbeat: [], 'media-collection': [], edge: [] },
};

export const UA = {
  android: 'Mozilla/5.0 (Linux; U; Android 14; en-US; Pixel 7 Build/UQ1A.240205.004)',
  android9: 'Mozilla/5.0 (Linux; U; Android 9; en-US; SM-G960F Build/PPR1.180610.011)',
  ios: 'Mozilla/5.0 (iPhone; CPU OS 17_2 like Mac OS X; en-US)',
  roku: 'Roku/DVP-12.5 (12.5.0.4178-46)',
  roku14: 'Roku/DVP-14.5 (14.5.0.4126-46)',
  chrome:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36',
  crkey:
    'Mozilla/5.0 (X11; Linux armv7l) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/114.0.0.0 Safari/537.36 CrKey/1.56.500000',
};

export interface EntryInit {
  method?: string;
  url: string;
  body?: string | null;
  ua?: string;
  reqHeaders?: Record<string, string>;
  status?: number;
  resHeaders?: Record<string, string>;
  resBody?: string | null;
  index?: number;
  serverIp?: string | null;
}

/** Joins a wrapped example (newlines + indentation at `&`) back into one line. */
export function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, '');
}

export function entry(init: EntryInit): HarEntry {
  const reqHeaders: Record<string, string> = { ...(init.reqHeaders ?? {}) };
  reqHeaders['user-agent'] = init.ua ?? UA.chrome;
  return {
    index: init.index ?? 7,
    startedDateTime: '2024-03-14T09:05:31.022Z',
    startedMs: Date.parse('2024-03-14T09:05:31.022Z'),
    method: init.method ?? (init.body ? 'POST' : 'GET'),
    url: oneLine(init.url),
    httpVersion: 'h2',
    reqHeaders,
    postText: init.body === undefined ? null : init.body === null ? null : init.body,
    postMimeType: null,
    status: init.status ?? 200,
    resHeaders: init.resHeaders ?? {},
    resBody: init.resBody ?? null,
    serverIp: init.serverIp === undefined ? '192.0.2.10' : init.serverIp,
  };
}

/** Decodes and checks every envelope against the zod schema. */
export function decode(init: EntryInit, pii: PiiOptions = PII_OFF, ctx: DecodeContext = CTX): DecodeResult {
  const res = decodeEntry(entry(init), ctx, pii);
  for (const e of res.events) Envelope.parse(e);
  return res;
}

/** Decodes an entry that must give exactly one envelope. */
export function decodeOne(init: EntryInit, pii: PiiOptions = PII_OFF): Envelope {
  const res = decode(init, pii);
  if (res.rejection) throw new Error(`unexpected rejection: ${res.rejection.reason}`);
  if (res.events.length !== 1) throw new Error(`expected 1 event, got ${res.events.length}`);
  return res.events[0];
}
