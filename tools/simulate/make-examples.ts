// Regenerates examples/hars/ (bundled example captures + truth.jsonl). Deterministic: fixed seed.
//   npx tsx tools/simulate/make-examples.ts [outDir]
import { rmSync } from 'node:fs';
import type { FailCode } from '../codes/catalog.js';
import { faultApplies, FAULT_CODES } from './faults.js';
import { pickExporter, simulateCorpus } from './corpus.js';
import { LIBRARY_INFO } from './libraries.js';
import { Rng } from '../util/rng.js';
import { EXPORTERS, LIBRARIES, type Scenario } from './types.js';

export const EXAMPLES_SEED = 20240314;

export function exampleScenarios(seed = EXAMPLES_SEED): Scenario[] {
  const rng = new Rng(seed);
  const out: Scenario[] = [];
  const faults = rng.shuffle([...FAULT_CODES]);
  let exporterIdx = 0;
  const nextExporter = (platform: Scenario['platform']) => {
    // cycle through every exporter on web, realistic proxies elsewhere
    if (platform === 'web' || platform === 'chromecast') return EXPORTERS[exporterIdx++ % EXPORTERS.length];
    return pickExporter(rng, platform);
  };
  for (const library of LIBRARIES) {
    const lib = LIBRARY_INFO[library];
    const common = {
      platform: lib.platform,
      protocol: lib.protocol,
      library,
      compact: true,
      bodies: 'small' as const,
    };
    const variants: Partial<Scenario>[] =
      lib.protocol === 'none'
        ? [{}, { sparse: true }]
        : [
            { content: 'vod', withAds: true, withChapters: false },
            { content: 'live', withAds: false, withChapters: false, proxyBursts: true },
            { content: 'vod', withAds: true, withChapters: true, cutOff: true },
            { content: 'vod', withAds: false, withChapters: true, mediaSessions: 2 },
          ];
    for (const v of variants) {
      const exporter = nextExporter(lib.platform);
      out.push({ content: 'vod', withAds: false, withChapters: false, exporter, ...common, ...v });
    }
  }
  // one live stream crossing midnight, one resumed-after-idle session
  out.push({
    platform: 'web',
    protocol: 'media-edge',
    library: 'web-alloy-2',
    content: 'live',
    withAds: false,
    withChapters: false,
    exporter: 'chrome',
    crossMidnight: true,
    compact: true,
  });
  out.push({
    platform: 'android',
    protocol: 'media-collection',
    library: 'android-aep-media-3',
    content: 'vod',
    withAds: false,
    withChapters: false,
    exporter: 'charles',
    resumeAfterIdle: true,
    compact: true,
  });
  // every fault code once, on a library it applies to (rotating through libraries)
  let li = rng.int(0, LIBRARIES.length - 1);
  for (const code of faults) {
    for (let k = 0; k < LIBRARIES.length; k++) {
      const library = LIBRARIES[(li + k) % LIBRARIES.length];
      const lib = LIBRARY_INFO[library];
      if (!faultApplies(code, { protocol: lib.protocol, library })) continue;
      out.push({
        platform: lib.platform,
        protocol: lib.protocol,
        library,
        content: rng.chance(0.3) ? 'live' : 'vod',
        withAds: rng.chance(0.5),
        withChapters: rng.chance(0.3),
        exporter: nextExporter(lib.platform),
        fault: code,
        compact: true,
      });
      li = (li + k + 1) % LIBRARIES.length;
      break;
    }
  }
  // serialization quirks
  out.forEach((s, i) => {
    s.encoding =
      s.exporter === 'fiddler'
        ? i % 3 === 0
          ? 'utf16le-bom'
          : 'utf8-bom'
        : i % 11 === 5
          ? 'utf8-bom'
          : 'utf8';
    s.shuffleEntries = i % 9 === 4;
    if (s.sparse === undefined) s.sparse = i % 7 === 3;
  });
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const outDir = process.argv[2] ?? 'examples/hars';
  rmSync(outDir, { recursive: true, force: true });
  const scenarios = exampleScenarios();
  const r = simulateCorpus({
    outDir,
    seed: EXAMPLES_SEED,
    sessions: scenarios.length,
    scenarios,
    compact: true,
  });
  console.log(
    `${r.hars} captures, ${r.files} files, ${r.faults} faults, ${r.mediaSessions} media sessions, ${(r.bytes / 1e6).toFixed(2)} MB → ${outDir}`,
  );
}
