import {
  closeSync,
  existsSync,
  fstatSync,
  openSync,
  readSync,
  readdirSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { jsonText } from '../util/json-text.js';
import { makeDirs } from '../util/files.js';

/**
 * Buffered NDJSON writer: small tables are staged as NDJSON, the parent bulk-loads them with DuckDB
 * read_json. Lines are encoded straight into one reused 1 MiB buffer: joining them into a string first
 * and letting writeSync encode that cost a fresh megabyte string and buffer per flush (the run's workers
 * stage ~55 MB of timelines and learn rows on the dense bench).
 */
export class NdjsonWriter {
  private fd: number;
  private buf = Buffer.allocUnsafe(1 << 20);
  private at = 0;
  count = 0;
  /**
   * `text`: a row's line. By default jsonText: DuckDB reads several of these tables back (read_json),
   * and refuses lone surrogates (util/json-text.ts).
   */
  constructor(
    readonly path: string,
    private readonly text: (row: unknown) => string = jsonText,
  ) {
    this.fd = openSync(path, 'w');
  }
  write(row: unknown): void {
    const line = this.text(row);
    this.count++;
    // UTF-8 takes at most 3 bytes per UTF-16 unit (a surrogate pair: 4 bytes for 2 units).
    const worst = 3 * line.length + 1;
    if (this.at + worst > this.buf.length) {
      this.flush();
      if (worst > this.buf.length) {
        writeAll(this.fd, Buffer.from(line + '\n', 'utf8'));
        return;
      }
    }
    this.at += this.buf.write(line, this.at, 'utf8');
    this.buf[this.at++] = 0x0a;
  }
  flush(): void {
    if (this.at === 0) return;
    writeAll(this.fd, this.buf.subarray(0, this.at));
    this.at = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/**
 * Write `rows` as an NDJSON file, one line each as they come: a large output (the learning step's
 * labels.jsonl is ~50 MB for 12,000 captures) is never one string, nor one array of lines.
 */
export function writeNdjson(path: string, rows: Iterable<unknown>, text?: (row: unknown) => string): void {
  const w = new NdjsonWriter(path, text);
  try {
    for (const r of rows) w.write(r);
  } finally {
    w.close();
  }
}

/** writeSync may write less than asked (a full disk, a signal): go on until every byte is written. */
function writeAll(fd: number, bytes: Buffer): void {
  for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, bytes.length - off);
}

/**
 * Tables staged as NDJSON (the validator's outputs, and `goblin run`'s learn rows); events, sessions,
 * fingerprints go columnar.
 */
export const STAGING_TABLES = [
  'violation',
  'session_verdict',
  'session_row',
  'timeline',
  'learn_session',
] as const;
export type StagingTable = (typeof STAGING_TABLES)[number];

export function stagingWriters(dir: string, worker: string): Record<StagingTable, NdjsonWriter> {
  makeDirs(dir);
  const out = {} as Record<StagingTable, NdjsonWriter>;
  for (const t of STAGING_TABLES) out[t] = new NdjsonWriter(join(dir, `${t}-${worker}.ndjson`));
  return out;
}

/** Every row a run staged for `table` (all workers' files), for the report writer and the eval. */
export function readStaged<T>(dir: string, table: StagingTable): T[] {
  const out: T[] = [];
  eachStagedLine(dir, table, (line) => out.push(JSON.parse(line.toString('utf8')) as T));
  return out;
}

/**
 * The staged files of `table` ending in `ext` (every worker's, and the parent's), in name order: the one
 * listing of a staging folder — the NDJSON tables here, the Parquet parts and the loader's globs in
 * tools/ingest/load.ts.
 */
export function stagedFilesOf(dir: string, table: string, ext: '.ndjson' | '.parquet'): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.startsWith(`${table}-`) && f.endsWith(ext))
    .sort()
    .map((f) => join(dir, f));
}

/** How many lines `table`'s staged files hold (rows, for NDJSON), counted from their newline bytes. */
export function countStagedLines(dir: string, table: StagingTable): number {
  let n = 0;
  eachStagedLine(dir, table, () => void n++);
  return n;
}

/** Bytes of `table`'s staged NDJSON files together. */
export function stagedBytes(dir: string, table: StagingTable): number {
  let bytes = 0;
  for (const f of stagedFilesOf(dir, table, '.ndjson')) bytes += statSync(f).size;
  return bytes;
}

/** Bytes read at a time by `eachStagedLine`; a longer line grows the buffer to fit it. */
const LINE_CHUNK = 8 << 20;

/**
 * Call `fn` with each staged line of `table` — its bytes (a view valid only during the call), the file,
 * and where the line lies in it — reading each file in 8 MB pieces. Memory stays at one piece (or the
 * longest line) whatever the run's size: a 12,000-capture run stages ~290 MB of learn rows and ~330 MB
 * of timelines, which were held whole before. Lines are cut at newline bytes (a newline byte is never
 * inside a UTF-8 sequence) and decoded one by one: decoding a file as one string made all of it two bytes
 * per character as soon as one non-ASCII character appeared, and reading 25 MB of learn rows took
 * 0.46–0.64 s against 0.16–0.30 s.
 */
export function eachStagedLine(
  dir: string,
  table: StagingTable,
  fn: (line: Buffer, file: string, start: number, end: number) => void,
  chunk = LINE_CHUNK,
): void {
  for (const file of stagedFilesOf(dir, table, '.ndjson')) {
    const fd = openSync(file, 'r');
    try {
      const size = fstatSync(fd).size;
      let buf = Buffer.allocUnsafe(Math.min(chunk, Math.max(1, size)));
      let base = 0; // file offset of buf[0]
      let have = 0;
      for (;;) {
        const n = have < buf.length ? readSync(fd, buf, have, buf.length - have, base + have) : 0;
        have += n;
        let at = 0;
        for (let nl = buf.indexOf(10, at); nl >= 0 && nl < have; nl = buf.indexOf(10, at)) {
          if (nl > at) fn(buf.subarray(at, nl), file, base + at, base + nl);
          at = nl + 1;
        }
        if (n === 0 && have === at) break;
        if (n === 0 && at === 0 && have < buf.length) {
          // End of file: the last line has no newline.
          fn(buf.subarray(0, have), file, base, base + have);
          break;
        }
        // Keep the unfinished line: at the start of the buffer, which grows when one line fills it.
        buf.copy(buf, 0, at, have);
        base += at;
        have -= at;
        if (have === buf.length) {
          const bigger = Buffer.allocUnsafe(buf.length * 2);
          buf.copy(bigger, 0, 0, have);
          buf = bigger;
        }
      }
    } finally {
      closeSync(fd);
    }
  }
}
