import type { APIRoute } from 'astro';
import { searchIndexText } from '../lib/data';

export const GET: APIRoute = () =>
  new Response(searchIndexText(), { headers: { 'Content-Type': 'application/json' } });
