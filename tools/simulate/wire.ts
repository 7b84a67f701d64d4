// Small wire-format helpers shared by the renderers.
import { xorshift32, type Rng } from '../util/rng.js';

export const enc = (v: string | number | boolean): string =>
  encodeURIComponent(String(v)).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** `a=1&b=2` with encoded values (names are emitted as-is). */
export function query(pairs: [string, string | number | boolean][]): string {
  return pairs
    .map(([k, v]) => (v === '' && (k.endsWith('.') || k.startsWith('.')) ? k : `${k}=${enc(v)}`))
    .join('&');
}

/**
 * AA context data: `{'a.media.name': 'x', 'a.media.view': 'true', 'genre': 'y'}` →
 * `c.&a.&media.&name=x&view=true&.media&.a&genre=y&.c` (sibling keys share open blocks).
 */
export function contextData(data: Record<string, string>): string {
  const keys = Object.keys(data).sort((a, b) => {
    const pa = a.split('.');
    const pb = b.split('.');
    for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
      const lastA = i === pa.length - 1;
      const lastB = i === pb.length - 1;
      if (pa[i] !== pb[i]) {
        if (lastA !== lastB) return lastA ? -1 : 1;
        return pa[i] < pb[i] ? -1 : 1;
      }
      if (lastA !== lastB) return lastA ? -1 : 1;
    }
    return pa.length - pb.length;
  });
  const out: string[] = ['c.'];
  let stack: string[] = [];
  for (const k of keys) {
    const parts = k.split('.');
    const path = parts.slice(0, -1);
    let common = 0;
    while (common < stack.length && common < path.length && stack[common] === path[common]) common++;
    for (let i = stack.length - 1; i >= common; i--) out.push(`.${stack[i]}`);
    stack = stack.slice(0, common);
    for (let i = common; i < path.length; i++) {
      out.push(`${path[i]}.`);
      stack.push(path[i]);
    }
    out.push(`${parts[parts.length - 1]}=${enc(data[k])}`);
  }
  for (let i = stack.length - 1; i >= 0; i--) out.push(`.${stack[i]}`);
  out.push('.c');
  return out.join('&');
}

/** AppMeasurement web `t`: `dd/m0/yyyy hh:mm:ss w tz` (month and weekday 0-based, tz = minutes behind UTC). */
export function aaWebTime(ms: number, tzOffsetMin: number): string {
  const d = new Date(ms - tzOffsetMin * 60000);
  return `${d.getUTCDate()}/${d.getUTCMonth()}/${d.getUTCFullYear()} ${d.getUTCHours()}:${d.getUTCMinutes()}:${d.getUTCSeconds()} ${d.getUTCDay()} ${tzOffsetMin}`;
}
export const aaZeroTime = (tzOffsetMin: number) => `00/00/0000 00:00:00 0 ${tzOffsetMin}`;

export const iso = (ms: number) => new Date(ms).toISOString();

export function md5ish(rng: Rng): string {
  return rng.hex(32);
}

export const GIF_1x1 = 'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';

/** One shared random base64 block (generated once per size) for large bodies. */
let BLOCK: string | null = null;
export function base64Block(): string {
  if (BLOCK) return BLOCK;
  // xorshift over a fixed seed: deterministic, fast, independent of the scenario PRNG.
  const bytes = Buffer.alloc(3 * 1024 * 1024);
  const word = xorshift32(0x12345678);
  for (let i = 0; i < bytes.length; i += 4) bytes.writeInt32LE(word(), i);
  BLOCK = bytes.toString('base64');
  return BLOCK;
}
/** A base64 slice of `len` chars (multiple of 4) starting at a PRNG-chosen offset. */
export function base64Body(rng: Rng, len: number): string {
  const block = base64Block();
  const n = Math.max(4, Math.min(block.length - 4, Math.floor(len / 4) * 4));
  const off = Math.floor(rng.int(0, Math.floor((block.length - n) / 4))) * 4;
  return block.slice(off, off + n);
}
