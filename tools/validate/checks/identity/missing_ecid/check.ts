import { z } from 'zod';
import { defineCheck } from '../../../types.js';
import type { Hit } from '../../../types.js';
import { ALL } from '../../protocols.js';
import { noMid } from './fault.js';

export const missingEcid = defineCheck({
  id: 'identity.missing_ecid',
  family: 'identity',
  renamedFrom: ['identity.ecid_present'],
  codes: [
    {
      code: 'IDENTITY_MISSING_ECID',
      severity: 'warning',
      definition:
        'no Experience Cloud ID where the scope requires one (`mid`, `s:user:mid` after `start`, `visitor.marketingCloudUserId`, Edge `identityMap.ECID`)',
    },
  ],
  protocols: ALL,
  params: z
    .object({
      /** Event types that must carry an ECID; `*` = every event of the session. */
      events: z.array(z.string()).default(['*']),
      asset_type: z.enum(['main', 'ad', 'any']).default('any'),
    })
    .strict(),
  evidence: { needs: 'events of the listed types with their identity fields (request bodies for MC/Edge)' },
  fault: {
    where: 'page',
    protocols: ['page', 'media-collection', 'media-edge'],
    ok: (s, l) =>
      s.protocol === 'media-collection' ||
      (s.protocol === 'media-edge' && l.platform !== 'web') ||
      (s.protocol === 'none' && (l.pageStyle === 'appmeasurement' || l.pageStyle === 'aep-analytics')),
    onPage: (s) => s.protocol === 'none',
    prepare: noMid,
    marksStart: true,
    note: (p) =>
      p === 'media-collection'
        ? 'sessionStart without visitor.marketingCloudUserId'
        : 'media events without identityMap.ECID',
    describe: 'sessionStart without ECID (visitor.marketingCloudUserId / identityMap.ECID)',
  },
  doc: {
    text: [
      'No ECID where the scope requires one (`events`: event types, `*` = every event; `asset_type`): AA hits',
      'of web JS ≥ 2 and AEP mobile (`mid`), heartbeat main `play` (`s:user:mid`), Media Collection',
      '`sessionStart` (`visitor.marketingCloudUserId`), Edge media/app events from mobile and Roku',
      '(`identityMap.ECID`). One finding per session (the first event without one).',
    ].join('\n'),
    examples: [
      {
        title: 'the ECID service never answered (ad blocker): page views without mid',
        protocol: 'aa',
        events: [
          { at: 0, type: 'page', params: { mid: null }, fires: 'IDENTITY_MISSING_ECID' },
          { at: 9000, type: 'page', params: { mid: null } },
        ],
      },
      {
        title: 'a heartbeat start may come before the ECID; the play heartbeats carry it',
        protocol: 'heartbeat',
        params: { events: ['play'], asset_type: 'main' },
        events: [
          { at: 0, type: 'start', ph: 0, params: { 's:user:mid': null } },
          { at: 400, type: 'play', ph: 0 },
        ],
      },
    ],
  },
  run(a, _v, p) {
    const all = p.events.includes('*');
    const targets = a.session.events.filter(
      (e) =>
        (all || p.events.includes(e.sequence.event_type)) &&
        (p.asset_type === 'any' || !e.sequence.asset_type || e.sequence.asset_type === p.asset_type) &&
        ['aa', 'heartbeat', 'media-collection', 'media-edge', 'edge'].includes(e.family),
    );
    if (targets.length === 0) return { status: 'abstain', reason: 'no event that needs an ECID' };
    const missing = targets.filter((e) => !e.actor.ecid);
    const hits: Hit[] = missing.slice(0, 1).map((e) => ({
      code: 'IDENTITY_MISSING_ECID',
      event: e,
      message: `${missing.length} of ${targets.length} ${all ? '' : p.events.join('/') + ' '}events carry no Experience Cloud ID`,
      expected: 'ECID present',
      observed: 'missing',
    }));
    return { status: 'ran', hits };
  },
});
