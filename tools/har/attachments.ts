import { readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { unzipSync } from 'fflate';

/**
 * Bodies a HAR keeps outside itself. Playwright's `recordHar` with `content: 'attach'` (the default for a
 * `.zip` path) writes `postData: { text: "", _file: "<sha1>.json" }` and `content: { _file: "<sha1>.gif" }`
 * and stores the bytes as files beside the HAR, or as members of the same zip
 * (https://playwright.dev/docs/api/class-browser#browser-new-context-option-record-har). Nothing else in a
 * HAR document says where they are, so the reader passes a store for the HAR's own folder or zip.
 */
export interface AttachmentStore {
  /** The named attachments that exist (names as written in `_file`); missing ones are left out. */
  read(names: readonly string[]): Map<string, Buffer>;
}

/**
 * A `_file` name as a path relative to the HAR's folder, or null when it could leave that folder
 * (absolute, drive letter, backslashes, `..`): a HAR is input, and input never picks files to read.
 */
export function safeAttachmentPath(name: string): string | null {
  if (name === '' || name.includes('\0') || name.includes('\\')) return null;
  if (name.startsWith('/') || /^[a-zA-Z]:/.test(name)) return null;
  const norm = posix.normalize(name);
  if (norm === '.' || norm === '..' || norm.startsWith('../')) return null;
  return norm;
}

/**
 * Attachments stored as files in `dir` (the folder of a `.har` written with `content: 'attach'`). One over
 * `limit` bytes (the reader's bound on a capture in memory) counts as missing.
 */
export function folderAttachments(dir: string, limit = Infinity): AttachmentStore {
  return {
    read(names) {
      const out = new Map<string, Buffer>();
      for (const name of names) {
        const rel = safeAttachmentPath(name);
        if (rel === null) continue;
        try {
          const file = join(dir, rel);
          if (statSync(file).size > limit) continue;
          out.set(name, readFileSync(file));
        } catch {
          // missing attachment: the caller marks the body `attachment-missing`
        }
      }
      return out;
    },
  };
}

/**
 * Attachments stored as members of the zip that holds the HAR (`dirInZip` is the HAR member's folder).
 * `loaded` holds members already decompressed (the zip reader unpacks `.har`/`.json` members first); the
 * rest are unpacked in one pass over the archive, only those asked for.
 */
export function zipAttachments(
  raw: Uint8Array,
  dirInZip: string,
  loaded: Record<string, Uint8Array>,
  limit = Infinity,
): AttachmentStore {
  return {
    read(names) {
      const out = new Map<string, Buffer>();
      const want = new Map<string, string>(); // zip member → `_file` name
      for (const name of names) {
        const rel = safeAttachmentPath(name);
        if (rel === null) continue;
        const member = zipMemberPath(dirInZip, rel);
        const have = loaded[member];
        if (have) out.set(name, Buffer.from(have));
        else want.set(member, name);
      }
      if (want.size === 0) return out;
      let found: Record<string, Uint8Array>;
      try {
        found = unzipSync(raw, { filter: (f) => want.has(f.name) && f.originalSize <= limit });
      } catch {
        return out; // a member that cannot be inflated counts as missing
      }
      for (const [member, bytes] of Object.entries(found)) out.set(want.get(member)!, Buffer.from(bytes));
      return out;
    },
  };
}

/** Member path inside a zip of an attachment named relative to the HAR member's folder. */
export function zipMemberPath(dirInZip: string, rel: string): string {
  return dirInZip === '' || dirInZip === '.' ? rel : posix.join(dirInZip, rel);
}

/** `_file` of a postData / content object, if it is a non-empty string. */
function fileOf(x: unknown): string | null {
  if (!x || typeof x !== 'object') return null;
  const f = (x as { _file?: unknown })._file;
  return typeof f === 'string' && f !== '' ? f : null;
}

/**
 * Every `_file` a HAR's entries point at (`all`, so a zip reader knows which members are attachments and
 * not HAR documents) and the ones the reader must load (`needed`): every request body, and the response
 * bodies `keepBody` asks for (Edge handles, Media Collection errors).
 */
export function attachmentRefs(
  entries: readonly unknown[],
  keepBody: (method: string, url: string, status: number) => boolean,
): { all: string[]; needed: string[] } {
  const all = new Set<string>();
  const needed = new Set<string>();
  for (const raw of entries) {
    if (!raw || typeof raw !== 'object') continue;
    const e = raw as { request?: Record<string, unknown>; response?: Record<string, unknown> };
    const post = fileOf(e.request?.postData);
    if (post) {
      all.add(post);
      needed.add(post);
    }
    const res = fileOf(e.response?.content);
    if (!res) continue;
    all.add(res);
    const method = typeof e.request?.method === 'string' ? e.request.method.toUpperCase() : 'GET';
    const url = typeof e.request?.url === 'string' ? e.request.url : '';
    const status = Number(e.response?.status ?? 0) || 0;
    if (url && keepBody(method, url, status)) needed.add(res);
  }
  return { all: [...all], needed: [...needed] };
}
