/**
 * Stdout that survives its reader going away. `goblin run … | head` closes the pipe after a few lines;
 * Node then emits EPIPE on stdout, and with no listener that kills the process with a stack trace before
 * the run has written its files. Here the first EPIPE marks stdout closed, later lines are dropped, and
 * the command finishes its work (files, exit code) as if nobody had stopped reading.
 */
export interface StdoutGuard {
  /** True once the reader has gone. */
  readonly closed: boolean;
}

const guarded = new WeakMap<NodeJS.EventEmitter, StdoutGuard>();

export function guardStdout(stream: NodeJS.EventEmitter = process.stdout): StdoutGuard {
  const known = guarded.get(stream);
  if (known) return known;
  let closed = false;
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') closed = true;
    else throw e;
  });
  const guard: StdoutGuard = {
    get closed() {
      return closed;
    },
  };
  guarded.set(stream, guard);
  return guard;
}

/** A line on stdout (console.log, so tests can capture it) unless the reader has gone. */
export function stdoutLine(guard: StdoutGuard, text: string): void {
  if (!guard.closed) console.log(text);
}
