/** The research domain allowlist: a host is allowed when it is a listed domain or a subdomain of one. */
export function hostAllowed(url: string, allowlist: string[]): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  return allowlist.some((d) => {
    const dd = d.toLowerCase().replace(/^\*\./, '');
    return host === dd || host.endsWith(`.${dd}`);
  });
}
