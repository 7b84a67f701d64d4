import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { storeConfig } from '../store/testing.js';
import { ingest } from '../ingest/run.js';
import { harDoc, hb, hbStart, SID } from '../validate/testing/index.js';
import { explain } from './explain.js';

const root = resolve(import.meta.dirname, '../..');

describe('goblin spec explain', () => {
  const dir = mkdtempSync(join(tmpdir(), 'goblin-explain-'));
  mkdirSync(join(dir, 'hars'));
  const har = join(dir, 'hars', 'hb.har');
  writeFileSync(
    har,
    harDoc([
      ...hbStart(0),
      hb(10400, 'play', 10),
      hb(45400, 'play', 45),
      hb(46000, 'complete', 45),
      hb(46100, 'end', 45),
    ]),
  );
  const config = storeConfig(dir);

  it('explains a HAR: the narrowest spec decides, with its parameters, verdict and finding', async () => {
    const lines = await explain(har, config, SID, root);
    const text = lines.join('\n');
    expect(lines[0]).toMatch(new RegExp(`^session ${SID} .*heartbeat`));
    // The comparable version core, with the wire spelling one step away in the signals.
    expect(text).toMatch(
      /fingerprint: platform web · sdk heartbeat · version 2\.2\.2\.230 · .*heartbeat library version 2\.2\.2\.230 \(wire: js-2\.2\.2\.230-96e624\)/,
    );
    expect(text).toMatch(
      /cadence\.ad_ping_gap\s+ABSTAIN\s+by CADENCE_AD_PING_GAP_HB@1\.0\.0 \[active\] — CADENCE_AD_PING_GAP_HB is the only spec in scope \(protocol heartbeat\)/,
    );
    expect(text).toMatch(/cadence\.content_ping_gap\s+VIOLATION\s+by CADENCE_CONTENT_PING_GAP/);
    expect(text).toMatch(/→ CADENCE_CONTENT_PING_GAP: main-content pings 35\.0 s apart/);
  });

  it('on a Roku build the Roku spec is narrower than the heartbeat one', async () => {
    const roku = join(dir, 'roku.har');
    writeFileSync(
      roku,
      harDoc([
        ...hbStart(0),
        hb(10400, 'play', 10),
        hb(11000, 'complete', 10),
        hb(11100, 'end', 10),
      ]).replaceAll('js-2.2.2.230-96e624', 'roku-2.2.7.17-e0ed47'),
    );
    const text = (await explain(roku, config, SID, root)).join('\n');
    expect(text).toMatch(/platform roku/);
    expect(text).toMatch(
      /cadence\.early_first_ping\s+\w+\s+by CADENCE_EARLY_FIRST_PING_ROKU@1\.0\.0 \[active\] — CADENCE_EARLY_FIRST_PING_ROKU \(platform roku, protocol heartbeat\|media-edge\) is narrower than CADENCE_EARLY_FIRST_PING_HB/,
    );
    expect(text).toMatch(/params \{"first_ping_min_s":1\}/);
  });

  it('explains a session id by replaying its capture from the store', async () => {
    (await ingest({ inputs: [join(dir, 'hars')], config, root, quiet: true, workers: 1 })).store.close();
    const lines = await explain(SID, config, undefined, root);
    expect(lines[0]).toMatch(new RegExp(`^session ${SID} in ${dir}/hars/hb\\.har`));
    expect(lines.join('\n')).toMatch(/→ CADENCE_CONTENT_PING_GAP/);
    await expect(explain('no-such-session', config, undefined, root)).rejects.toThrow(
      /no session no-such-session in the store/,
    );
  });
});
