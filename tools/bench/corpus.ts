import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { bytesToText, detectEncoding } from '../har/decode-text.js';

/** Files of a corpus folder with their total size (the bench corpus is generated once and reused). */
export function corpusFiles(dir: string): { files: string[]; bytes: number } {
  const files: string[] = [];
  let bytes = 0;
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (n.endsWith('.har')) {
        files.push(p);
        bytes += st.size;
      }
    }
  };
  if (existsSync(dir)) walk(dir);
  return { files, bytes };
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
