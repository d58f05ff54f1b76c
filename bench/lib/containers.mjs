// A state root per column (a temp dir passed as --root) and the container steps the rows use.
// Whatever is left in a root at the end (a failed row) is removed through the runtime itself
// (`delete --force`), then the root dir.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { checkpoint, onCleanup } from './cleanup.mjs';
import { alive, pool, runAsync, runSync, sleep } from './proc.mjs';

export class Root {
  constructor(col, tmp) {
    this.col = col;
    this.dir = mkdtempSync(join(tmp, `root-${col.key}-`));
    onCleanup(`${col.key} root ${this.dir}`, () => this.destroy());
  }

  argv(args) {
    return this.col.argv(['--root', this.dir, ...args]);
  }

  run(args, opts) {
    checkpoint();
    return runSync(this.argv(args), opts);
  }

  state(id) {
    return JSON.parse(this.run(['state', id], { capture: true }));
  }

  /** Poll the runtime's `state` until it says stopped (after a kill). */
  async waitStopped(id, ms = 10_000) {
    const until = Date.now() + ms;
    for (;;) {
      const s = this.state(id);
      if (s.status === 'stopped' || !alive(s.pid)) return;
      if (Date.now() > until) throw new Error(`${this.col.key}: ${id} still ${s.status} after ${ms} ms`);
      await sleep(10);
      checkpoint();
    }
  }

  /** The ids in the root, from the runtime (`list -q`) and from its dirs. */
  ids() {
    const ids = new Set();
    try {
      for (const id of runSync(this.argv(['list', '-q']), { capture: true }).split('\n').filter(Boolean)) ids.add(id);
    } catch { /* listed from the dir below */ }
    try {
      for (const e of readdirSync(this.dir, { withFileTypes: true })) if (e.isDirectory()) ids.add(e.name);
    } catch { /* no root */ }
    return [...ids];
  }

  /** delete --force every container left, two at a time, then the root dir (also a cleanup step). */
  async destroy() {
    if (this.destroyed) return;
    await pool(2, this.ids().map((id) => () => runAsync(this.argv(['delete', '--force', id]))), { abortable: false });
    rmSync(this.dir, { recursive: true, force: true });
    this.destroyed = true;
  }
}
