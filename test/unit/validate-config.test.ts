import { describe, it, expect } from 'vitest';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig, validateProcess } from '../../src/validate/config.js';
import { defaultConfig } from '../../src/spec/default-config.js';
import { SPEC_DIR } from '../helpers/official-schemas.js';

const base = () => defaultConfig();
const errorsOf = (edit: (c: any) => void, opts = {}) => {
  const c = base();
  edit(c);
  return validateConfig(c, opts);
};

describe('config validation', () => {
  it('accepts the default config', () => {
    expect(validateConfig(base(), { requireProcess: true })).toEqual({ errors: [], warnings: [] });
  });

  it('schema errors name the file and JSON path', () => {
    const r = errorsOf((c) => (c.linux.namespaces[2].type = 'nope'));
    expect(r.errors).toEqual(['config.json: /linux/namespaces/2/type: must be one of pid, network, mount, ipc, uts, user, cgroup, time']);
    expect(errorsOf((c) => delete c.root.path).errors).toEqual(['config.json: /root/path: is required']);
    expect(errorsOf((c) => (c.process.user.uid = -1)).errors[0]).toMatch(/^config\.json: \/process\/user\/uid: must be >= 0$/);
  });

  it('duplicate namespaces and rlimits are errors', () => {
    expect(errorsOf((c) => c.linux.namespaces.push({ type: 'pid' })).errors[0]).toBe('config.json: /linux/namespaces/6/type: duplicate namespace pid (also at /linux/namespaces/0)');
    expect(errorsOf((c) => c.process.rlimits.push({ type: 'RLIMIT_NOFILE', soft: 1, hard: 1 })).errors[0]).toMatch(/\/process\/rlimits\/1\/type: duplicate rlimit RLIMIT_NOFILE/);
  });

  it('a relative mount destination is a deprecation warning, not an error', () => {
    const r = errorsOf((c) => c.mounts.push({ destination: 'data', type: 'tmpfs', source: 'tmpfs' }));
    expect(r.errors).toEqual([]);
    expect(r.warnings[0]).toMatch(/^config\.json: \/mounts\/7\/destination: relative destination "data" is deprecated/);
  });

  it('relative cwd, user namespace without maps, maps without user namespace', () => {
    expect(errorsOf((c) => (c.process.cwd = 'tmp')).errors[0]).toMatch(/^config\.json: \/process\/cwd: must be an absolute path/);
    expect(errorsOf((c) => c.linux.namespaces.push({ type: 'user' })).errors[0]).toMatch(/\/linux\/uidMappings: a new user namespace needs/);
    expect(errorsOf((c) => (c.linux.uidMappings = [{ containerID: 0, hostID: 1, size: 1 }])).errors[0]).toMatch(/\/linux\/uidMappings: id mappings need a new user namespace/);
  });

  it('ociVersion must be SemVer with a supported major', () => {
    expect(errorsOf((c) => (c.ociVersion = '1.0')).errors[0]).toMatch(/\/ociVersion: "1.0" is not a SemVer/);
    expect(errorsOf((c) => (c.ociVersion = '2.0.0')).errors[0]).toMatch(/\/ociVersion: version 2.0.0 is not supported/);
    expect(errorsOf((c) => (c.ociVersion = '1.2.0-rc.1+dev')).errors).toEqual([]);
  });

  it('a missing rootfs is an error; process is required for create', () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-unit-'));
    expect(errorsOf(() => undefined, { bundleDir: dir }).errors[0]).toMatch(/^config\.json: \/root\/path: root filesystem .*rootfs does not exist$/);
    mkdirSync(join(dir, 'rootfs'));
    expect(errorsOf(() => undefined, { bundleDir: dir }).errors).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
    expect(errorsOf((c) => delete c.process, { requireProcess: true }).errors).toEqual(['config.json: /process: is required to create a container']);
  });

  it('capabilities the kernel does not know are warnings', () => {
    const r = errorsOf((c) => c.process.capabilities.bounding.push('CAP_FUTURE_THING'), { knownCaps: new Set(['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE']) });
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual(['config.json: /process/capabilities/bounding/3: CAP_FUTURE_THING is not known to this kernel; ignored']);
  });

  it('every official bad fixture yields an error naming a JSON path', () => {
    const dir = join(SPEC_DIR, 'schema/test/config/bad');
    for (const f of readdirSync(dir)) {
      let doc: unknown;
      try {
        doc = JSON.parse(readFileSync(join(dir, f), 'utf8'));
      } catch {
        continue; // invalid JSON: the loader reports it
      }
      const r = validateConfig(doc);
      expect(r.errors.length, f).toBeGreaterThan(0);
      expect(r.errors[0]).toMatch(/^config\.json: \/\S*: /);
    }
  });

  it('exec process objects', () => {
    expect(validateProcess({ args: ['sh'], cwd: '/' }).errors).toEqual([]);
    expect(validateProcess({ args: ['sh'], cwd: 'x' }).errors).toEqual(['process.json: /cwd: must be an absolute path, not "x"']);
    expect(validateProcess({ args: ['sh'] }).errors).toEqual(['process.json: /cwd: is required']);
  });
});
