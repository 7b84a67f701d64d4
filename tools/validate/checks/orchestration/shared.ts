/** The heartbeat session id an Analytics media hit names (`a.media.vsid`), if any. */
export const vsidOf = (p: Record<string, unknown>): string | null => {
  const v = p['c.a.media.vsid'] ?? p['a.media.vsid'];
  return typeof v === 'string' && v !== '' ? v : null;
};
