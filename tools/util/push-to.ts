/**
 * Append `v` to the list `m` keeps under `k`, starting one when there is none. Grouping by copying the
 * list on every append (`m.set(k, [...(m.get(k) ?? []), v])`) costs the square of a group's size: on the
 * 56,846 sessions of a 24,000-capture run, grouped by protocol, that was ~80 of the anomaly step's 114 s
 * (docs/measured.md, "`goblin run` at twelve and twenty-four times the bench").
 */
export function pushTo<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
