/**
 * The tables of `learn.duckdb`, column by column. Declared rather than inferred from each run's rows:
 * inferred, a column's type followed the data — `p_classifier` came out BIGINT in a run whose every
 * prediction was 0 and DOUBLE otherwise, `cluster` HUGEINT, `lf_stats.correct` JSON when every value was
 * null — so two runs' tables did not union, and DuckDB read each file twice (once to guess). The types
 * follow the TypeScript rows the JSONL files are written from: `SessionLabel` (tools/label/labeling.ts),
 * `LfStats`, `AnomalyRow` (anomaly.ts), `InboxRow` (triage.ts), `GroupDrift` (drift.ts).
 * `learn-rows.test.ts` checks that every key a file's rows hold is declared here.
 */
export const LEARN_TABLE_COLUMNS = {
  label: {
    har: 'VARCHAR',
    session: 'VARCHAR',
    family: 'VARCHAR',
    p: 'DOUBLE',
    p_label_model: 'DOUBLE',
    p_majority: 'DOUBLE',
    p_classifier: 'DOUBLE',
    covered: 'BOOLEAN',
    aggregator: 'VARCHAR',
    // LF name → its label (PASS, VIOLATION:CODE); abstentions are left out
    votes: 'MAP(VARCHAR, VARCHAR)',
  },
  lf_stats: {
    name: 'VARCHAR',
    family: 'VARCHAR',
    source: 'VARCHAR',
    polarity: 'VARCHAR[]',
    coverage: 'DOUBLE',
    overlaps: 'DOUBLE',
    conflicts: 'DOUBLE',
    correct: 'INTEGER',
    incorrect: 'INTEGER',
    empirical_accuracy: 'DOUBLE',
    estimated_accuracy: 'DOUBLE',
    estimated_tpr: 'DOUBLE',
    estimated_tnr: 'DOUBLE',
  },
  anomaly: {
    har: 'VARCHAR',
    session: 'VARCHAR',
    platform: 'VARCHAR',
    sdk: 'VARCHAR',
    protocol: 'VARCHAR',
    score: 'DOUBLE',
    novelty_bits: 'DOUBLE',
    evidence: 'VARCHAR',
    evidence_top: 'STRUCT(evidence VARCHAR, bits DOUBLE)[]',
    explained_by: 'VARCHAR[]',
    why: 'VARCHAR',
    at: 'STRUCT(entry_index INTEGER, t_s DOUBLE, detail VARCHAR)',
    forest_score: 'DOUBLE',
    z: 'DOUBLE',
    percentile: 'DOUBLE',
    subspace: 'VARCHAR',
    cluster: 'INTEGER',
    novel: 'BOOLEAN',
    surprise_bits: 'DOUBLE',
    top_features: 'STRUCT("name" VARCHAR, z DOUBLE, "value" DOUBLE)[]',
  },
  inbox: {
    har: 'VARCHAR',
    session: 'VARCHAR',
    score: 'DOUBLE',
    uncertainty: 'DOUBLE',
    impact: 'DOUBLE',
    novelty: 'DOUBLE',
    why: 'VARCHAR',
    at: 'STRUCT(entry_index INTEGER, t_s DOUBLE)',
    reasons: 'VARCHAR[]',
  },
  drift: {
    key: 'VARCHAR',
    platform: 'VARCHAR',
    sdk: 'VARCHAR',
    protocol: 'VARCHAR',
    version: 'VARCHAR',
    ref_sessions: 'INTEGER',
    drop_sessions: 'INTEGER',
    reference: 'VARCHAR',
    status: 'VARCHAR',
    psi_max: 'DOUBLE',
    metrics:
      'STRUCT(metric VARCHAR, family VARCHAR, psi DOUBLE, kl DOUBLE, critical DOUBLE, band VARCHAR, significant BOOLEAN, expected DOUBLE, observed DOUBLE, detail VARCHAR)[]',
    new_params: 'VARCHAR[]',
    samples: 'STRUCT(har VARCHAR, "session" VARCHAR)[]',
    interval_samples: 'DOUBLE[]',
  },
} as const satisfies Record<string, Record<string, string>>;

export type LearnTable = keyof typeof LEARN_TABLE_COLUMNS;

/** DuckDB `read_json(…, columns = {…})` for one table's JSONL file. */
export function learnTableColumns(table: LearnTable): string {
  return `{${Object.entries(LEARN_TABLE_COLUMNS[table])
    .map(([c, t]) => `'${c}': '${t.replace(/'/g, "''")}'`)
    .join(', ')}}`;
}
