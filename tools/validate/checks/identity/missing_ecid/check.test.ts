import { testCheck } from '../../../testing/index.js';
import { missingEcid } from './check.js';

testCheck(missingEcid, {
  invalid: [
    {
      title: 'Media Edge from an Android app without identityMap',
      protocol: 'media-edge',
      events: [
        { at: 0, type: 'sessionStart', ph: 0, params: { identityMap: null }, fires: 'IDENTITY_MISSING_ECID' },
        { at: 300, type: 'play', ph: 0, params: { identityMap: null } },
      ],
    },
    {
      title: 'Media Collection sessionStart without visitor.marketingCloudUserId',
      protocol: 'media-collection',
      params: { events: ['sessionStart'] },
      events: [
        {
          at: 0,
          type: 'sessionStart',
          ph: 0,
          params: { 'visitor.marketingCloudUserId': null },
          fires: 'IDENTITY_MISSING_ECID',
        },
        { at: 300, type: 'play', ph: 0 },
      ],
    },
  ],
});
