/** A Markdown table of `rows` with the columns `cols` (default: the first row's keys), padded to line up. */
export function table(rows: readonly object[], cols?: readonly string[]): string {
  const keys = cols ?? Object.keys(rows[0] ?? {});
  if (!keys.length) return '';
  const cell = (r: object, c: string) => String((r as Record<string, unknown>)[c] ?? '');
  const w = keys.map((c) => Math.max(c.length, ...rows.map((r) => cell(r, c).length)));
  const line = (vals: string[]) => `| ${vals.map((v, i) => v.padEnd(w[i])).join(' | ')} |`;
  return [
    line([...keys]),
    line(w.map((n) => '-'.repeat(n))),
    ...rows.map((r) => line(keys.map((c) => cell(r, c)))),
  ].join('\n');
}
