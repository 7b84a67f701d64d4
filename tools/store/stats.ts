import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { GoblinConfig } from '../config/index.js';
import { UsageError } from '../util/errors.js';
import { CURRENT_QUARANTINE, currentFiles } from './current.js';
import { openStore, queryRows } from './db.js';
import { readingEvents } from './lake.js';

export interface StoreStats {
  files: Record<string, number>;
  quarantine: Record<string, number>;
  beacons_by_family: Record<string, number>;
  sessions_by_protocol: {
    protocol: string;
    platform: string;
    sdk_version: string | null;
    sessions: number;
  }[];
  findings_by_code: Record<string, number>;
  parse_success_rate: number;
  events: number;
}

export async function storeStats(cfg: GoblinConfig, root = process.cwd()): Promise<StoreStats> {
  const path = resolve(root, cfg.storage.db_file);
  if (!existsSync(path)) throw new UsageError(`no store at ${path}: run 'goblin ingest <folder>' first`);
  const store = await openStore(path, { lake: resolve(root, cfg.storage.parquet_dir) });
  try {
    const kv = async (sql: string) =>
      Object.fromEntries(
        (await queryRows<{ k: string; n: number }>(store.con, sql)).map((r) => [r.k, Number(r.n)]),
      );
    const current = await currentFiles(store.con);
    return {
      files: current.byStatus,
      quarantine: await kv(
        `SELECT scope || ':' || reason AS k, count(*)::INT AS n FROM ${CURRENT_QUARANTINE} q GROUP BY 1 ORDER BY 2 DESC`,
      ),
      beacons_by_family: await readingEvents(
        kv(`SELECT family AS k, count(*)::INT AS n FROM event GROUP BY 1 ORDER BY 2 DESC`),
      ),
      sessions_by_protocol: (
        await queryRows<{ protocol: string; platform: string; sdk_version: string | null; sessions: number }>(
          store.con,
          `SELECT protocol, platform, sdk_version, count(*)::INT AS sessions FROM session GROUP BY ALL ORDER BY protocol, platform, sdk_version`,
        )
      ).map((r) => ({ ...r, sessions: Number(r.sessions) })),
      findings_by_code: await kv(
        `SELECT code AS k, count(*)::INT AS n FROM violation GROUP BY 1 ORDER BY 2 DESC`,
      ),
      parse_success_rate: current.parseSuccessRate,
      events: Number(
        (await readingEvents(queryRows<{ n: number }>(store.con, `SELECT count(*)::INT AS n FROM event`)))[0]
          .n,
      ),
    };
  } finally {
    store.close();
  }
}

export function formatStats(s: StoreStats): string[] {
  const kv = (o: Record<string, number>) =>
    Object.entries(o)
      .map(([k, n]) => `${k} ${n}`)
      .join(' · ') || 'none';
  return [
    `HAR files: ${kv(s.files)} · parse success ${(100 * s.parse_success_rate).toFixed(2)}%`,
    `quarantine: ${kv(s.quarantine)}`,
    `events ${s.events}: ${kv(s.beacons_by_family)}`,
    'sessions by protocol / platform / library version:',
    ...s.sessions_by_protocol.map(
      (r) =>
        `  ${r.protocol.padEnd(17)} ${r.platform.padEnd(10)} ${(r.sdk_version ?? '?').padEnd(28)} ${r.sessions}`,
    ),
    `findings: ${kv(s.findings_by_code)}`,
  ];
}
