/**
 * `npm run record:fixtures`: re-record tests/browser/ with Chromium (every scenario in real time, all at
 * once, about 75 s) and rewrite tests/browser/truth.jsonl from the pages' ledgers.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync } from 'fflate';
import { recordScenarios, type RecordJob, type Recording } from './record.js';
import { SCENARIOS, SHORT_MC } from './scenarios.js';
import type { TruthLine } from '../eval/score.js';
import { truthLines } from './truth.js';

const BROWSER_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../tests/browser');

/** Every fixture: each scenario as Playwright's default embedded HAR, plus the short session in every mode. */
function fixtureJobs(dir = BROWSER_DIR): RecordJob[] {
  const v = SHORT_MC.id; // variants/media-collection-short
  return [
    ...SCENARIOS.map((scenario) => ({
      scenario,
      mode: 'embed' as const,
      harPath: join(dir, `${scenario.id}.har`),
    })),
    { scenario: SHORT_MC, mode: 'embed', harPath: join(dir, `${v}.har`) },
    { scenario: SHORT_MC, mode: 'zip', harPath: join(dir, `${v}.har.zip`) },
    {
      scenario: SHORT_MC,
      mode: 'attach',
      harPath: join(dir, 'variants/attach', 'media-collection-short.har'),
    },
    { scenario: SHORT_MC, mode: 'omit', harPath: join(dir, `${v}.omit.har`) },
  ];
}

/** The capture's `log.entries` and the path Goblin reports for it (zip members as `x.zip!/member`). */
function readRecorded(rec: Recording, dir = BROWSER_DIR): { har: string; entries: unknown[] } {
  const rel = relative(dir, rec.harPath).split('\\').join('/');
  if (rec.mode !== 'zip') {
    const doc = JSON.parse(readFileSync(rec.harPath, 'utf8')) as { log: { entries: unknown[] } };
    return { har: rel, entries: doc.log.entries };
  }
  const files = unzipSync(readFileSync(rec.harPath), { filter: (f) => f.name.endsWith('.har') });
  const [member] = Object.keys(files);
  const doc = JSON.parse(Buffer.from(files[member]).toString('utf8')) as { log: { entries: unknown[] } };
  return { har: `${rel}!/${member}`, entries: doc.log.entries };
}

async function main(): Promise<void> {
  const jobs = fixtureJobs();
  for (const sub of ['clean', 'defects', 'variants'])
    rmSync(join(BROWSER_DIR, sub), { recursive: true, force: true });
  const longest = Math.max(...jobs.map((j) => j.scenario.steps.at(-1)?.at ?? 0)) / 1000;
  console.log(
    `recording ${jobs.length} captures in real time, 5 at a time (the longest ${Math.ceil(longest)} s)…`,
  );
  let done = 0;
  const recs = await recordScenarios(jobs, {
    onRetry: (j, late) =>
      console.log(`  again: ${j.scenario.id} (${j.mode}): page timers ran ${late} ms late`),
    onDone: (r) =>
      console.log(
        `  [${++done}/${jobs.length}] ${r.scenario.id} (${r.mode}) ${r.seconds.toFixed(1)} s, ${r.ledger.beacons.length} requests logged`,
      ),
  });
  const lines: TruthLine[] = [];
  for (const r of recs) {
    const { har, entries } = readRecorded(r);
    lines.push(...truthLines(r, har, entries as never[]));
  }
  writeFileSync(join(BROWSER_DIR, 'truth.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  const faults = lines.filter((l) => l.type === 'fault').length;
  console.log(
    `wrote ${recs.length} captures and truth.jsonl (${lines.length - faults} sessions, ${faults} faults)`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    console.error(`record:fixtures: ${(e as Error).message}`);
    process.exit(1);
  });
}
