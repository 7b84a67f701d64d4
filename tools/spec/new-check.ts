/**
 * Scaffold a check folder (CONTRIBUTING.md, "Add a check"):
 *   npm run rules:new -- <CODE> <family> [--severity error|warning] [--protocols aa,edge,heartbeat,…]
 * writes tools/validate/checks/<family>/<name>/{check.ts,check.test.ts}. The scaffold does not pass its
 * own test until it has doc examples that fire and that pass, and a `run` that finds them.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CODE_INFO } from '../codes/catalog.js';
import { CODE_FAMILIES, checkIdForCode, type CodeFamily } from '../codes/families.js';
import { makeDirs } from '../util/files.js';

const PROTOCOLS = ['heartbeat', 'media-collection', 'media-edge', 'aa', 'edge'];

export function scaffoldCheck(
  root: string,
  code: string,
  family: string,
  o: { severity?: string; protocols?: string[] } = {},
): string {
  if (!/^[A-Z][A-Z0-9_]+$/.test(code)) throw new Error(`code ${code} must be UPPER_SNAKE_CASE`);
  if (!CODE_FAMILIES.includes(family as CodeFamily))
    throw new Error(`family must be one of ${CODE_FAMILIES.join(', ')}`);
  if (CODE_INFO.has(code)) throw new Error(`${code} already exists (check ${CODE_INFO.get(code)!.check})`);
  const severity = o.severity ?? 'error';
  if (severity !== 'error' && severity !== 'warning') throw new Error('severity is error or warning');
  const protocols = o.protocols ?? PROTOCOLS;
  const bad = protocols.filter((p) => !PROTOCOLS.includes(p));
  if (bad.length) throw new Error(`unknown protocols ${bad.join(', ')} (${PROTOCOLS.join(', ')})`);
  const id = checkIdForCode(family as CodeFamily, code);
  const name = id.split('.')[1];
  const exportName = name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
  const dir = resolve(root, 'tools/validate/checks', family, name);
  if (existsSync(dir)) throw new Error(`${dir} exists`);
  makeDirs(dir);
  writeFileSync(
    join(dir, 'check.ts'),
    `import { z } from 'zod';
import { defineCheck } from '../../../types.js';
import type { Hit } from '../../../types.js';

export const ${exportName} = defineCheck({
  id: '${id}',
  family: '${family}',
  codes: [{ code: '${code}', severity: '${severity}', definition: 'TODO one line: when it fires' }],
  protocols: ${JSON.stringify(protocols).replace(/"/g, "'")},
  params: z.object({}).strict(),
  evidence: { needs: 'TODO what the capture must show before the check may fire' },
  doc: {
    text: 'TODO what it means precisely, with the real-world traps it must not fall for',
    examples: [],
  },
  run(a) {
    const hits: Hit[] = [];
    for (const e of a.session.events) void e; // TODO a hit for every event that breaks the rule
    return { status: 'ran', hits };
  },
});
`,
  );
  writeFileSync(
    join(dir, 'check.test.ts'),
    `import { testCheck } from '../../../testing/index.js';
import { ${exportName} } from './check.js';

testCheck(${exportName}, { valid: [], invalid: [] });
`,
  );
  return dir;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { severity: { type: 'string' }, protocols: { type: 'string' } },
  });
  const [code, family] = positionals;
  if (!code || !family) {
    console.error(
      'usage: npm run rules:new -- <CODE> <family> [--severity error|warning] [--protocols aa,edge,…]',
    );
    process.exit(2);
  }
  const dir = scaffoldCheck(resolve(import.meta.dirname, '../..'), code, family, {
    severity: values.severity,
    protocols: values.protocols?.split(','),
  });
  console.log(
    `wrote ${dir}/check.ts and check.test.ts: fill in the TODOs and examples (CONTRIBUTING.md), then npm run rules:gen`,
  );
}
