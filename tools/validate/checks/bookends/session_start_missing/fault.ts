import type { TimelineFault } from '../../../../simulate/fault-def.js';

/** The capture began mid-session: everything before a play that resumes from a pause/buffer is gone. */
export const cutBeforePlay: TimelineFault = (tl) => {
  const ev = tl.events;
  for (let r = 1; r < ev.length; r++) {
    const e = ev[r];
    if (
      e.kind === 'play' &&
      ev[r - 1].kind !== 'adBreakComplete' &&
      !e.ad &&
      !e.inBreak &&
      !e.chapter &&
      r > 3
    ) {
      const prevPause = ev
        .slice(0, r)
        .reverse()
        .find((x) => x.kind !== 'ping');
      if (prevPause?.kind !== 'pauseStart' && prevPause?.kind !== 'bufferStart') continue;
      ev.splice(0, r);
      return {
        note: 'capture began mid-session: the first event of the session is a play (resume), no sessionStart',
        at: [ev[0]],
      };
    }
  }
  return null;
};
