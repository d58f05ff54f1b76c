import { Aborted, checkpoint } from './cleanup.mjs';

// The rows of the table: a value per column, or the reason a cell is n/a (a numbered note).
export class Results {
  rows = [];
  notes = [];
  failedCols = new Set();

  row(name, unit) {
    let r = this.rows.find((x) => x.name === name);
    if (!r) this.rows.push((r = { name, unit, values: {}, fails: {} }));
    return r;
  }

  set(name, unit, colKey, value) {
    this.row(name, unit).values[colKey] = value;
  }

  fail(name, unit, colKey, err) {
    if (err instanceof Aborted) throw err;
    const msg = `${colKey}: ${String(err?.message ?? err).split('\n')[0]}`;
    let n = this.notes.indexOf(msg) + 1;
    if (!n) {
      n = this.notes.push(msg);
      console.error(`bench: ${msg} (${name})`);
    }
    this.failedCols.add(colKey);
    this.row(name, unit).fails[colKey] = n;
  }

  /** Run fn(); its number is the cell, a throw is an n/a with a note. */
  async measure(name, unit, colKey, fn) {
    checkpoint();
    try {
      const v = await fn();
      if (v !== undefined) this.set(name, unit, colKey, v);
    } catch (e) {
      this.fail(name, unit, colKey, e);
    }
  }
}
