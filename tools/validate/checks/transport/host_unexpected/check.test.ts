import { testCheck } from '../../../testing/index.js';
import { hostUnexpected } from './check.js';

testCheck(hostUnexpected, {
  invalid: [
    {
      title: 'Media Collection sent to the heartbeat host',
      protocol: 'media-collection',
      events: [
        { at: 0, type: 'sessionStart', ph: 0, host: 'acme.hb.omtrdc.net', fires: 'HOST_UNEXPECTED' },
        { at: 300, type: 'play', ph: 0, host: 'acme.hb.omtrdc.net' },
      ],
    },
    {
      title: 'heartbeat pings on an unlisted first-party host',
      protocol: 'heartbeat',
      events: [
        { at: 0, type: 'start', ph: 0, host: 'metrics-hb.acme.com', fires: 'HOST_UNEXPECTED' },
        { at: 400, type: 'play', ph: 0, host: 'metrics-hb.acme.com' },
      ],
    },
  ],
  valid: [
    {
      title: 'a first-party CNAME the scope lists',
      protocol: 'heartbeat',
      params: { heartbeat_hosts: ['*.hb.omtrdc.net', 'metrics-hb.acme.com'] },
      events: [
        { at: 0, type: 'start', ph: 0, host: 'metrics-hb.acme.com' },
        { at: 400, type: 'play', ph: 0, host: 'metrics-hb.acme.com' },
      ],
    },
  ],
});
