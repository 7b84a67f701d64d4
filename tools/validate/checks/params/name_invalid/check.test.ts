import { testCheck } from '../../../testing/index.js';
import { nameInvalid } from './check.js';

testCheck(nameInvalid, {
  invalid: [
    {
      title: 'Media Collection custom metadata key with a hyphen',
      protocol: 'media-collection',
      events: [
        {
          at: 0,
          type: 'sessionStart',
          ph: 0,
          params: { 'customMetadata.content-rating': 'TV-14' },
          fires: 'PARAM_NAME_INVALID',
        },
      ],
    },
  ],
  valid: [
    {
      title: 'AA context data keys may use any case (they carry a dot)',
      protocol: 'aa',
      events: [{ at: 0, type: 'page', params: { 'c.': '', 'Page.Section': 'video', '.c': '' } }],
    },
  ],
});
