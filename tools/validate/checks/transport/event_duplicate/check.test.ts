import { testCheck } from '../../../testing/index.js';
import { eventDuplicate } from './check.js';

testCheck(eventDuplicate, {
  valid: [
    {
      title: 'the same page view 3 s later is a second view, not a duplicate',
      protocol: 'aa',
      events: [
        { at: 0, type: 'page' },
        { at: 3000, type: 'page' },
      ],
    },
  ],
});
