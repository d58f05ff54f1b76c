import { describe, it, expect } from 'vitest';
import { listenFds, withListenEnv } from '../../src/runtime/listen-fds.js';
import { checkLsm } from '../../src/host/lsm.js';

describe('socket activation (LISTEN_FDS)', () => {
  it('counts the fds only when LISTEN_PID names this process', () => {
    expect(listenFds({ LISTEN_FDS: '2', LISTEN_PID: '42' }, 42)).toEqual({ count: 2, env: ['LISTEN_FDS=2', 'LISTEN_PID=1'] });
    expect(listenFds({ LISTEN_FDS: '2', LISTEN_PID: '41' }, 42).count).toBe(0);
    expect(listenFds({ LISTEN_FDS: '2' }, 42).count).toBe(0);
    expect(listenFds({ LISTEN_FDS: 'x', LISTEN_PID: '42' }, 42).count).toBe(0);
    expect(listenFds({ LISTEN_FDS: '0', LISTEN_PID: '42' }, 42).count).toBe(0);
  });

  it('replaces LISTEN_* in the process env, leaves the process alone without activation', () => {
    const p = { env: ['A=1', 'LISTEN_FDS=9', 'LISTEN_PID=9'] };
    expect(withListenEnv(p, { count: 1, env: ['LISTEN_FDS=1', 'LISTEN_PID=1'] }).env).toEqual(['A=1', 'LISTEN_FDS=1', 'LISTEN_PID=1']);
    expect(withListenEnv(p, { count: 0, env: [] })).toBe(p);
  });
});

describe('LSM requests', () => {
  const none = { apparmor: false, selinux: false };
  it('names the field when the host lacks the module', () => {
    expect(() => checkLsm({ apparmorProfile: 'p' }, 'config.json', none)).toThrow(/^config\.json: \/process\/apparmorProfile: AppArmor is not enabled/);
    expect(() => checkLsm({ selinuxLabel: 'l' }, 'process.json', none)).toThrow(/^process\.json: \/process\/selinuxLabel: SELinux is not enabled/);
  });
  it('accepts what the host runs, and no request at all', () => {
    expect(() => checkLsm({ apparmorProfile: 'p', selinuxLabel: 'l' }, 'config.json', { apparmor: true, selinux: true })).not.toThrow();
    expect(() => checkLsm({}, 'config.json', none)).not.toThrow();
  });
});
