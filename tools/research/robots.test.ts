import { describe, expect, it } from 'vitest';
import { allowAll, disallowAll, parseRobotsPolicy, productToken } from './robots.js';

const UA = 'WeirdGoblin-research/0.1 (+local)';
const ORIGIN = 'https://docs.example.com';
const policy = (text: string, ua = UA) => parseRobotsPolicy(`${ORIGIN}/robots.txt`, text, ua);
const allowed = (text: string, path: string, ua = UA) => policy(text, ua).allowed(`${ORIGIN}${path}`);

describe('robots.txt policy (RFC 9309)', () => {
  it('merges every group of the same user agent (§2.2.1): a second `User-agent: *` group still applies', () => {
    const text = `User-agent: *
Disallow: /private/

User-agent: OtherBot
Disallow: /

User-agent: *
Disallow: /drafts/
`;
    expect(allowed(text, '/private/a.html')).toBe(false);
    expect(allowed(text, '/drafts/b.html')).toBe(false);
    expect(allowed(text, '/docs/c.html')).toBe(true);
  });

  it('matches the product token exactly and case-insensitively, never by prefix', () => {
    const text = `User-agent: weird
Disallow: /

User-agent: *
Disallow: /private/
`;
    // "weird" is a prefix of "weirdgoblin-research" but names another crawler: the * group applies.
    expect(allowed(text, '/docs/a.html')).toBe(true);
    expect(allowed(text, '/private/a.html')).toBe(false);
    const own = `User-agent: WEIRDGOBLIN-RESEARCH\nDisallow: /drafts/\n\nUser-agent: *\nDisallow: /\n`;
    expect(allowed(own, '/docs/a.html')).toBe(true); // its own group replaces *
    expect(allowed(own, '/drafts/a.html')).toBe(false);
  });

  it('reads Crawl-delay from the group that applies (seconds, fractions allowed)', () => {
    expect(policy('User-agent: *\nCrawl-delay: 2.5\n').crawlDelayMs).toBe(2500);
    expect(
      policy('User-agent: weirdgoblin-research\nCrawl-delay: 1\n\nUser-agent: *\nCrawl-delay: 10\n')
        .crawlDelayMs,
    ).toBe(1000);
    expect(policy('User-agent: *\nDisallow: /x\n').crawlDelayMs).toBeNull();
    expect(policy('User-agent: *\nCrawl-delay: soon\n').crawlDelayMs).toBeNull();
  });

  it('longest match wins, Allow wins ties, * and $ wildcards; /robots.txt is always allowed', () => {
    const text = `User-agent: *
Disallow: /private/
Allow: /private/public-note.html
Disallow: /*.pdf$
Disallow: /robots.txt
`;
    expect(allowed(text, '/private/x.html')).toBe(false);
    expect(allowed(text, '/private/public-note.html')).toBe(true);
    expect(allowed(text, '/docs/a.pdf')).toBe(false);
    expect(allowed(text, '/docs/a.pdf?x=1')).toBe(true);
    expect(allowed(text, '/robots.txt')).toBe(true);
    expect(policy('Sitemap: https://docs.example.com/sitemap.xml\n').sitemaps).toEqual([
      'https://docs.example.com/sitemap.xml',
    ]);
  });

  it('an unreachable robots.txt disallows everything, an unavailable one allows everything', () => {
    expect(disallowAll('HTTP 503').allowed(`${ORIGIN}/docs/`)).toBe(false);
    expect(disallowAll('HTTP 503').allowed(`${ORIGIN}/robots.txt`)).toBe(true);
    expect(allowAll('HTTP 404').allowed(`${ORIGIN}/anything`)).toBe(true);
    expect(productToken(UA)).toBe('weirdgoblin-research');
    expect(productToken('Mozilla/5.0 (X11)')).toBe('mozilla');
  });
});
