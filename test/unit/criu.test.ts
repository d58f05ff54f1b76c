// The pure parts of checkpoint/restore (src/criu/): CRIU's dump argument lists (restore's RPC options: criu-rpc.test.ts), the external mounts
// and namespaces, the image record's config check, CRIU's error line, the cgroup roots.
import { describe, it, expect } from 'vitest';
import { dumpArgv, checkCgroupsMode, checkEmptyNs } from '../../src/criu/argv.js';
import { externalMounts, dumpMountArgs, joinedNetns, dumpNetnsArgs } from '../../src/criu/externals.js';
import { configMismatch } from '../../src/criu/image-records.js';
import { lastCriuError } from '../../src/criu/log-error.js';
import { cgroupRoots } from '../../src/criu/cgroup-roots.js';
import { findCriu } from '../../src/host/criu.js';
import { criuConfigFile, dumpConfigEnv, withContainerConfig } from '../../src/criu/config-file.js';

const dump = {
  pid: 42, imageDir: '/img', workDir: '/work', logFile: 'dump.log', leaveRunning: false, preDump: false, tcpEstablished: false,
  extUnixSk: false, shellJob: false, fileLocks: false, emptyNs: [], autoDedup: false, externals: [],
};

describe('criu argv', () => {
  it('dump: the tree, dirs, log, CRIU default cgroup mode; runc flags under CRIU names', () => {
    expect(dumpArgv(dump)).toEqual(['dump', '--tree', '42', '--images-dir', '/img', '--work-dir', '/work', '--log-file', 'dump.log', '-v4', '--manage-cgroups']);
    const all = dumpArgv({ ...dump, leaveRunning: true, tcpEstablished: true, extUnixSk: true, shellJob: true, fileLocks: true, manageCgroupsMode: 'ignore', emptyNs: ['net'], autoDedup: true, parentPath: '../pre', pageServer: '10.0.0.1:1234', freezeCgroup: '/sys/fs/cgroup/x' });
    expect(all).toEqual(expect.arrayContaining(['--leave-running', '--tcp-established', '--ext-unix-sk', '--shell-job', '--file-locks', '--manage-cgroups=ignore', '--auto-dedup', '--track-mem']));
    expect(all.join(' ')).toContain('--empty-ns net');
    expect(all.join(' ')).toContain('--prev-images-dir ../pre');
    expect(all.join(' ')).toContain('--page-server --address 10.0.0.1 --port 1234');
    expect(all.join(' ')).toContain('--freeze-cgroup /sys/fs/cgroup/x');
  });

  it("checkpoint --tcp-skip-in-flight and --link-remap: CRIU's --skip-in-flight and --link-remap (dump only)", () => {
    expect(dumpArgv(dump)).not.toEqual(expect.arrayContaining(['--skip-in-flight']));
    expect(dumpArgv(dump)).not.toEqual(expect.arrayContaining(['--link-remap']));
    const a = dumpArgv({ ...dump, tcpSkipInFlight: true, linkRemap: true });
    expect(a).toEqual(expect.arrayContaining(['--skip-in-flight', '--link-remap']));
    expect(dumpArgv({ ...dump, preDump: true, linkRemap: true })).toContain('--link-remap');
  });

  it('pre-dump: criu pre-dump with memory tracking, never --leave-running', () => {
    const a = dumpArgv({ ...dump, preDump: true, leaveRunning: true });
    expect(a[0]).toBe('pre-dump');
    expect(a).toContain('--track-mem');
    expect(a).not.toContain('--leave-running');
  });

  it('flag checks name the flag', () => {
    expect(checkCgroupsMode('')).toBeUndefined();
    expect(checkCgroupsMode('strict')).toBe('strict');
    expect(() => checkCgroupsMode('bogus')).toThrow(/^--manage-cgroups-mode bogus: must be one of soft, full, strict, ignore$/);
    expect(checkEmptyNs(['network'])).toEqual(['net']);
    expect(() => checkEmptyNs(['pid'])).toThrow(/^--empty-ns pid: only network/);
    expect(() => dumpArgv({ ...dump, pageServer: 'nope' })).toThrow(/^--page-server nope: expected IP:PORT$/);
  });
});

describe('org.criu.config (runc: the container\'s CRIU configuration file)', () => {
  it('names the file; present and empty: none; absent: /etc/criu/runc.conf', () => {
    expect(criuConfigFile({ 'org.criu.config': '/etc/criu/c1.conf' })).toBe('/etc/criu/c1.conf');
    expect(criuConfigFile({ 'org.criu.config': '' })).toBeUndefined();
    expect(criuConfigFile({ other: 'x' })).toBe('/etc/criu/runc.conf');
    expect(criuConfigFile(undefined)).toBe('/etc/criu/runc.conf');
  });

  it('dump: CRIU_CONFIG_FILE in criu\'s environment (none: the environment as it is)', () => {
    expect(dumpConfigEnv('/etc/criu/c1.conf', { PATH: '/bin' })).toEqual({ PATH: '/bin', CRIU_CONFIG_FILE: '/etc/criu/c1.conf' });
    const env = { PATH: '/bin' };
    expect(dumpConfigEnv(undefined, env)).toBe(env);
  });

  it("restore: appended to berth's RPC config file, so it comes last; an unreadable file adds nothing", () => {
    const read = (f: string) => {
      if (f === '/c.conf') return 'tcp-established\nlog-file mine.log';
      throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    };
    expect(withContainerConfig('work-dir /w\n', '/c.conf', read)).toBe('work-dir /w\ntcp-established\nlog-file mine.log\n');
    expect(withContainerConfig('work-dir /w\n', '/etc/criu/runc.conf', read)).toBe('work-dir /w\n');
    expect(withContainerConfig('work-dir /w\n', undefined, read)).toBe('work-dir /w\n');
  });
});

describe('criu externals', () => {
  const config = {
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      { destination: '/data', type: 'bind', source: '/host/data', options: ['rbind'] },
      { destination: '/rel', source: 'sub/dir', options: ['bind', 'ro'] },
      { destination: '/t', type: 'tmpfs', source: 'tmpfs' },
    ],
    linux: { namespaces: [{ type: 'pid' }, { type: 'network', path: '/run/netns/x' }] },
  };

  it('bind mounts are external, by destination; sources relative to the bundle', () => {
    const m = externalMounts(config, '/b');
    expect(m).toEqual([{ destination: '/data', source: '/host/data' }, { destination: '/rel', source: '/b/sub/dir' }]);
    expect(dumpMountArgs(m)).toEqual(['--external', 'mnt[/data]:/data', '--external', 'mnt[/rel]:/rel']);
  });

  it('a joined netns is external; joined pid and user namespaces are refused', () => {
    expect(joinedNetns(config)).toBe('/run/netns/x');
    expect(dumpNetnsArgs(77)).toEqual(['--external', 'net[77]:extRootNetNS']);
    expect(() => joinedNetns({ linux: { namespaces: [{ type: 'user', path: '/proc/1/ns/user' }] } })).toThrow(/^config\.json: \/linux\/namespaces\/0: .*user namespace is not supported$/);
  });

});

describe('checkpoint record', () => {
  const base = { mounts: [{ destination: '/proc', type: 'proc' }, { destination: '/d', type: 'bind', source: '/a' }], linux: { namespaces: [{ type: 'pid' }, { type: 'mount' }] }, process: { terminal: false } };

  it('sources, resources and hooks may differ; mounts, namespaces and terminal may not', () => {
    expect(configMismatch(base, { ...base, mounts: [base.mounts[0], { ...base.mounts[1], source: '/elsewhere' }], hooks: { prestart: [] } })).toBeUndefined();
    expect(configMismatch(base, { ...base, mounts: [...base.mounts, { destination: '/x', type: 'tmpfs' }] })).toBe('config.json: /mounts/2: /x tmpfs where the checkpoint has (none)');
    expect(configMismatch(base, { ...base, linux: { namespaces: [{ type: 'pid' }] } })).toMatch(/^config\.json: \/linux\/namespaces: pid where the checkpoint has mount,pid$/);
    expect(configMismatch(base, { ...base, process: { terminal: true } })).toBe('config.json: /process/terminal: true where the checkpoint has false');
  });
});

describe('criu errors and cgroup roots', () => {
  it("CRIU's cause, not its summaries", () => {
    const log = '(00.1) info\n(00.72) Error (criu/files-reg.c:1710): Can\'t lookup mount=30 for fd=1 path=/x\n(00.73) Error (criu/cr-dump.c:1635): Dump files (pid: 181) failed with -1\n(00.91) Error (criu/cr-dump.c:2053): Dumping FAILED.\n';
    expect(lastCriuError(log)).toBe("Error (criu/files-reg.c:1710): Can't lookup mount=30 for fd=1 path=/x");
    const check = 'Error (criu/util.c:642): exited, status=4\nError (criu/vdso.c:381): vdso: Unexpected rt vDSO area bounds\nError (criu/vdso.c:613): vdso: Failed to fill self vdso symtable\nError (criu/kerndat.c:1615): kerndat_vdso_fill_symtable failed when initializing kerndat.\nError (criu/crtools.c:260): Could not initialize kernel features detection.\n';
    expect(lastCriuError(check)).toBe('Error (criu/vdso.c:381): vdso: Unexpected rt vDSO area bounds');
    expect(lastCriuError('no errors\nlast line\n')).toBe('last line');
    expect(lastCriuError('')).toBeUndefined();
  });

  it('cgroup dirs relative to their hierarchy', () => {
    const mi = '30 1 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n31 30 0:27 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n';
    expect(cgroupRoots({ '': '/sys/fs/cgroup/a/b', memory: '/sys/fs/cgroup/memory/a/b' }, mi)).toEqual([{ controller: '', path: '/a/b' }, { controller: 'memory', path: '/a/b' }]);
  });

  it('findCriu: an explicit path or PATH', () => {
    expect(findCriu('/nonexistent/criu')).toBeNull();
    expect(findCriu(undefined, '/nonexistent')).toBeNull();
    expect(findCriu('sh', '/bin')).toBe('/bin/sh');
  });
});
