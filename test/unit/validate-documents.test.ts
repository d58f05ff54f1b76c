import { describe, it, expect } from 'vitest';
import { validateProcess } from '../../src/validate/process.js';
import { validateProcess as fromConfig } from '../../src/validate/config.js';
import { validateState } from '../../src/validate/state.js';
import { validateFeatures } from '../../src/validate/features.js';
import { features } from '../../src/features/features.js';
import { officialValidator } from '../helpers/official-schemas.js';

describe('validateProcess (exec --process FILE)', () => {
  it('accepts a process object; config.ts re-exports it', () => {
    expect(validateProcess({ args: ['sh'], cwd: '/', user: { uid: 0, gid: 0 } })).toEqual({ errors: [], warnings: [] });
    expect(fromConfig).toBe(validateProcess);
  });

  it('paths are relative to the process document', () => {
    expect(validateProcess({ args: ['sh'], cwd: 'x' }).errors).toEqual(['process.json: /cwd: must be an absolute path, not "x"']);
    expect(validateProcess({ args: ['sh'] }).errors).toEqual(['process.json: /cwd: is required']);
    expect(validateProcess({ args: [], cwd: '/' }).errors).toEqual(['process.json: /args: must have at least one entry (the program to run)']);
    expect(validateProcess({ args: ['sh'], cwd: '/', rlimits: [{ type: 'RLIMIT_CPU', soft: 1, hard: 1 }, { type: 'RLIMIT_CPU', soft: 2, hard: 2 }] }).errors).toEqual([
      'process.json: /rlimits/1/type: duplicate rlimit RLIMIT_CPU (also at /rlimits/0)',
    ]);
    expect(validateProcess([], { file: 'p.json' }).errors).toEqual(['p.json: /: must be object']);
  });

  it('unknown capabilities are warnings', () => {
    const r = validateProcess({ args: ['sh'], cwd: '/', capabilities: { ambient: ['CAP_NEW'] } }, { knownCaps: new Set(['CAP_KILL']) });
    expect(r).toEqual({ errors: [], warnings: ['process.json: /capabilities/ambient/0: CAP_NEW is not known to this kernel; ignored'] });
  });
});

describe('validateState', () => {
  const state = { ociVersion: '1.3.0', id: 'c1', status: 'running', pid: 42, bundle: '/b' };

  it('accepts a state; schema errors name the path', () => {
    expect(validateState(state)).toEqual({ errors: [], warnings: [] });
    expect(validateState({ ...state, status: 'sleeping' }).errors).toEqual(['state.json: /status: must be one of creating, created, running, stopped, paused']);
    expect(validateState({ ...state, pid: -1 }, { file: 's.json' }).errors).toEqual(['s.json: /pid: must be >= 0']);
  });

  it('pid is required when created or running (Linux); bundle is absolute', () => {
    const { pid: _pid, ...noPid } = state;
    expect(validateState(noPid).errors).toEqual(['state.json: /pid: is required when status is running']);
    expect(validateState({ ...noPid, status: 'created' }).errors).toEqual(['state.json: /pid: is required when status is created']);
    expect(validateState({ ...noPid, status: 'stopped' }).errors).toEqual([]);
    expect(validateState({ ...state, bundle: 'b' }).errors).toEqual(['state.json: /bundle: must be an absolute path, not "b"']);
  });
});

describe('validateFeatures', () => {
  const min = { ociVersionMin: '1.0.0', ociVersionMax: '1.3.0' };

  it("accepts berth's own features document (and so does the official schema)", () => {
    expect(validateFeatures(features())).toEqual({ errors: [], warnings: [] });
    expect(officialValidator('features')(features())).toBe(true);
  });

  it('apparmor and selinux are enabled where the host runs them', () => {
    const doc: any = features({ apparmor: true, selinux: false });
    expect([doc.linux.apparmor.enabled, doc.linux.selinux.enabled]).toEqual([true, false]);
    const other: any = features({ apparmor: false, selinux: true });
    expect([other.linux.apparmor.enabled, other.linux.selinux.enabled]).toEqual([false, true]);
  });

  it('versions are SemVer and max is not below min', () => {
    expect(validateFeatures({ ...min, ociVersionMax: '1.3' }).errors).toEqual(['features.json: /ociVersionMax: "1.3" is not a SemVer 2.0.0 version']);
    expect(validateFeatures({ ociVersionMin: '1.1.0', ociVersionMax: '1.1.0-rc.1' }).errors).toEqual([
      'features.json: /ociVersionMax: must not be less than ociVersionMin (1.1.0)',
    ]);
  });

  it('null is allowed for every property but the versions', () => {
    expect(validateFeatures({ ...min, hooks: null, linux: { seccomp: null, cgroup: { v2: null } } }).errors).toEqual([]);
    expect(validateFeatures({ ...min, ociVersionMax: null }).errors).toEqual(['features.json: /ociVersionMax: must be string']);
  });

  it('enumerations are checked', () => {
    expect(validateFeatures({ ...min, linux: { namespaces: ['pid', 'nope'] } }).errors[0]).toMatch(/^features\.json: \/linux\/namespaces\/1: must be one of pid, /);
    expect(validateFeatures({ ...min, linux: { seccomp: { actions: ['SCMP_ACT_NOPE'] } } }).errors[0]).toMatch(/^features\.json: \/linux\/seccomp\/actions\/0: must be one of SCMP_ACT_KILL, /);
    expect(validateFeatures({ ...min, linux: { capabilities: ['chown'] } }).errors).toEqual(['features.json: /linux/capabilities/0: must match ^CAP_[A-Z_]+$']);
  });

  it('undefined properties: errors up to runtime-spec 1.3, warnings beyond', () => {
    expect(validateFeatures({ ...min, linux: { cgroup: { v3: true } }, extra: 1 }).errors).toEqual([
      'features.json: /extra: is not defined in runtime-spec 1.3 (features.md: a features document MUST NOT have undefined properties)',
      'features.json: /linux/cgroup/v3: is not defined in runtime-spec 1.3 (features.md: a features document MUST NOT have undefined properties)',
    ]);
    expect(validateFeatures({ ...min, ociVersionMax: '1.4.0', extra: 1 })).toEqual({ errors: [], warnings: ['features.json: /extra: is not defined in runtime-spec 1.3'] });
  });
});
