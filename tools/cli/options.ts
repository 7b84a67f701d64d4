/** Options several commands share, described once. */
import type { OptionSpec } from './command.js';
import { failOn, int, num, shard, text } from './values.js';

export const JSON_OPTION = {
  json: { type: 'boolean', description: 'print JSON instead of text' },
} as const satisfies OptionSpec;

export const RUN_OPTIONS = {
  out: {
    type: 'string',
    description: 'folder for the output files',
    default: 'out/run',
    placeholder: 'DIR',
    value: text,
  },
  shard: {
    type: 'string',
    description: "read only this runner's share of the files (stable hash of each path)",
    default: 'every file',
    placeholder: 'i/n',
    value: shard,
  },
  workers: {
    type: 'string',
    description: 'worker processes (0 = one per core)',
    default: 'ingest.workers (0)',
    placeholder: 'N',
    value: int(0, 256),
  },
  json: { type: 'boolean', description: 'print summary.json to stdout instead of the report' },
  'fail-on': {
    type: 'string',
    description: 'exit 1 when an active spec finds something at or above this severity',
    default: 'validate.fail_on (none)',
    placeholder: 'SEVERITY',
    value: failOn,
  },
  'min-parse-rate': {
    type: 'string',
    description: 'exit 3 (input not checked) when a smaller share of the HAR files read parses',
    default: 'validate.min_parse_rate (0.95)',
    placeholder: 'RATE',
    value: num(0, 1),
  },
} as const satisfies OptionSpec;
