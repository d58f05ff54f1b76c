/**
 * Shape checks of what berth reads back from --root (state.json, the teardown record): every
 * field the commands use has the type they expect, so a damaged or foreign record is reported
 * as such instead of crashing a command or making up an answer. Pure; the first problem found
 * is returned as `/pointer: what is wrong`.
 */

/** What is wrong with v (found at pointer `at`), as `at: problem`, or undefined. */
type Check = (v: unknown, at: string) => string | undefined;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const is = (ok: (v: unknown) => boolean, what: string): Check => (v, at) => (ok(v) ? undefined : `${at}: is not ${what}`);

const str = is((v) => typeof v === 'string', 'a string');
const absPath = is((v) => typeof v === 'string' && v.startsWith('/'), 'an absolute path');
const count = is((v) => Number.isSafeInteger(v) && (v as number) >= 0, 'a non-negative integer');
const bool = is((v) => typeof v === 'boolean', 'a boolean');
const obj = is(isObj, 'an object');
const array = is(Array.isArray, 'an array');

function arrayOf(item: Check): Check {
  return (v, at) => {
    if (!Array.isArray(v)) return `${at}: is not an array`;
    for (let i = 0; i < v.length; i++) {
      const e = item(v[i], `${at}/${i}`);
      if (e) return e;
    }
    return undefined;
  };
}

function mapOf(value: Check): Check {
  return (v, at) => {
    if (!isObj(v)) return `${at}: is not an object`;
    for (const [k, x] of Object.entries(v)) {
      const e = value(x, `${at}/${k}`);
      if (e) return e;
    }
    return undefined;
  };
}

function record(required: Record<string, Check>, optional: Record<string, Check> = {}): Check {
  return (v, at) => {
    if (!isObj(v)) return `${at || '/'}: is not an object`;
    for (const [k, check] of Object.entries(required)) {
      const e = k in v ? check(v[k], `${at}/${k}`) : `${at}/${k}: is missing`;
      if (e) return e;
    }
    for (const [k, check] of Object.entries(optional)) {
      const e = v[k] === undefined ? undefined : check(v[k], `${at}/${k}`);
      if (e) return e;
    }
    return undefined;
  };
}

const cgroupRecord = record(
  {
    layout: is((v) => v === 'unified' || v === 'hybrid' || v === 'legacy', 'unified, hybrid or legacy'),
    paths: mapOf(absPath),
    created: arrayOf(absPath),
  },
  { systemdUnit: str },
);

const procRef = record({ pid: count, startTime: count });

const containerRecord = record(
  {
    ociVersion: str,
    id: str,
    pid: count,
    initStartTime: count,
    bundle: absPath,
    rootfs: str,
    created: str,
    owner: str,
    annotations: mapOf(str),
    config: obj,
    namespaces: arrayOf(record({ type: str }, { path: str })),
  },
  { cgroup: cgroupRecord, seccomp: obj, noNewKeyring: bool, steps: arrayOf(str) },
);

const teardownRecord = record(
  { ociVersion: str, id: str, bundle: absPath, rootfs: str, created: str, owner: str, creator: procRef },
  { annotations: mapOf(str), cgroup: cgroupRecord, init: procRef, ownPidns: bool, poststop: array },
);

function checkWithId(check: Check, v: unknown, id: string): string | undefined {
  const e = check(v, '');
  if (e) return e;
  const got = (v as { id: string }).id;
  return got === id ? undefined : `/id: ${JSON.stringify(got)} is not this container's id`;
}

/** What is wrong with a state.json record of container `id`, or undefined. */
export function checkContainerRecord(v: unknown, id: string): string | undefined {
  return checkWithId(containerRecord, v, id);
}

/** What is wrong with a teardown record (state/intent.ts) of container `id`, or undefined. */
export function checkTeardownRecord(v: unknown, id: string): string | undefined {
  return checkWithId(teardownRecord, v, id);
}
