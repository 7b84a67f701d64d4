import type { InputFile } from '../har/index.js';
import type { Capture } from '../session/index.js';
import { ColumnarStager } from './columnar.js';
import {
  cpuUs,
  phaseCpuUs,
  processFile,
  type FileContext,
  type HarFileRow,
  type QuarantineRow,
} from './process-file.js';
import { stagingWriters, type NdjsonWriter, type StagingTable } from './staging.js';

/** What validation adds per capture; injected so ingest does not depend on the validator. */
export interface CaptureValidator {
  validate(capture: Capture): {
    findings: Record<string, unknown>[];
    sessions: Record<string, unknown>[];
    timelines: Record<string, unknown>[];
  };
}

/**
 * The learning step's rows of one capture (tools/detect/learn-rows.ts), built from the capture and the
 * validator's session rows; injected like the validator so ingest does not depend on the learning layer.
 */
export interface CaptureLearner {
  rows(capture: Capture, sessions: readonly Record<string, unknown>[]): Record<string, unknown>[];
}

export interface FileReport {
  file: HarFileRow;
  quarantine: QuarantineRow[];
  beaconsByFamily: Record<string, number>;
  sessions: number;
  findings: number;
  message: string | null;
}

/**
 * Turns input files into staged rows; the same code runs in a worker process or in-process. The store's
 * tables (events, sessions, fingerprints: tools/ingest/producers.ts) are staged as columns → Parquet;
 * the validator's outputs, which the report writer reads back, and the learn rows `goblin run`'s
 * learning step reads, as NDJSON.
 */
export class IngestSink {
  private writers: Record<StagingTable, NdjsonWriter>;
  private columns: ColumnarStager;
  constructor(
    stagingDir: string,
    workerId: string,
    private ctx: FileContext,
    private validator: CaptureValidator | null,
    private learner: CaptureLearner | null = null,
  ) {
    this.writers = stagingWriters(stagingDir, workerId);
    this.columns = new ColumnarStager(stagingDir, workerId);
  }

  handle(input: InputFile): FileReport[] {
    return processFile(input, this.ctx).map((p) => {
      let findings = 0;
      const c = p.capture;
      if (c) {
        const t0 = cpuUs();
        this.columns.add(c);
        const t1 = cpuUs();
        phaseCpuUs.staging += t1 - t0;
        if (this.validator) {
          const v = this.validator.validate(c);
          for (const f of v.findings) this.writers.violation.write({ ...f, har_hash: c.harHash });
          for (const r of v.sessions) {
            this.writers.session_row.write(r);
            this.writers.session_verdict.write({
              har: r.har,
              har_hash: c.harHash,
              session: r.session,
              verdict: r.verdict,
              conformance: r.conformance,
              rules: r.rules,
              codes: r.codes,
            });
          }
          for (const t of v.timelines) this.writers.timeline.write(t);
          findings = v.findings.length;
          const t2 = cpuUs();
          phaseCpuUs.validate += t2 - t1;
          if (this.learner) {
            for (const r of this.learner.rows(c, v.sessions)) this.writers.learn_session.write(r);
            phaseCpuUs.learn += cpuUs() - t2;
          }
        }
      }
      return {
        file: p.file,
        quarantine: p.quarantine,
        beaconsByFamily: p.beaconsByFamily,
        sessions: c?.sessions.length ?? 0,
        findings,
        message: p.message,
      };
    });
  }

  /** Write what is staged and not yet written (the last Parquet parts, the NDJSON buffers). */
  close(): void {
    const t0 = cpuUs();
    for (const w of Object.values(this.writers)) w.close();
    this.columns.close();
    phaseCpuUs.staging += cpuUs() - t0;
  }
}
