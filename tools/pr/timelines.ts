import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { GoblinConfig } from '../config/index.js';
import { processFile } from '../ingest/process-file.js';
import { parseSpecText, loadSpecs } from '../spec/load.js';
import { fileContext } from '../validate/files.js';
import type { Timeline } from '../validate/outputs.js';
import { buildPack } from '../validate/pack.js';
import { validateCapture } from '../validate/validate.js';
import type { TimelineExample } from './body.js';
import type { LoadedProposal } from './proposal-files.js';

/** A timeline as reviewers read it: one line per event, marked where the proposed spec fires. */
export function timelineLines(t: Timeline, specCodes: Set<string>, max = 14): string[] {
  const hits = t.events.map((e, i) => (e.codes.some((c) => specCodes.has(c)) ? i : -1)).filter((i) => i >= 0);
  const first = hits.length ? Math.max(0, hits[0] - 4) : 0;
  const events = t.events.slice(first, first + max);
  const lines = events.map((e) => {
    const ph = e.playhead_s === null ? '' : ` playhead ${e.playhead_s}`;
    const mark = e.codes.length ? `  ← ${e.codes.join(', ')}` : '';
    return `t=${e.t_s.toFixed(1).padStart(7)}s  ${(e.asset_type ? `${e.type}/${e.asset_type}` : e.type).padEnd(18)}${ph}${mark}`;
  });
  if (first > 0) lines.unshift(`… ${first} earlier events`);
  if (first + max < t.events.length) lines.push(`… ${t.events.length - first - max} more events`);
  return lines;
}

/**
 * Validate the proposal's fail fixtures with the repo pack plus the proposed spec and return the
 * sessions where the proposed spec fires, as short timelines for the PR body.
 */
export function exampleTimelines(
  root: string,
  config: GoblinConfig,
  p: LoadedProposal,
  limit = 3,
): TimelineExample[] {
  const parsed = parseSpecText(p.specText, p.manifest.spec_path);
  if (!parsed.spec) return [];
  const proposed = parsed.spec;
  proposed.spec = { ...proposed.spec, status: 'active' };
  const repo = loadSpecs(join(root, config.validate.specs_dir), root).specs.filter(
    (s) => s.spec.id !== proposed.spec.id,
  );
  const pack = buildPack([...repo, proposed]);
  const codes = new Set<string>(proposed.spec.fail_codes);
  const ctx = fileContext(config);
  const ranked: { rank: number; ex: TimelineExample }[] = [];
  const protocols = new Set<string>(proposed.spec.scope.protocol ?? []);
  for (const rel of [...p.manifest.fixtures.fail, ...p.manifest.fixtures.pass]) {
    const abs = join(p.dir, rel);
    let size: number;
    try {
      size = statSync(abs).size;
    } catch {
      continue;
    }
    for (const pf of processFile({ abs, rel, size, mtimeMs: 0 }, ctx)) {
      if (!pf.capture) continue;
      const r = validateCapture(pf.capture, pack, { cnames: config.hosts.cname_allowlist });
      for (const t of r.timelines) {
        const mine = r.findings.filter((f) => f.session === t.session && f.har === t.har);
        // 0: the proposed spec fires; 1: its codes fire (from the spec it overrides); 2: a session in its scope.
        const rank = mine.some((f) => f.spec === proposed.spec.id)
          ? 0
          : mine.some((f) => codes.has(f.code))
            ? 1
            : !protocols.size || protocols.has(t.protocol)
              ? 2
              : -1;
        if (rank < 0) continue;
        const by = [...new Set(mine.filter((f) => codes.has(f.code)).map((f) => f.spec))];
        ranked.push({
          rank,
          ex: {
            har: rel,
            session: t.session,
            from: by.length ? `fires ${by.join(', ')}` : undefined,
            to: by.length ? (rank === 0 ? 'with the proposed spec' : 'under the current pack') : undefined,
            lines: timelineLines(t, codes),
          },
        });
      }
    }
  }
  return ranked
    .sort((a, b) => a.rank - b.rank)
    .slice(0, limit)
    .map((r) => r.ex);
}
