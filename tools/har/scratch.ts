import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';

/**
 * One reusable byte buffer for work done file after file (reading a HAR, stripping its bodies). On the
 * ingest machines a fresh multi-megabyte buffer costs more in page faults than the copy into it, so the
 * reader keeps its buffers. A request above `maxKeep` gets a buffer of its own: one huge capture must not
 * pin its size for the rest of the run (peak RSS is a goal too).
 */
export class ScratchBuffer {
  private buf = Buffer.allocUnsafe(0);
  constructor(private readonly maxKeep = 64 * 2 ** 20) {}

  /** `n` bytes, valid until the next `take` on this scratch: use them before reading the next file. */
  take(n: number): Buffer {
    if (n > this.maxKeep) return Buffer.allocUnsafe(n);
    if (this.buf.length < n)
      this.buf = Buffer.allocUnsafe(Math.min(this.maxKeep, Math.max(n, 2 * this.buf.length)));
    return this.buf.subarray(0, n);
  }
}

/** A file larger than the caller lets into memory: nothing of it was read. */
export class FileTooLarge extends Error {
  constructor(
    readonly size: number,
    readonly limit: number,
  ) {
    super(`${size} bytes, over the ${limit} bytes allowed`);
  }
}

/**
 * A file's bytes in `scratch` (same result as readFileSync, errors included). A file that grows while it
 * is read is read again by readFileSync, which follows it to its end. A file over `limit` bytes throws
 * FileTooLarge before anything is allocated or read.
 */
export function readFileInto(path: string, scratch: ScratchBuffer, limit = Infinity): Buffer {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > limit) throw new FileTooLarge(size, limit);
    const out = scratch.take(size + 1);
    let got = 0;
    for (;;) {
      const n = readSync(fd, out, got, out.length - got, null);
      if (n === 0) break;
      got += n;
      if (got === out.length) return readFileSync(path);
    }
    return out.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}
