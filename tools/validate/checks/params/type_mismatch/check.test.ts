import { testCheck } from '../../../testing/index.js';
import { typeMismatch } from './check.js';

testCheck(typeMismatch, {
  invalid: [
    {
      title: 'Media Collection media.length sent as a string',
      protocol: 'media-collection',
      params: { types: { 'media.length': 'number' } },
      events: [
        {
          at: 0,
          type: 'sessionStart',
          ph: 0,
          params: { 'media.length': '1330.0' },
          fires: 'PARAM_TYPE_MISMATCH',
        },
      ],
    },
    {
      title: 'Media Edge playhead with decimals',
      protocol: 'media-edge',
      params: { types: { 'mediaCollection.playhead': 'integer' } },
      events: [
        { at: 0, type: 'sessionStart', ph: 0 },
        { at: 300, type: 'play', ph: 0.25, fires: 'PARAM_TYPE_MISMATCH' },
      ],
    },
  ],
});
