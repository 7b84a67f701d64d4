import type { APIRoute } from 'astro';
import { searchIndexText } from '../lib/data';

// The index as a classic script: a page opened from disk (file://) cannot fetch() the JSON, but it can
// load a script beside it. search-index.json stays for other readers.
export const GET: APIRoute = () =>
  new Response(`self.GOBLIN_SEARCH_INDEX = ${searchIndexText()};\n`, {
    headers: { 'Content-Type': 'text/javascript; charset=utf-8' },
  });
