import type { ChildProcess } from 'node:child_process';
import { describe, expect, it, vi } from 'vitest';

// Fault injection: the second fork of a pool throws, as Node's fork does when the system refuses a process.
const forked: ChildProcess[] = [];
vi.mock('node:child_process', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:child_process')>();
  return {
    ...real,
    fork: (...args: Parameters<typeof real.fork>) => {
      if (forked.length === 1) throw Object.assign(new Error('spawn EAGAIN'), { code: 'EAGAIN' });
      const child = real.fork(...args);
      forked.push(child);
      return child;
    },
  };
});

const { startPool } = await import('./pool.js');

describe('startPool', () => {
  it('a fork that throws ends the workers forked before it (left without an owner, they kept the run alive)', async () => {
    await expect(startPool(3)).rejects.toThrow(/spawn EAGAIN/);
    expect(forked).toHaveLength(1);
    const first = forked[0];
    if (first.exitCode === null && first.signalCode === null)
      await Promise.race([
        new Promise((res) => first.once('exit', res)),
        new Promise((res) => setTimeout(res, 10_000)),
      ]);
    first.kill('SIGKILL'); // if the assertion below fails, not left behind
    expect(first.signalCode).toBe('SIGTERM');
  });
});
