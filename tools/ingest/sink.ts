import type { InputFile } from '../har/index.js';
import { envelopeToRow } from '../store/rows.js';
import type { Capture } from '../session/index.js';
import { processFile, type FileContext, type HarFileRow, type QuarantineRow } from './process-file.js';
import { stagingWriters, type NdjsonWriter, type StagingTable } from './staging.js';

/** What validation adds per capture; injected so ingest does not depend on the validator. */
export interface CaptureValidator {
  validate(capture: Capture): {
    findings: Record<string, unknown>[];
    sessions: Record<string, unknown>[];
    timelines: Record<string, unknown>[];
  };
}

export interface FileReport {
  file: HarFileRow;
  quarantine: QuarantineRow[];
  beaconsByFamily: Record<string, number>;
  sessions: number;
  findings: number;
  message: string | null;
}

/** Turns input files into staged rows; the same code runs in a worker process or in-process. */
export class IngestSink {
  private writers: Record<StagingTable, NdjsonWriter>;
  constructor(
    stagingDir: string,
    workerId: string,
    private ctx: FileContext,
    private validator: CaptureValidator | null,
  ) {
    this.writers = stagingWriters(stagingDir, workerId);
  }

  handle(input: InputFile): FileReport[] {
    return processFile(input, this.ctx).map((p) => {
      let findings = 0;
      const c = p.capture;
      if (c) {
        const keyOf = new Map<string, string>();
        for (const s of c.sessions) for (const e of s.events) keyOf.set(e.event_id, s.key);
        for (const e of c.events) this.writers.event.write(envelopeToRow(e, keyOf.get(e.event_id) ?? null));
        for (const s of c.sessions) {
          const first = s.events[0];
          const last = s.events[s.events.length - 1];
          this.writers.session.write({
            har_path: c.har,
            har_hash: c.harHash,
            session_key: s.key,
            kind: s.kind,
            protocol: s.protocol,
            platform: s.platform,
            sdk: s.sdk,
            sdk_version: s.sdk_version,
            sdk_version_raw: s.sdk_version_raw,
            app_version: s.app_version,
            confidence: s.confidence,
            virtual_version: s.virtual_version,
            events: s.events.length,
            first_ts: first?.ts ?? null,
            last_ts: last?.ts ?? null,
          });
          this.writers.fingerprint.write({
            har_path: c.har,
            har_hash: c.harHash,
            session_key: s.key,
            platform: s.platform,
            sdk: s.sdk,
            sdk_version: s.sdk_version,
            confidence: s.confidence,
            signals: s.signals,
          });
        }
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

  close(): void {
    for (const w of Object.values(this.writers)) w.close();
  }
}
