import type { TruthFault, TruthLine, TruthSession } from '../eval/score.js';
import type { Recording } from './record.js';
import type { LedgerBeacon } from './scenario.js';

/**
 * tests/browser/truth.jsonl (format and reader: `tools/eval/score.ts`): what each recorded capture holds,
 * taken from the page's own ledger (what it sent, the ids it learned, the faults it injected) and located
 * in the HAR by plain JSON reading — never by Goblin's reader or decoders, so the corpus cannot confirm
 * itself.
 */

/** `js-2.2.2.230-96e624` → `2.2.2.230`, `JS-2.26.0` → `2.26.0`: the first dotted number run. */
export function coreVersion(raw: string | null | undefined): string | null {
  const m = raw ? /\d+(?:\.\d+)+/.exec(raw) : null;
  return m ? m[0] : null;
}

interface RawEntry {
  request?: { method?: string; url?: string; postData?: { text?: string } };
}

/**
 * Index in `log.entries` of the request the page logged: same method and URL, and the same body when it
 * had one (Media Collection events share a URL). Throws when the HAR does not hold it: a fixture whose
 * defect cannot be located is not a fixture.
 */
export function entryIndexOf(entries: RawEntry[], b: LedgerBeacon, taken: Set<number>): number {
  for (let i = 0; i < entries.length; i++) {
    if (taken.has(i)) continue;
    const r = entries[i].request;
    if (r?.method !== b.method || r.url !== b.url) continue;
    if (b.body !== null && (r.postData?.text ?? '') !== b.body) continue;
    taken.add(i);
    return i;
  }
  throw new Error(`no HAR entry for ${b.method} ${b.url.slice(0, 140)}`);
}

/** Pitfalls a capture holds for a reader, named from what the page actually sent and how it was written. */
function trapsOf(rec: Recording): string[] {
  const traps = new Set<string>(['headless-chromium-user-agent', 'non-adobe-entries']);
  for (const b of rec.ledger.beacons) {
    if (b.kind === 'aa' && b.method === 'POST') traps.add('aa-long-hit-post');
    if (b.kind === 'aa' && b.method === 'GET' && !b.url.endsWith('AQE=1')) traps.add('aa-truncated-get');
    if (/\/ee\/[a-z0-9]+\/(va\/)?v1\//.test(b.url)) traps.add('edge-location-hint-path');
    if (b.kind === 'media-edge' && b.url.includes('/v1/interact')) traps.add('media-start-through-interact');
    if (b.kind === 'media-edge' && b.url.includes('/va/v1/sessionStart'))
      traps.add('media-edge-api-no-library');
    if (b.url.includes('/settings/')) traps.add('heartbeat-settings-call');
  }
  if (rec.mode === 'zip') traps.add('bodies-as-zip-members');
  if (rec.mode === 'attach') traps.add('bodies-as-files-beside-har');
  if (rec.mode === 'omit') traps.add('request-bodies-omitted');
  return [...traps].sort();
}

const SDK_OF = { heartbeat: 'heartbeat', 'media-collection': 'hb-api', 'media-edge': 'edge' } as const;

/**
 * Truth lines of one recording. `har` is the capture's path relative to tests/browser/ as Goblin names
 * it (`x.har.zip!/har.har` for a zip member); `entries` are its `log.entries` (needed only when the
 * scenario injected faults).
 */
export function truthLines(rec: Recording, har: string, entries: RawEntry[]): TruthLine[] {
  const { ledger, scenario } = rec;
  if (ledger.errors.length) throw new Error(`${scenario.id} (${rec.mode}): ${ledger.errors.join('; ')}`);
  if (!ledger.mediaSession) throw new Error(`${scenario.id}: the page learned no media session id`);
  const ecid = ledger.ecids[0];
  if (!ecid) throw new Error(`${scenario.id}: the page learned no ECID`);
  const traps = trapsOf(rec);
  // The truth describes the capture: with `content: 'omit'` the versions the media calls sent live only
  // in bodies the HAR does not hold, so nobody reading it can know them.
  const bodiesKept = rec.mode !== 'omit';
  const pageProtocol = scenario.page === 'web-sdk' ? 'edge' : 'aa';
  const lines: TruthLine[] = [
    {
      type: 'session',
      har,
      session: ecid,
      kind: 'page',
      protocol: pageProtocol,
      platform: 'web',
      sdk: pageProtocol,
      sdk_version_raw: ledger.versions.page,
      sdk_version: coreVersion(ledger.versions.page)!,
      app_version: null,
      traps,
    } satisfies TruthSession,
    {
      type: 'session',
      har,
      session: ledger.mediaSession,
      kind: 'media',
      protocol: scenario.protocol,
      platform: 'web',
      sdk: SDK_OF[scenario.protocol],
      sdk_version_raw: bodiesKept ? ledger.versions.media : null,
      sdk_version: bodiesKept ? coreVersion(ledger.versions.media) : null,
      app_version: bodiesKept ? scenario.media.appVersion : null,
      traps,
    } satisfies TruthSession,
  ];
  const taken = new Set<number>();
  for (const b of ledger.beacons) {
    if (b.tags.length === 0) continue;
    const entry_index = entryIndexOf(entries, b, taken);
    for (const t of b.tags)
      lines.push({
        type: 'fault',
        har,
        session: b.kind === 'aa' ? ecid : ledger.mediaSession,
        code: t.code,
        family: t.family,
        entry_index,
        note: t.note,
      } satisfies TruthFault);
  }
  return lines;
}
