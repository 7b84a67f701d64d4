import { testCheck } from '../../../testing/index.js';
import { chapterOverlap } from './check.js';

testCheck(chapterOverlap, {
  valid: [
    {
      title: 'a skipped chapter is closed',
      protocol: 'media-collection',
      events: [
        { at: 0, type: 'sessionStart', ph: 0 },
        { at: 300, type: 'chapterStart', ph: 0 },
        { at: 5300, type: 'chapterSkip', ph: 5 },
        { at: 5400, type: 'chapterStart', ph: 60 },
      ],
    },
  ],
});
