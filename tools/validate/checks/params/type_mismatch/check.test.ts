import { testCheck } from '../../../testing/index.js';
import { typeMismatch } from './check.js';

testCheck(typeMismatch, {
  valid: [
    {
      title: 'heartbeat long values that Number reads: digits with zeros, exponent, hex, spaces, a sign',
      protocol: 'heartbeat',
      params: { types: { 'l:*': 'numeric' } },
      events: [
        { at: 0, type: 'start', ph: 0, params: { 'l:stream:bitrate': '000123' } },
        { at: 400, type: 'play', ph: 0, params: { 'l:stream:bitrate': '1e3', 'l:stream:fps': '0x1f' } },
        { at: 800, type: 'play', ph: 0, params: { 'l:stream:bitrate': ' 25 ', 'l:stream:fps': '-3.5' } },
        { at: 1200, type: 'play', ph: 0, params: { 'l:stream:bitrate': '12345678901234567890' } },
      ],
    },
  ],
  invalid: [
    {
      title: 'a heartbeat long value with digits and a letter, and one Number reads as Infinity',
      protocol: 'heartbeat',
      params: { types: { 'l:*': 'numeric' } },
      events: [
        { at: 0, type: 'start', ph: 0 },
        {
          at: 400,
          type: 'play',
          ph: 0,
          params: { 'l:stream:bitrate': '4500k' },
          fires: 'PARAM_TYPE_MISMATCH',
        },
        {
          at: 800,
          type: 'play',
          ph: 0,
          params: { 'l:stream:fps': 'Infinity' },
          fires: 'PARAM_TYPE_MISMATCH',
        },
      ],
    },
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
