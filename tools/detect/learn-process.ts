/**
 * Starts `goblin run`'s learning step in a process of its own (tools/detect/learn-worker.ts) when the run
 * starts: it loads its modules and the specs while the ingest workers run, learns once it is told the
 * learn rows are staged, and the parent writes the report meanwhile (on the dense bench the two took
 * ~4.5 s and ~1 s one after the other on the parent's JavaScript thread). Where no process can be
 * started, or it dies before answering, the same step runs in-process and the message says why.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { learnWorkerBundle } from '../ingest/worker-bundle.js';
import type { RulePack } from '../validate/pack.js';
import { prepareLearnStep, type LearnInputs, type LearnStepInit } from './learn-step.js';

export interface LearnStepHandle {
  /**
   * Hand the step the staging folder and the run's input files in order: call once the workers have
   * staged every learn row. Resolves once the learning process has the message (or the step fell back
   * to running in this process): a caller that then holds the JavaScript thread (the run's report) does
   * not hold the message back with it.
   */
  begin(stagingDir: string, inputs: LearnInputs): Promise<void>;
  /** The step's one-line message once it has written its outputs; null (and the process stopped) when it never began. */
  done(): Promise<string | null>;
  /** Stop it without waiting (the run failed before the learn rows were staged). */
  abort(): void;
}

/**
 * `pack`: the parent's rule pack, used when the step has to run in-process. `worker` replaces the script
 * forked (tests: one that dies, to see the in-process fallback).
 */
export function startLearnStep(
  init: LearnStepInit,
  pack: RulePack,
  worker?: { script: string; execArgv: string[] },
): LearnStepHandle {
  let child: ChildProcess | null = null;
  let aborted = false;
  let answered = false;
  let stagingDir: string | null = null;
  let files: LearnInputs = [];
  let settle: (message: string) => void = () => undefined;
  const result = new Promise<string>((r) => (settle = r));
  const inProcess = async (why: string) => {
    if (answered) return;
    answered = true;
    const message = await prepareLearnStep(init, pack)
      .run(stagingDir!, files)
      .catch((e: Error) => `learning layer skipped: ${e.message}`);
    settle(`${message} (in-process: ${why})`);
  };
  // Fork as soon as the bundle is there; the parent goes on with the ingest meanwhile.
  const started = (async (): Promise<string | null> => {
    const { script, execArgv } = worker ?? (await learnWorkerBundle());
    if (aborted) return null;
    try {
      // No stdout: `goblin run --json` prints its summary there, and nothing may land in the middle of it.
      child = fork(script, [], { execArgv, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    } catch (e) {
      return `the learning process did not start (${(e as Error).message})`;
    }
    child.on('message', (m: { type: string; message?: string }) => {
      if (m.type === 'done' && !answered) {
        answered = true;
        settle(m.message ?? 'learning layer: no message');
      }
    });
    child.on('exit', (code, signal) => {
      child = null;
      if (!answered && !aborted && stagingDir !== null)
        void inProcess(`the learning process exited with ${signal ?? `code ${code}`}`);
    });
    child.on('error', () => undefined); // 'exit' follows and decides
    child.send({ type: 'init', init });
    return null;
  })().catch((e: Error) => `the learning process did not start (${e.message})`);

  const abort = () => {
    aborted = true;
    child?.kill();
    // Whoever still waits for it (done() after begin()) gets an answer, not a promise that never settles.
    if (!answered) ((answered = true), settle('learning layer skipped: the run stopped before it finished'));
  };
  return {
    async begin(dir, inputs) {
      if (stagingDir !== null || aborted) return;
      stagingDir = dir;
      // Only what the step reads: the parent's file records also carry sizes and times.
      files = inputs.map((f) => ({ abs: f.abs, rel: f.rel }));
      const failure = await started;
      if (failure !== null) void inProcess(failure);
      else if (child) {
        const to = child;
        // A send that fails means the process is gone: its 'exit' handler runs the step in-process.
        await new Promise<void>((sent) =>
          to.send({ type: 'learn', stagingDir: dir, inputs: files }, () => sent()),
        );
      }
      // else: it already exited, and its 'exit' handler saw no staging folder yet
      else void inProcess('the learning process exited before the rows were staged');
    },
    async done() {
      if (stagingDir !== null) return result;
      abort();
      return null;
    },
    abort,
  };
}
