// CRIU's RPC messages (src/criu/rpc-proto.ts, rpc-opts.ts) against bytes worked out by hand
// from protobuf's wire format (key = field << 3 | wire type, varints 7 bits a byte, low first)
// and the field numbers of CRIU 3.17's images/rpc.proto.
import { describe, it, expect } from 'vitest';
import { decodeResp, encodeNotifyAck, encodeRestoreOpts, encodeRestoreReq } from '../../src/criu/rpc-proto.js';
import { rpcConfigText, rpcRestoreOpts } from '../../src/criu/rpc-opts.js';

const hex = (b: Iterable<number>) => Buffer.from([...b]).toString('hex');
const ascii = (s: string) => Buffer.from(s).toString('hex');

const MIN = {
  imagesDirFd: 5,
  logLevel: 4,
  logFile: 'r.log',
  root: '/r',
  rstSibling: true,
  notifyScripts: true,
  orphanPtsMaster: true,
  cgRoots: [],
  external: ['mnt[/d]:/s'],
  inheritFds: [{ key: 'k', fd: 4 }],
};

describe('criu_req', () => {
  it('the answer to a notify: type NOTIFY (6), notify_success (3) true', () => {
    expect(hex(encodeNotifyAck())).toBe('08061801');
  });

  it('criu_opts of a restore, field by field', () => {
    expect(hex(encodeRestoreOpts(MIN))).toBe(
      [
        '0805', // images_dir_fd (1) = 5
        '4804', // log_level (9) = 4
        `5205${ascii('r.log')}`, // log_file (10)
        '6001', // notify_scripts (12)
        `6a02${ascii('/r')}`, // root (13)
        'c00101', // manage_cgroups (24): key 192 is two bytes
        'd00101', // rst_sibling (26)
        `da01050a01${ascii('k')}1004`, // inherit_fd (27) { key (1) "k", fd (2) 4 }
        `aa020a${ascii('mnt[/d]:/s')}`, // external (37)
        '900301', // orphan_pts_master (50)
      ].join(''),
    );
  });

  it('the restore request wraps the opts as field 2 after type RESTORE (2); cgroup roots, modes, empty_ns', () => {
    const opts = encodeRestoreOpts(MIN);
    const req = encodeRestoreReq(MIN);
    expect(hex(req)).toBe(`0802${'12'}${hex([opts.length])}${hex(opts)}`);
    const more = encodeRestoreOpts({ ...MIN, external: [], inheritFds: [], cgRoots: [{ ctrl: '', path: '/a' }, { ctrl: 'memory', path: '/b' }], manageCgroupsMode: 3, emptyNs: 0x40000000, workDirFd: 6 });
    const h = hex(more);
    expect(h).toContain('8801' + '06'); // work_dir_fd (17) = 6
    expect(h).toContain(`ca0104${'1202'}${ascii('/a')}`); // cg_root (25) { path (2) } (no ctrl)
    expect(h).toContain(`ca010c0a06${ascii('memory')}1202${ascii('/b')}`);
    expect(h).toContain('900203'); // manage_cgroups_mode (34) = SOFT
    expect(h).toContain('b00280808080' + '04'); // empty_ns (38) = CLONE_NEWNET (1 << 30)
    expect(hex(encodeRestoreOpts({ ...MIN, configFile: '/c' })).endsWith(`900301${'9a0302'}${ascii('/c')}`)).toBe(true); // config_file (51)
  });
});

describe('criu_resp', () => {
  it('a successful RESTORE with the restored pid', () => {
    // type 2, success 1, restore (4) { pid (1) 1234 = 0x4d2 → d2 09 }
    expect(decodeResp(Buffer.from('080210012203' + '08d209', 'hex'))).toMatchObject({ type: 2, success: true, restoredPid: 1234 });
  });

  it('a notify with its script', () => {
    const script = ascii('orphan-pts-master');
    const r = decodeResp(Buffer.from(`08061001${'2a13'}0a11${script}`, 'hex'));
    expect(r).toMatchObject({ type: 6, success: true, notifyScript: 'orphan-pts-master' });
    expect(decodeResp(Buffer.from(`080610012a050a01${ascii('x')}1007`, 'hex'))).toMatchObject({ notifyScript: 'x', notifyPid: 7 });
  });

  it('a failure: success false, a negative cr_errno (ten bytes), cr_errmsg; unknown fields skipped', () => {
    const r = decodeResp(Buffer.from(`08021000${'38ffffffffffffffffff01'}4a03${ascii('bad')}5804`, 'hex'));
    expect(r).toEqual({ type: 2, success: false, crErrno: -1, crErrmsg: 'bad', notifyPid: undefined, notifyScript: undefined, restoredPid: undefined });
  });

  it('bytes that are not a criu_resp throw', () => {
    expect(() => decodeResp(Buffer.from('1001', 'hex'))).toThrow(/no type/);
    expect(() => decodeResp(Buffer.from('0802220508', 'hex'))).toThrow(/truncated/);
    expect(() => decodeResp(Buffer.from('08', 'hex'))).toThrow(/truncated/);
  });
});

describe('rpcRestoreOpts', () => {
  it("restore's flags: dirs as fds, rst_sibling, notifications, orphan_pts_master, mounts, the netns and pipes inherited", () => {
    const o = rpcRestoreOpts({
      imagesDirFd: 10,
      configFile: '/s/criu-rpc.conf',
      logFile: 'restore.log',
      root: '/s/criu-root',
      tcpEstablished: true,
      extUnixSk: false,
      shellJob: false,
      fileLocks: false,
      manageCgroupsMode: 'full',
      emptyNs: [],
      autoDedup: false,
      cgroupRoots: [{ controller: '', path: '/x/c1' }],
      mounts: [{ destination: '/data', source: '/host/data' }],
      netnsFd: 4,
      descriptors: ['/dev/null', 'pipe:[77]', '/dev/pts/0'],
    });
    expect(o).toEqual({
      imagesDirFd: 10,
      configFile: '/s/criu-rpc.conf',
      logLevel: 4,
      logFile: 'restore.log',
      root: '/s/criu-root',
      rstSibling: true,
      notifyScripts: true,
      orphanPtsMaster: true,
      tcpEstablished: true,
      manageCgroupsMode: 4,
      cgRoots: [{ ctrl: '', path: '/x/c1' }],
      external: ['mnt[/data]:/host/data'],
      inheritFds: [
        { key: 'extRootNetNS', fd: 4 },
        { key: 'pipe:[77]', fd: 1 },
      ],
    });
  });

  it('the other flags under their criu_opts names; only --empty-ns network maps (CLONE_NEWNET)', () => {
    const o = rpcRestoreOpts({
      imagesDirFd: 3, configFile: '/c', logFile: 'r.log', root: '/r', tcpEstablished: false, extUnixSk: true, shellJob: true, fileLocks: true,
      emptyNs: ['net'], autoDedup: true, lsmProfile: 'apparmor:x', lsmMountContext: 'ctx', cgroupRoots: [{ controller: 'memory', path: '/m' }],
      mounts: [], descriptors: ['pipe:[1]', '/dev/null', 'socket:[2]'],
    });
    expect(o).toMatchObject({ extUnixSk: true, shellJob: true, fileLocks: true, autoDedup: true, emptyNs: 0x40000000, lsmProfile: 'apparmor:x', lsmMountContext: 'ctx', cgRoots: [{ ctrl: 'memory', path: '/m' }], inheritFds: [{ key: 'pipe:[1]', fd: 0 }] });
    expect(o).not.toHaveProperty('manageCgroupsMode');
    expect(o).not.toHaveProperty('tcpEstablished');
  });
});

describe('rpcConfigText', () => {
  it('names the work dir; a path the config syntax cannot carry is refused, naming the flag', () => {
    expect(rpcConfigText('/run/x/img')).toBe('work-dir /run/x/img\n');
    expect(() => rpcConfigText('/a b')).toThrow(/^--work-path \/a b: /);
  });
});
