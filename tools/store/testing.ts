import { join } from 'node:path';
import { GoblinConfig } from '../config/index.js';

/** Test helper: a configuration whose store, Parquet dataset and salt live below `dir` (`dir/s`, `dir/salt`). */
export const storeConfig = (dir: string): GoblinConfig =>
  GoblinConfig.parse({
    storage: {
      base_dir: join(dir, 's'),
      db_file: join(dir, 's', 'g.duckdb'),
      parquet_dir: join(dir, 's', 'pq'),
    },
    pii: { salt_file: join(dir, 'salt') },
  });
