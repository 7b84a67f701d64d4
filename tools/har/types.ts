/**
 * A HAR entry normalized across exporters (Chrome/Edge/Firefox/Safari/Charles/BrowserMob/Fiddler/
 * chrome-har-capturer/Firebug). Header names are lower-cased; missing optional fields become null.
 */
export interface HarEntry {
  index: number;
  startedDateTime: string | null;
  /** startedDateTime as epoch ms (NaN-safe: null when unparseable). */
  startedMs: number | null;
  method: string;
  url: string;
  httpVersion: string | null;
  reqHeaders: Record<string, string>;
  /** Request body text; Charles-style `postData.params` are re-encoded as a form query string. */
  postText: string | null;
  postMimeType: string | null;
  status: number;
  resHeaders: Record<string, string>;
  /** Response body, kept only for entries whose decoding needs it (Edge handles/errors, MC errors). */
  resBody: string | null;
  serverIp: string | null;
}

export type ExporterName =
  | 'chrome'
  | 'firefox'
  | 'safari'
  | 'charles'
  | 'browsermob'
  | 'fiddler'
  | 'chrome-har-capturer'
  | 'firebug'
  | 'goblin-simulator'
  | 'unknown';
