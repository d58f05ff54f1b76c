import { mkdirSync, rmSync, readdirSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BerthError, errnoCode, describeErrno } from '../errors.js';
import { checkId, isId } from './id.js';
import type { ContainerRecord } from './record.js';
import { INTENT_FILE } from './intent.js';
import { readRecord, writeRecord, type RecordRead } from './record-file.js';
import { checkContainerRecord } from './check-record.js';

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

  /** state.json of the container: the checked record, none, or what is wrong with it. */
  read(id: string): RecordRead<ContainerRecord> {
    const r = readRecord<ContainerRecord>(join(this.dir(id), STATE_FILE), (v) => checkContainerRecord(v, id));
    if ('absent' in r) {
      const notDir = this.rootNotDir();
      if (notDir) throw notDir;
    }
    return r;
  }

  /** The container's record; an error when there is none or it is damaged (one line, naming the file). */
  load(id: string): ContainerRecord {
    const r = this.read(id);
    if ('absent' in r) throw new BerthError(`container ${id} does not exist`);
    if ('damaged' in r) throw new BerthError(`container ${id}: ${r.damaged} (delete --force removes it)`);
    return r.value;
  }

  /** Atomic, sealed write of state.json (state/record-file.ts). */
  save(rec: ContainerRecord): void {
    writeRecord(join(this.dir(rec.id), STATE_FILE), rec);
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
    // Only names that are container ids: anything else in the root is not berth's.
    return names.filter((n) => !n.startsWith('.') && isId(n) && (existsSync(join(this.root, n, STATE_FILE)) || existsSync(join(this.root, n, INTENT_FILE)))).sort();
  }
}
