/**
 * A run's staged session rows or timelines, held as where each line lies, and written out sorted by
 * capture, then session, each under the capture's output name.
 *
 * The lines are JSON whose keys open `{"har":…,"session":…,` (validateCapture builds both that way). The
 * bytes go from the staging file to the output untouched: parsing and re-serialising the timelines cost
 * the report step 0.85 s on the dense bench, and holding lines or parsed rows grows the parent with the
 * run (~330 MB of timelines at 12,000 captures; 1.2–1.75 KB of heap per parsed session row). Per line this
 * keeps five numbers in typed arrays; per capture its name and its lines' chain. A line's session key is
 * read again from its head when the line is written, to order the few lines of one capture.
 */
import { closeSync, openSync, readSync, writeSync, writevSync } from 'node:fs';

/** Bytes `start` to `end` of a staging file. */
export interface FileSlice {
  file: string;
  start: number;
  end: number;
}

// JSON.stringify writes session rows' and timelines' keys in the order they are built: har, then session.
const LINE_HEAD = /^\{"har":("(?:[^"\\]|\\.)*"),"session":("(?:[^"\\]|\\.)*"),/;
// Enough of a line to hold its head (capture path and session id): only this much is decoded.
const HEAD_BYTES = 8192;
const NEWLINE = Buffer.from('\n');
// writev takes at most IOV_MAX (1024 here) pieces a call; a line is at most three.
const BATCH_PIECES = 1024 - 3;

const headOf = (bytes: Buffer) =>
  LINE_HEAD.exec(bytes.toString('utf8', 0, Math.min(bytes.length, HEAD_BYTES)));

export class StagedLines {
  private readonly hars: string[] = [];
  private readonly captureOf = new Map<string, number>();
  /** Per capture: its first and last line (a chain through `next`, in the order they were added). */
  private first: number[] = [];
  private last: number[] = [];
  private readonly files: string[] = [];
  private readonly fileOf = new Map<string, number>();
  /** Lines held as bytes (added without a file, or written anew), by line. */
  private readonly held = new Map<number, Buffer>();
  private n = 0;
  private file = new Int32Array(1024);
  private start = new Float64Array(1024);
  private end = new Float64Array(1024);
  private harEnd = new Uint32Array(1024);
  private next = new Int32Array(1024);

  /** `name`: the capture's name in the output (the run names captures by input), from its staged name. */
  constructor(private readonly name: (har: string) => string = (h) => h) {}

  get size(): number {
    return this.n;
  }

  /**
   * Add a staged line: its bytes (valid only during the call when `where` is given: the line is then
   * read again from its file), and where it lies. Returns the capture's staged name and the session key.
   */
  add(line: Buffer | string, where?: FileSlice): { har: string; session: string } {
    let bytes = typeof line === 'string' ? Buffer.from(line) : line;
    let m = headOf(bytes);
    if (!m) {
      // Any other shape (a hand-written staging file, a head longer than HEAD_BYTES): read it whole,
      // held in the usual key order.
      const { har, session, ...rest } = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
      bytes = Buffer.from(JSON.stringify({ har, session, ...rest }));
      m = headOf(bytes);
      if (!m)
        throw new Error(
          `a staged line without a capture and session name: ${bytes.toString('utf8', 0, 120)}`,
        );
      where = undefined;
    }
    const har = JSON.parse(m[1]) as string;
    const i = this.n++;
    if (i === this.next.length) this.grow();
    let c = this.captureOf.get(har);
    if (c === undefined) {
      this.captureOf.set(har, (c = this.hars.length));
      this.hars.push(har);
      this.first.push(i);
    } else this.next[this.last[c]] = i;
    this.last[c] = i;
    this.next[i] = -1;
    this.harEnd[i] = 8 + Buffer.byteLength(m[1]);
    if (where) {
      let f = this.fileOf.get(where.file);
      if (f === undefined) this.fileOf.set(where.file, (f = this.files.push(where.file) - 1));
      this.file[i] = f;
      this.start[i] = where.start;
      this.end[i] = where.end;
    } else {
      this.file[i] = -1;
      this.held.set(i, bytes);
    }
    return { har, session: JSON.parse(m[2]) as string };
  }

  private grow(): void {
    const n = this.next.length * 2;
    const grown = <A extends Int32Array | Float64Array | Uint32Array>(a: A, b: A): A => (b.set(a), b);
    this.file = grown(this.file, new Int32Array(n));
    this.start = grown(this.start, new Float64Array(n));
    this.end = grown(this.end, new Float64Array(n));
    this.harEnd = grown(this.harEnd, new Uint32Array(n));
    this.next = grown(this.next, new Int32Array(n));
  }

  /**
   * Every line in output order: by capture (staged name), then session key, lines of equal keys in the
   * order they were added; each as its pieces — as staged, or a new `{"har":…,` under the output name
   * and the staged bytes after the old one.
   */
  private *pieces(): Generator<Buffer[]> {
    const order = this.hars.map((_, c) => c).sort((a, b) => this.hars[a].localeCompare(this.hars[b]));
    const fds = new Map<number, number>();
    try {
      for (const c of order) {
        const ids: number[] = [];
        for (let i = this.first[c]; i >= 0; i = this.next[i]) ids.push(i);
        const lines = this.linesOf(ids, fds);
        let at = ids.map((_, j) => j);
        if (lines.length > 1) {
          const keys = lines.map((b) => JSON.parse(headOf(b)![2]) as string);
          at = at.sort((a, b) => keys[a].localeCompare(keys[b]));
        }
        const har = this.hars[c];
        const named = this.name(har);
        const head = named === har ? null : Buffer.from(`{"har":${JSON.stringify(named)},`);
        for (const j of at)
          yield head ? [head, lines[j].subarray(this.harEnd[ids[j]]), NEWLINE] : [lines[j], NEWLINE];
      }
    } finally {
      for (const fd of fds.values()) closeSync(fd);
    }
  }

  /**
   * The bytes of a capture's lines, in chain order. A worker stages a capture's lines one after the
   * other, so a run of lines that follow each other in one file is read with one `pread` and cut.
   */
  private linesOf(ids: number[], fds: Map<number, number>): Buffer[] {
    const out: Buffer[] = [];
    for (let j = 0; j < ids.length;) {
      const first = ids[j];
      const f = this.file[first];
      if (f < 0) {
        out.push(this.held.get(first)!);
        j++;
        continue;
      }
      // Lines k and k+1 follow each other when one newline byte lies between them.
      let k = j + 1;
      while (k < ids.length && this.file[ids[k]] === f && this.start[ids[k]] === this.end[ids[k - 1]] + 1)
        k++;
      const base = this.start[first];
      const span = this.read(f, base, this.end[ids[k - 1]], fds);
      for (; j < k; j++) out.push(span.subarray(this.start[ids[j]] - base, this.end[ids[j]] - base));
    }
    return out;
  }

  private read(f: number, start: number, end: number, fds: Map<number, number>): Buffer {
    let fd = fds.get(f);
    if (fd === undefined) fds.set(f, (fd = openSync(this.files[f], 'r')));
    const out = Buffer.allocUnsafe(end - start);
    for (let got = 0; got < out.length;) {
      const n = readSync(fd, out, got, out.length - got, start + got);
      if (n === 0) throw new Error(`${this.files[f]}: ended before byte ${end} (a staging file changed)`);
      got += n;
    }
    return out;
  }

  /** The lines' text in output order (tests, and anything that must look inside). */
  texts(): string[] {
    return [...this.pieces()].map((p) => Buffer.concat(p.slice(0, -1)).toString('utf8'));
  }

  /** Write every line to `path` in output order, with writev, going on after a short write. */
  write(path: string): void {
    const fd = openSync(path, 'w');
    try {
      let batch: Buffer[] = [];
      const flush = () => {
        let left = writevSync(fd, batch);
        // A short write: finish this batch piece by piece from where it stopped.
        for (const b of batch) {
          if (left >= b.length) {
            left -= b.length;
            continue;
          }
          for (let off = left; off < b.length;) off += writeSync(fd, b, off, b.length - off);
          left = 0;
        }
        batch = [];
      };
      // One batch of lines' bytes at a time: the report holds ~1,024 pieces at most.
      for (const p of this.pieces()) {
        batch.push(...p);
        if (batch.length >= BATCH_PIECES) flush();
      }
      if (batch.length) flush();
    } finally {
      closeSync(fd);
    }
  }
}
