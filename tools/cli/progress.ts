import { formatDuration } from '../util/duration.js';

/** A one-line progress bar with rate and ETA on stderr; silent when not a TTY or when quiet. */
export interface Progress {
  tick(n?: number, extra?: string): void;
  done(summary?: string): void;
}

export function createProgress(opts: {
  label: string;
  total: number;
  unit?: string;
  quiet?: boolean;
  stream?: NodeJS.WriteStream;
}): Progress {
  const stream = opts.stream ?? process.stderr;
  const enabled = !opts.quiet && Boolean(stream.isTTY);
  const start = Date.now();
  let count = 0;
  let lastDraw = 0;
  const unit = opts.unit ?? 'items';
  const draw = (extra = '') => {
    const elapsed = (Date.now() - start) / 1000;
    const rate = elapsed > 0 ? count / elapsed : 0;
    const frac = opts.total > 0 ? Math.min(1, count / opts.total) : 0;
    const eta = rate > 0 ? Math.max(0, (opts.total - count) / rate) : 0;
    const width = 24;
    const bar = '█'.repeat(Math.round(frac * width)).padEnd(width, '░');
    stream.write(
      `\r${opts.label} ${bar} ${count}/${opts.total} ${unit} · ${rate.toFixed(1)}/s · ETA ${formatDuration(eta)} ${extra}\x1b[K`,
    );
  };
  return {
    tick(n = 1, extra) {
      count += n;
      if (!enabled) return;
      const now = Date.now();
      if (now - lastDraw > 100 || count >= opts.total) {
        lastDraw = now;
        draw(extra);
      }
    },
    done(summary) {
      if (!enabled) return;
      draw();
      stream.write(summary ? `\n${summary}\n` : '\n');
    },
  };
}
