/**
 * JSON text that DuckDB's JSON reader accepts. A JavaScript string can hold a lone UTF-16 surrogate (a
 * beacon body's `"\ud800"` escape parses into one), and `JSON.stringify` writes it back as that escape;
 * DuckDB refuses such text ("no low surrogate in string") in `read_json` and in a JSON column, and one
 * such beacon failed a whole ingest's load. The escape becomes U+FFFD, the replacement character, which
 * is also what a VARCHAR value's lone surrogate becomes on its way to UTF-8.
 *
 * `JSON.stringify` writes a valid surrogate pair as the characters themselves, so every `\udXXX` escape in
 * its output is a lone surrogate — unless its backslash is itself escaped (`\\ud800` is the text
 * "\ud800"), which the replacement below leaves alone.
 */
const LONE = /\\ud[89a-f][0-9a-f]{2}/;
// An odd run of backslashes before `u`: the last one starts the escape.
const LONE_ALL = /(?<!\\)((?:\\\\)*)\\ud[89a-f][0-9a-f]{2}/g;

/** `JSON.stringify(v)`, with lone surrogates written as U+FFFD. */
export function jsonText(v: unknown): string {
  const s = JSON.stringify(v);
  return LONE.test(s) ? s.replace(LONE_ALL, '$1\\ufffd') : s;
}
