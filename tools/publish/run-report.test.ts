import { describe, expect, it } from 'vitest';
import type { Finding, SessionRow } from '../validate/outputs.js';
import { quarantineLines } from './quarantine.js';
import { tallySessions } from '../validate/session-tally.js';
import { platformTable, topSessionLines } from './run-report.js';

const session = (o: Partial<SessionRow>): SessionRow => ({
  har: 'web/a.har',
  session: 's1',
  kind: 'media',
  protocol: 'media-collection',
  platform: 'web',
  sdk: 'hb-api',
  sdk_version: 'js-3.1.0',
  app_version: null,
  confidence: 0.95,
  virtual_version: null,
  events: 12,
  first_ts: '2024-03-14T09:05:30.000Z',
  last_ts: '2024-03-14T09:07:30.000Z',
  verdict: 'VIOLATION',
  conformance: 0.9,
  rules: {},
  codes: [],
  ...o,
});
const finding = (o: Partial<Finding>): Finding => ({
  har: 'web/a.har',
  session: 's1',
  code: 'CADENCE_CONTENT_PING_GAP',
  family: 'cadence',
  severity: 'error',
  spec: 'CADENCE_CONTENT_PING_GAP',
  spec_version: '1.0.0',
  spec_status: 'active',
  event_id: 'e1',
  entry_index: 31,
  ts: '2024-03-14T09:06:40.000Z',
  message: 'main-content pings 25.0 s apart; expected at most 15.0 s',
  expected: '≤ 15.0 s',
  observed: '25.0 s',
  platform: 'web',
  sdk: 'hb-api',
  sdk_version: 'js-3.1.0',
  ...o,
});

describe('run report', () => {
  it('lists, per top session, each finding with its message and where it points', () => {
    const lines = topSessionLines(
      [
        finding({
          entry_index: 40,
          event_id: 'e9',
          code: 'PLAYHEAD_STALLED',
          message: '5 play pings moved the playhead 0.0 s',
        }),
        finding({}),
        finding({
          session: 's2',
          entry_index: null,
          event_id: null,
          ts: null,
          code: 'SESSION_NOT_CLOSED',
          message: 'no sessionComplete or sessionEnd',
        }),
      ],
      tallySessions([session({}), session({ session: 's2' })]),
    );
    expect(lines).toEqual([
      '  web/a.har · session s1 · web hb-api js-3.1.0 · 2 finding(s)',
      '    CADENCE_CONTENT_PING_GAP [error] entry 31 · event e1 · 2024-03-14T09:06:40.000Z — main-content pings 25.0 s apart; expected at most 15.0 s',
      '    PLAYHEAD_STALLED [error] entry 40 · event e9 · 2024-03-14T09:06:40.000Z — 5 play pings moved the playhead 0.0 s',
      '  web/a.har · session s2 · web hb-api js-3.1.0 · 1 finding(s)',
      '    SESSION_NOT_CLOSED [error] whole session — no sessionComplete or sessionEnd',
    ]);
  });

  it('counts a session without an explicit version, and its findings, under its virtual version', () => {
    const vv = session({ sdk_version: null, virtual_version: 'vv-d650e52395' });
    const table = platformTable([finding({ sdk_version: null })], tallySessions([vv]));
    expect(table[1].split(/\s{2,}/)).toEqual([
      'web',
      'hb-api',
      'vv-d650e52395',
      '1',
      '1',
      '1',
      'CADENCE_CONTENT_PING_GAP×1',
    ]);
    expect(table).toHaveLength(2); // no separate "unknown" row for the finding
  });

  it('names the first quarantined files and entries, then says where the rest are', () => {
    const rows = Array.from({ length: 23 }, (_, i) => ({
      scope: 'entry' as const,
      path: 'ios/x.har',
      entry_index: i,
      url: null,
      reason: 'malformed-entry',
      detail: 'entry has no request.url',
    }));
    const lines = quarantineLines([
      ...rows,
      {
        ...rows[0],
        scope: 'file',
        entry_index: null,
        path: 'a.har',
        reason: 'empty-file',
        detail: 'file is empty',
      },
    ]);
    expect(lines[0]).toBe('  a.har: empty-file — file is empty');
    expect(lines[1]).toBe('  ios/x.har entry 0: malformed-entry — entry has no request.url');
    expect(lines).toHaveLength(21);
    expect(lines[20]).toBe('  … and 4 more in quarantine.csv');
  });
});
