/**
 * Site links that work both from a server and straight from disk (file://). A folder URL (`/specs/`)
 * only finds its page over http; on disk it must name the file (`specs/index.html`), and an absolute
 * `/…` would point at the disk's root. So every internal link is made relative to the page and names
 * the file. Shared by the build's HTML rewrite and the search page's script (so: no node imports).
 */

const split = (s: string): [string, string] => {
  const cut = s.search(/[?#]/);
  return cut < 0 ? [s, ''] : [s.slice(0, cut), s.slice(cut)];
};

/** `specs/X/` → `specs/X/index.html`, `findings/?code=A` → `findings/index.html?code=A`; files stay. */
export function pageFile(sitePath: string): string {
  const [path, rest] = split(sitePath);
  return `${path === '' || path.endsWith('/') ? `${path}index.html` : path}${rest}`;
}

const dirOf = (file: string) => file.split('/').slice(0, -1);

/** The folder prefix from a page back to the site root (`../../` or `./`). */
export function rootPrefix(fromFile: string): string {
  const depth = dirOf(fromFile).length;
  return depth ? '../'.repeat(depth) : './';
}

/** A link from the page at `fromFile` (site-relative, e.g. `specs/X/index.html`) to `sitePath`. */
export function relativeLink(fromFile: string, sitePath: string): string {
  const [path, rest] = split(pageFile(sitePath.replace(/^\/+/, '')));
  const from = dirOf(fromFile);
  const to = path.split('/');
  let common = 0;
  while (common < from.length && common < to.length - 1 && from[common] === to[common]) common++;
  return `${'../'.repeat(from.length - common)}${to.slice(common).join('/')}${rest}`;
}
