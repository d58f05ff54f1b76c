// One markdown table (README-ready): a column per runtime, then berth/runc for each berth column.
const fmt = (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const ratio = (a, b) => {
  const r = a / b;
  return `${r >= 10 ? r.toFixed(0) : r >= 1 ? r.toFixed(1) : r.toFixed(2)}x`;
};

const ratioLabel = (col, n) => (n < 2 ? 'berth/runc' : col.compiled ? 'compiled/runc' : 'Node/runc');

export function markdown(res, cols, { noRatio = new Set() } = {}) {
  const runc = cols.find((c) => c.key === 'runc');
  const ratioCols = runc ? cols.filter((c) => c.berth) : [];
  const head = ['benchmark', ...cols.map((c) => c.label), ...ratioCols.map((c) => ratioLabel(c, ratioCols.length))];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i ? '---:' : '---')).join('|')}|`];
  for (const r of res.rows) {
    if (!cols.some((c) => r.values[c.key] !== undefined || r.fails[c.key])) continue;
    const cell = (c) => {
      const v = r.values[c.key];
      if (v !== undefined) return `${fmt(v)} ${r.unit}`;
      return r.fails[c.key] ? `n/a [${r.fails[c.key]}]` : '';
    };
    const ratios = ratioCols.map((c) => {
      const a = r.values[c.key];
      const b = r.values.runc;
      return a !== undefined && b && !noRatio.has(r.name) ? ratio(a, b) : '';
    });
    lines.push(`| ${[r.name, ...cols.map(cell), ...ratios].join(' | ')} |`);
  }
  return lines.join('\n');
}
