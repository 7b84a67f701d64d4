import { readFileSync, statSync } from 'node:fs';
import { bytesToText, detectEncoding } from '../har/decode-text.js';
import { listFiles } from '../util/files.js';

/** Files of a corpus folder with their total size (the bench corpus is generated once and reused). */
export function corpusFiles(dir: string): { files: string[]; bytes: number } {
  const files = listFiles(dir, /\.har$/);
  return { files, bytes: files.reduce((a, f) => a + statSync(f).size, 0) };
}

/** The baseline the ingest is compared with: read every file and JSON.parse it, one thread. */
export function baselineParse(files: string[]): { seconds: number; entries: number } {
  const t0 = performance.now();
  let entries = 0;
  for (const f of files) {
    const buf = readFileSync(f);
    try {
      // Same text decoding as ingest (BOMs, UTF-16), so the baseline parses what ingest parses.
      const doc = JSON.parse(bytesToText(buf, detectEncoding(buf))) as { log?: { entries?: unknown[] } };
      entries += doc.log?.entries?.length ?? 0;
    } catch {
      /* the corpus holds a few deliberately broken files */
    }
  }
  return { seconds: (performance.now() - t0) / 1000, entries };
}
