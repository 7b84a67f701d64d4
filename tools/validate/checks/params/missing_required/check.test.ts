import { testCheck } from '../../../testing/index.js';
import { missingRequired } from './check.js';

testCheck(missingRequired, {
  invalid: [
    {
      title: 'legacy heartbeat: the main start without the content id',
      protocol: 'heartbeat',
      params: { events: { sessionStart: ['s:asset:video_id'] }, asset_type: 'main' },
      events: [
        {
          at: 0,
          type: 'start',
          ph: 0,
          params: { 's:asset:video_id': null },
          fires: 'PARAM_MISSING_REQUIRED',
        },
        { at: 400, type: 'play', ph: 0 },
      ],
    },
  ],
  abstain: [
    {
      title: 'the session has none of the listed event types',
      protocol: 'media-collection',
      params: { events: { adStart: ['media.ad.id'] } },
      events: [
        { at: 0, type: 'sessionStart', ph: 0 },
        { at: 300, type: 'play', ph: 0 },
      ],
      abstains: 'no event type with required params',
    },
  ],
});
