// The published spec site (issue 5). Static output only; data comes from the JSON that
// tools/publish/site-build.ts writes (GOBLIN_SITE_DATA_DIR, default src/data/generated).
import { defineConfig } from 'astro/config';

export default defineConfig({
  output: 'static',
  base: process.env.GOBLIN_SITE_BASE || '/',
  trailingSlash: 'ignore',
  build: { format: 'directory', inlineStylesheets: 'never' },
  devToolbar: { enabled: false },
  vite: {
    // Scripts stay inline: a module script loaded from a file:// page is blocked by the browser, and the
    // site must work opened from disk (tools/publish/relative-links.ts makes the links relative).
    build: { reportCompressedSize: false, chunkSizeWarningLimit: 4096, assetsInlineLimit: 256 * 1024 },
    logLevel: 'warn',
  },
});
