/** MinHash signatures, LSH banding and union-find: the shape-clustering primitives (docs/dictionary.md, "Shapes and virtual versions"). */
import { fnv1a } from '../util/hash.js';
export { fnv1a };

/** murmur3 finalizer: a good 32-bit mixer. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export class MinHasher {
  readonly seeds: Uint32Array;
  constructor(
    readonly perms = 128,
    seed = 0x5eed,
  ) {
    this.seeds = new Uint32Array(perms);
    let s = seed >>> 0;
    for (let i = 0; i < perms; i++) {
      s = fmix32(s + 0x9e3779b9);
      this.seeds[i] = s;
    }
  }

  /** Signature of a feature set: per permutation, the minimum of the seeded hash over the features. */
  signature(features: Iterable<string>): Uint32Array {
    const sig = new Uint32Array(this.perms).fill(0xffffffff);
    for (const f of features) {
      const h = fnv1a(f);
      for (let i = 0; i < this.perms; i++) {
        const v = fmix32(h ^ this.seeds[i]);
        if (v < sig[i]) sig[i] = v;
      }
    }
    return sig;
  }
}

/** Fraction of equal signature slots ≈ Jaccard similarity. */
export function estimateJaccard(a: Uint32Array, b: Uint32Array): number {
  let eq = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) eq++;
  return eq / a.length;
}

export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let inter = 0;
  const [small, big] = a.size <= b.size ? [a, b] : [b, a];
  for (const x of small) if (big.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

/** LSH band keys: `bands` groups of `perms/bands` rows each. Items sharing any key are candidates. */
export function bandKeys(sig: Uint32Array, bands: number): string[] {
  const rows = Math.floor(sig.length / bands);
  const out: string[] = [];
  for (let b = 0; b < bands; b++) {
    let h = 0x811c9dc5 ^ b;
    for (let r = 0; r < rows; r++) h = fmix32(h ^ sig[b * rows + r]);
    out.push(`${b}:${h.toString(36)}`);
  }
  return out;
}

export class UnionFind {
  private parent: Int32Array;
  constructor(n: number) {
    this.parent = new Int32Array(n);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }
  find(i: number): number {
    while (this.parent[i] !== i) {
      this.parent[i] = this.parent[this.parent[i]];
      i = this.parent[i];
    }
    return i;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

/**
 * Cluster sets by Jaccard ≥ threshold: MinHash + LSH banding propose candidate pairs, the exact Jaccard
 * confirms them, union-find joins them. Returns a cluster root index per item (deterministic: roots are the
 * smallest member index).
 */
export function lshCluster(
  sets: ReadonlySet<string>[],
  opts: { threshold: number; perms?: number; bands?: number; seed?: number; blocks?: string[] },
): number[] {
  const hasher = new MinHasher(opts.perms ?? 128, opts.seed);
  const bands = opts.bands ?? 32;
  const uf = new UnionFind(sets.length);
  const buckets = new Map<string, number[]>();
  sets.forEach((s, i) => {
    for (const k of bandKeys(hasher.signature(s), bands)) {
      const list = buckets.get(k);
      if (list) list.push(i);
      else buckets.set(k, [i]);
    }
  });
  const tried = new Set<number>();
  for (const list of buckets.values()) {
    if (list.length < 2) continue;
    for (let x = 0; x < list.length; x++)
      for (let y = x + 1; y < list.length; y++) {
        const a = list[x];
        const b = list[y];
        if (uf.find(a) === uf.find(b)) continue;
        if (opts.blocks && opts.blocks[a] !== opts.blocks[b]) continue; // hard partition (sdk/platform)
        const key = a * 1_000_003 + b;
        if (tried.has(key)) continue;
        tried.add(key);
        if (jaccard(sets[a], sets[b]) >= opts.threshold) uf.union(a, b);
      }
  }
  return sets.map((_, i) => uf.find(i));
}
