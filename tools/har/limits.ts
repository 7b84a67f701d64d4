/**
 * 1 GiB: the default of `ingest.max_capture_bytes`, the most bytes one capture may take in memory. A
 * reader holds a capture's bytes whole (and a copy without its response bodies), so without a bound one
 * small file can take any amount of memory: a 13 MB `.har.gz` of one long string inflated to 3 GB, and
 * `goblin ingest` peaked at 6 GB before it quarantined the capture as too large for `JSON.parse`
 * (docs/ingest.md, "Captures too large to read"). Its own module so the configuration schema can name it
 * without loading the reader.
 */
export const DEFAULT_MAX_CAPTURE_BYTES = 2 ** 30;
