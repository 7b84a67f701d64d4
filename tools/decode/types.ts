import type { Envelope } from '../envelope/index.js';
import type { HarEntry } from '../har/types.js';

/** What decoders need besides the entry: where it came from and the host allowlists. */
export interface DecodeContext {
  harPath: string;
  harHash: string;
  /** First-party CNAME globs per family from goblin.config.yaml. */
  cnames: { aa: string[]; heartbeat: string[]; 'media-collection': string[]; edge: string[] };
}

/** An entry that is Adobe traffic but cannot be decoded: quarantined alone, the file goes on. */
export interface EntryRejection {
  entry_index: number;
  url: string;
  reason: string;
}

export interface DecodeResult {
  /** Zero for non-Adobe traffic; several for batched Edge requests. */
  events: Envelope[];
  rejection: EntryRejection | null;
}
