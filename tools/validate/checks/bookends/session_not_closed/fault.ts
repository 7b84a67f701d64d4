import type { TimelineFault } from '../../../../simulate/fault-def.js';

/** No complete/end: the app tore the player down without ending the tracking session. */
export const dropClose: TimelineFault = (tl) => {
  const ev = tl.events;
  let n = 0;
  while (
    ev.length &&
    (ev[ev.length - 1].kind === 'sessionEnd' || ev[ev.length - 1].kind === 'sessionComplete')
  ) {
    ev.pop();
    n++;
  }
  return n
    ? {
        note: 'no complete/end: the app tore the player down without ending the tracking session',
        at: [ev[ev.length - 1]],
      }
    : null;
};
