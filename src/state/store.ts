import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BerthError, errnoCode, describeErrno } from '../errors.js';
import { checkId } from './id.js';
import type { ContainerRecord } from './record.js';
import { INTENT_FILE } from './intent.js';

export const STATE_FILE = 'state.json';
export const START_SOCKET = 'exec.sock';
const LOCK_FILE = 'lock';

/** The state root (--root): one directory per container. */
export class Store {
  constructor(readonly root: string) {}

  /** The error for a --root that exists but is not a directory (a file given by mistake). */
  rootNotDir(): BerthError | undefined {
    try {
      return statSync(this.root).isDirectory() ? undefined : new BerthError(`--root ${this.root}: not a directory`);
    } catch {
      return undefined;
    }
  }

  dir(id: string): string {
    return join(this.root, checkId(id));
  }

  startSocket(id: string): string {
    return join(this.dir(id), START_SOCKET);
  }

  lockPath(id: string): string {
    return join(this.dir(id), LOCK_FILE);
  }

  /**
   * Claim the id: mkdir is atomic, so of concurrent creates exactly one wins and the others
   * fail without touching the winner's directory.
   */
  claim(id: string): string {
    const dir = this.dir(id);
    try {
      mkdirSync(this.root, { recursive: true, mode: 0o711 });
    } catch (e) {
      throw this.rootNotDir() ?? new BerthError(`cannot create state root ${this.root}: ${describeErrno(e)}`);
    }
    try {
      mkdirSync(dir, { mode: 0o711 });
    } catch (e) {
      if (errnoCode(e) === 'EEXIST') throw new BerthError(`container with id ${id} already exists`);
      throw new BerthError(`cannot create state dir ${dir}: ${describeErrno(e)}`);
    }
    return dir;
  }

  exists(id: string): boolean {
    return existsSync(join(this.dir(id), STATE_FILE));
  }

  load(id: string): ContainerRecord {
    const file = join(this.dir(id), STATE_FILE);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      if (errnoCode(e) === 'ENOTDIR') throw this.rootNotDir() ?? new BerthError(`container ${id} does not exist`);
      if (errnoCode(e) === 'ENOENT') throw new BerthError(`container ${id} does not exist`);
      throw new BerthError(`read ${file}: ${describeErrno(e)}`);
    }
    try {
      return JSON.parse(text) as ContainerRecord;
    } catch {
      throw new BerthError(`${file}: corrupt state file`);
    }
  }

  /** Atomic write: temp file in the same dir, then rename over state.json. */
  save(rec: ContainerRecord): void {
    const dir = this.dir(rec.id);
    const tmp = join(dir, `.${STATE_FILE}.${process.pid}`);
    writeFileSync(tmp, JSON.stringify(rec), { mode: 0o600 });
    renameSync(tmp, join(dir, STATE_FILE));
  }

  remove(id: string): void {
    rmSync(this.dir(id), { recursive: true, force: true });
  }

  /** Container ids with a state file or a create's intent (state/intent.ts), sorted. */
  ids(): string[] {
    let names: string[];
    try {
      names = readdirSync(this.root);
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') return [];
      throw this.rootNotDir() ?? new BerthError(`read ${this.root}: ${describeErrno(e)}`);
    }
    return names.filter((n) => !n.startsWith('.') && (existsSync(join(this.root, n, STATE_FILE)) || existsSync(join(this.root, n, INTENT_FILE)))).sort();
  }
}
