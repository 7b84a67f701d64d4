import type { APIRoute } from 'astro';
import { siteData } from '../lib/data';
import { findingsCsv } from '../../../tools/publish/csv';

export const GET: APIRoute = () =>
  new Response(findingsCsv(siteData().findings), { headers: { 'Content-Type': 'text/csv; charset=utf-8' } });
