/**
 * PII everywhere, not only in parameters: a capture full of visitor ids — in the query, the Referer, an
 * Analytics redirect's Location, a Media Collection body, an undecodable beacon's URL — goes through
 * `goblin run`, and no output may hold a clear id: the DuckDB tables, the Parquet dataset, the out/ files.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore, queryRows } from '../store/index.js';
import { ECID, entry, harDoc, hbStart, mc, MC_START_PARAMS, pageView } from '../validate/testing/index.js';

const REPO = resolve(import.meta.dirname, '../..');
const BIN = join(REPO, 'bin', 'goblin.js');

// Ids that appear nowhere else, so any occurrence in an output is a leak.
const FID = '6B2F0E1A3C4D5E6F-7A8B9C0D1E2F3A4B';
const NEW_MID = '81472305596837418290364917235581234567';
const AID = '2F3E4D5C6B7A8990-6000010A2B3C4D5E';
const CUSTOMER = 'crm-customer-99812231';
const RAW = [ECID, FID, NEW_MID, AID, CUSTOMER];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

describe('PII everywhere', () => {
  it('no clear visitor id in any table, Parquet part or output file of goblin run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'goblin-pii-'));
    mkdirSync(join(dir, 'hars'));
    const redirect = entry(
      50,
      'GET',
      `https://acme.sc.omtrdc.net/b/ss/acmeprod/1/JS-2.23.0/s111?AQB=1&pageName=home&fid=${FID}&aid=${AID}&cid.crm.id=${CUSTOMER}&AQE=1`,
      {
        status: 302,
        resHeaders: [
          [
            'Location',
            `https://acme.sc.omtrdc.net/b/ss/acmeprod/1/JS-2.23.0/s111?AQB=1&mid=${NEW_MID}&fid=${FID}&AQE=1`,
          ],
          ['Set-Cookie', `s_vi=[CS]v1|${AID}[CE]; s_fid=${FID}`],
        ],
      },
    );
    redirect.request.headers.push(
      { name: 'Referer', value: `https://www.acme.com/watch?mid=${NEW_MID}&aid=${AID}` },
      { name: 'Cookie', value: `s_ecid=MCMID%7C${ECID}; s_fid=${FID}` },
    );
    // an Adobe beacon the decoder rejects: its URL lands in the quarantine table and quarantine.csv
    const undecodable = entry(
      900,
      'POST',
      `https://acme.hb-api.omtrdc.net/api/v1/sessions?mid=${NEW_MID}&fid=${FID}`,
      { body: 'not json' },
    );
    writeFileSync(
      join(dir, 'hars', 'ids.har'),
      harDoc([
        pageView(-1000, `&fid=${FID}&aid=${AID}`),
        redirect,
        ...hbStart(0),
        mc(500, 'sessionStart', 0, { ...MC_START_PARAMS, 'visitor.marketingCloudUserId': ECID }),
        mc(800, 'play', 0),
        undecodable,
      ]),
    );
    const r = spawnSync(
      process.execPath,
      [BIN, 'run', 'hars', '--out', 'out', '--quiet', '--min-parse-rate', '0'],
      {
        cwd: dir,
        encoding: 'utf8',
        timeout: 110_000,
      },
    );
    expect([0, 1], r.stderr).toContain(r.status);
    const leaks: string[] = [];
    const scan = (where: string, text: string) => {
      for (const id of RAW) if (text.includes(id)) leaks.push(`${where}: ${id}`);
    };
    // out/ files, as written (text formats)
    for (const f of files(join(dir, 'out'))) scan(f, readFileSync(f, 'latin1'));
    // every table of the store, every column, as text
    const store = await openStore(join(dir, 'storage', 'goblin.duckdb'));
    try {
      const tables = await queryRows<{ name: string }>(
        store.con,
        `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'main'`,
      );
      expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['event', 'quarantine', 'har_file']));
      for (const t of tables)
        scan(`table ${t.name}`, JSON.stringify(await queryRows(store.con, `SELECT * FROM "${t.name}"`)));
      const parts = files(join(dir, 'storage', 'parquet')).filter((f) => f.endsWith('.parquet'));
      expect(parts.length).toBeGreaterThan(0);
      for (const p of parts)
        scan(p, JSON.stringify(await queryRows(store.con, `SELECT * FROM read_parquet('${p}')`)));
      // the checks above can fail: the ids did reach the store, hashed
      const [q] = await queryRows<{ n: number }>(
        store.con,
        `SELECT count(*)::INT AS n FROM quarantine WHERE url LIKE '%fid=h:%'`,
      );
      expect(q.n).toBe(1);
      const [loc] = await queryRows<{ n: number }>(
        store.con,
        `SELECT count(*)::INT AS n FROM event WHERE CAST(res_headers AS VARCHAR) LIKE '%mid=h:%fid=h:%'`,
      );
      expect(loc.n).toBeGreaterThan(0);
    } finally {
      store.close();
    }
    expect(leaks).toEqual([]);
  }, 120_000);
});
