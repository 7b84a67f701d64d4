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
  invalid: [
    {
      title: 'another page view between the two copies does not hide the duplicate',
      protocol: 'aa',
      events: [
        { at: 0, type: 'page' },
        { at: 300, type: 'page', params: { pageName: 'checkout' } },
        { at: 600, type: 'page', fires: 'EVENT_DUPLICATE' },
      ],
    },
    {
      title: 'beacons that differ in a late name, then an early one, then repeat one of them: still found',
      protocol: 'aa',
      events: [
        { at: 0, type: 'page', params: { pageName: 'home', v5: 'x' } },
        { at: 150, type: 'page', params: { pageName: 'home', v5: 'y' } },
        { at: 300, type: 'page', params: { pageName: 'cart', v5: 'y' } },
        { at: 450, type: 'page', params: { pageName: 'home', v5: 'y' }, fires: 'EVENT_DUPLICATE' },
        { at: 600, type: 'page', params: { pageName: 'cart', v5: 'x' } },
      ],
    },
    {
      title: 'a rule firing three times 0.8 s apart: each copy is judged against the one just before',
      protocol: 'aa',
      events: [
        { at: 0, type: 'page' },
        { at: 800, type: 'page', fires: 'EVENT_DUPLICATE' },
        { at: 1600, type: 'page', fires: 'EVENT_DUPLICATE' },
      ],
    },
  ],
});
