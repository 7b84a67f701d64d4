/**
 * A HAR entry normalized across exporters (Chrome/Edge/Firefox/Safari/Charles/BrowserMob/Fiddler/
 * chrome-har-capturer/Firebug/Playwright/mitmproxy/HTTP Toolkit/Proxyman). Header names are lower-cased;
 * missing optional fields become null.
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
  /**
   * Request body text; Charles-style `postData.params` are re-encoded as a form query string, and a
   * Playwright `postData._file` attachment is read from beside the HAR (folder) or from the same zip.
   */
  postText: string | null;
  /**
   * Why a request body the client did send (`Content-Length` / `bodySize` > 0) is not in `postText`:
   * the exporter left it out (Playwright `content: 'omit'`, Firefox/HTTP Toolkit size limits), or the
   * `_file` it points at is not there. Absent when the body is present or there was none.
   */
  postAbsent?: BodyAbsence;
  postMimeType: string | null;
  status: number;
  resHeaders: Record<string, string>;
  /** Response body, kept only for entries whose decoding needs it (Edge handles/errors, MC errors). */
  resBody: string | null;
  serverIp: string | null;
  /**
   * Set when the reader stopped at the URL because the caller said the entry is of no interest to it
   * (ingest: not Adobe traffic, see `ReadOptions.relevant`): headers are empty, bodies, HTTP version and
   * server IP null. Index, times, method, URL and status are always read.
   */
  urlOnly?: true;
}

/** Why a request body is missing from a HAR entry (see `HarEntry.postAbsent`). */
export type BodyAbsence = 'omitted' | 'attachment-missing';

export type ExporterName =
  | 'chrome'
  | 'firefox'
  | 'safari'
  | 'charles'
  | 'browsermob'
  | 'fiddler'
  | 'chrome-har-capturer'
  | 'firebug'
  | 'playwright'
  | 'mitmproxy'
  | 'http-toolkit'
  | 'proxyman'
  | 'goblin-simulator'
  | 'unknown';
