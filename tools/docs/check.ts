/**
 * `npm run docs:check`: every relative link in the repository's markdown resolves (file and heading), no
 * link leaves the repository, and no tracked file points to a document the repository does not carry.
 * Exit 0 when clean, 1 with one line per problem.
 */
import { checkRepoDocs } from './links.js';

const problems = checkRepoDocs(process.cwd());
for (const p of problems) console.log(`${p.file}:${p.line}  ${p.kind}  ${p.target}  — ${p.message}`);
console.log(
  problems.length === 0
    ? 'docs:check: every link resolves and nothing points outside the repository'
    : `docs:check: ${problems.length} problem(s)`,
);
process.exitCode = problems.length === 0 ? 0 : 1;
