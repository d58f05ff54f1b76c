// One markdown table (README-ready): a column per runtime, then berth/runc and berth/crun for each berth column.
const fmt = (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const ratio = (a, b) => {
  const r = a / b;
  return `${r >= 10 ? r.toFixed(0) : r >= 1 ? r.toFixed(1) : r.toFixed(2)}x`;
};

/** Ratio columns: each berth column over runc, and over crun when there is a crun column. */
function ratioColumns(cols) {
  const berths = cols.filter((c) => c.berth);
  const name = (c) => (berths.length < 2 ? 'berth' : c.compiled ? 'compiled' : 'Node');
  return ['runc', 'crun'].filter((key) => cols.some((c) => c.key === key))
    .flatMap((key) => berths.map((c) => ({ col: c, over: key, label: `${name(c)}/${key}` })));
}

export function markdown(res, cols, { noRatio = new Set(), ratios = true } = {}) {
  const ratioCols = ratios ? ratioColumns(cols) : [];
  const head = ['benchmark', ...cols.map((c) => c.label), ...ratioCols.map((r) => r.label)];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i ? '---:' : '---')).join('|')}|`];
  for (const r of res.rows) {
    if (!cols.some((c) => r.values[c.key] !== undefined || r.fails[c.key])) continue;
    const cell = (c) => {
      const v = r.values[c.key];
      if (v !== undefined) return `${fmt(v)} ${r.unit}`;
      return r.fails[c.key] ? `n/a [${r.fails[c.key]}]` : '';
    };
    const rs = ratioCols.map(({ col, over }) => {
      const a = r.values[col.key];
      const b = r.values[over];
      return a !== undefined && b && !noRatio.has(r.name) ? ratio(a, b) : '';
    });
    lines.push(`| ${[r.name, ...cols.map(cell), ...rs].join(' | ')} |`);
  }
  return lines.join('\n');
}
