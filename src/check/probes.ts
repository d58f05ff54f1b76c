/**
 * `berth check`: every item is a thin reading of a probe berth itself uses when it runs
 * containers (src/host/, src/cgroups/, src/seccomp/probe.ts), so `check`, `features` and what
 * create does never disagree. Each item says what stops working without it and the fix.
 */
import { constants, existsSync, readFileSync } from 'node:fs';
import { canAccess } from '../host/which.js';
import { dirname } from 'node:path';
import { defaultConfig } from '../spec/default-config.js';
import { NAMESPACES } from '../plan/linux.js';
import { kernelRelease } from '../host/kernel.js';
import { probeLsm } from '../host/lsm.js';
import { probeIdmap } from '../host/idmap.js';
import { probeCriu } from '../host/criu.js';
import { probeSyscalls, type SyscallSupport } from '../host/syscalls.js';
import { probeUserns } from '../host/userns.js';
import { probeStateRoot } from '../host/state-root.js';
import { detectLayout, parseMountinfo } from '../cgroups/layout.js';
import { realEnv, resolveCgroupPaths } from '../cgroups/path.js';
import { readControl } from '../cgroups/apply.js';
import { systemdRunning } from '../cgroups/systemd/scope.js';
import { seccompSupport } from '../seccomp/probe.js';
import type { CheckItem } from './item.js';

const msg = (e: unknown): string => (e as Error)?.message ?? String(e);

function item(i: Omit<CheckItem, 'facts'> & { facts?: Record<string, unknown> }): CheckItem {
  return { ...i, facts: i.facts ?? {} };
}

export function kernelItem(): CheckItem {
  const release = kernelRelease();
  return item({ id: 'kernel', title: 'kernel', status: 'info', detail: `Linux ${release}`, required: false, facts: { release } });
}

export function privilegeItem(): CheckItem {
  const euid = process.geteuid?.() ?? -1;
  return euid === 0
    ? item({ id: 'privileges', title: 'privileges', status: 'ok', detail: 'running as root', required: true, facts: { euid } })
    : item({
      id: 'privileges', title: 'privileges', status: 'missing', detail: `running as uid ${euid}`, required: true, facts: { euid },
      impact: 'create: berth makes namespaces, mounts and cgroups as root', fix: 'run berth as root (sudo)',
    });
}

const NS_CONFIG: Record<string, string> = {
  user: 'CONFIG_USER_NS', ipc: 'CONFIG_IPC_NS', uts: 'CONFIG_UTS_NS', network: 'CONFIG_NET_NS', pid: 'CONFIG_PID_NS',
  cgroup: 'CONFIG_CGROUPS', mount: 'CONFIG_NAMESPACES', time: 'CONFIG_TIME_NS',
};

/** The namespaces of the default config are required; the others matter to configs that ask. */
export function namespaceItems(): CheckItem[] {
  const wanted = new Set<string>(defaultConfig().linux.namespaces.map((n: any) => n.type));
  return Object.entries(NAMESPACES).map(([type, info]) => {
    const have = existsSync(`/proc/self/ns/${info.proc}`);
    const required = wanted.has(type);
    return item({
      id: `namespace-${type}`, title: `${type} namespace`, status: have ? 'ok' : 'missing', required,
      detail: have ? `/proc/self/ns/${info.proc}` : `no /proc/self/ns/${info.proc}`, facts: { available: have },
      ...(have ? {} : {
        impact: `configs with linux.namespaces "${type}"${required ? ' (the default config among them)' : ''} fail at create`,
        fix: `a kernel with ${NS_CONFIG[type] ?? 'CONFIG_NAMESPACES'}=y`,
      }),
    });
  });
}

/** The layout, where a container's cgroup would go, and the controllers it would get. */
export function cgroupItems(): CheckItem[] {
  const out: CheckItem[] = [];
  let layout;
  try {
    layout = detectLayout();
  } catch (e) {
    return [item({ id: 'cgroup', title: 'cgroups', status: 'missing', required: true, detail: msg(e), impact: 'create: a container needs its cgroup', fix: 'mount cgroup2 on /sys/fs/cgroup (or the v1 hierarchies)' })];
  }
  const mounts = parseMountinfo(readFileSync('/proc/self/mountinfo', 'utf8'));
  const v1 = [...new Set(mounts.filter((m) => m.version === 1).flatMap((m) => m.controllers))].sort();
  const v2 = mounts.find((m) => m.version === 2);
  let paths: Record<string, string> | undefined;
  try {
    paths = resolveCgroupPaths({ id: 'berth-check' }, realEnv()).paths;
  } catch (e) {
    out.push(item({ id: 'cgroup', title: 'cgroups', status: 'missing', required: true, detail: `${layout}: ${msg(e)}`, facts: { layout }, impact: 'create fails for every container', fix: 'mount the devices controller (cgroup v1) or use a cgroup v2 host' }));
    return out;
  }
  const unified = layout === 'unified';
  const v2dir = paths[''];
  const v2ctrls = v2dir ? (readControl(`${dirname(v2dir)}/cgroup.subtree_control`) ?? '').split(/\s+/).filter(Boolean) : [];
  const v2avail = v2dir ? (readControl(`${dirname(v2dir)}/cgroup.controllers`) ?? '').split(/\s+/).filter(Boolean) : [];
  const layoutText = unified ? `cgroup v2 (unified) at ${v2?.mountpoint}` : `${layout}: cgroup v1 controllers ${v1.join(',')}${v2 ? `; cgroup2 at ${v2.mountpoint}` : ''}`;
  out.push(item({
    id: 'cgroup', title: 'cgroups', status: 'ok', required: true, detail: layoutText,
    facts: { layout, v1Controllers: v1, cgroup2Mount: v2?.mountpoint ?? null },
    ...(unified ? {} : { impact: 'linux.resources.unified is refused; cgroup v2-only features (clone3 into the cgroup, BPF device programs) are not used', fix: 'boot with systemd.unified_cgroup_hierarchy=1 (cgroup_no_v1=all) for cgroup v2' }),
  }));
  // Where a container's dir goes (next to berth's own cgroup, cgroupsPath relative) and whether it can be made there.
  const parents = [...new Set(Object.values(paths).map((p) => dirname(p)))];
  const writable = parents.filter((d) => canAccess(d, constants.W_OK));
  const usable = unified ? v2avail : Object.keys(paths).filter((c) => c !== '');
  const wantV1 = ['cpu', 'cpuacct', 'cpuset', 'memory', 'devices', 'freezer', 'pids', 'blkio'];
  const lacking = unified ? ['cpu', 'memory', 'pids', 'io'].filter((c) => !v2avail.includes(c)) : wantV1.filter((c) => !usable.includes(c));
  const delegated = writable.length === parents.length;
  out.push(item({
    id: 'cgroup-controllers', title: 'cgroup controllers',
    status: !delegated ? 'missing' : lacking.length ? 'degraded' : 'ok', required: true,
    detail: `${unified ? 'available in berth\'s cgroup' : 'mounted'}: ${usable.join(',') || 'none'}${unified ? `; enabled for children: ${v2ctrls.join(',') || 'none'}` : ''}; ${delegated ? 'container cgroups can be made' : `cannot make cgroups in ${parents.filter((p) => !writable.includes(p)).join(', ')}`}`,
    facts: { controllers: usable, subtreeControl: v2ctrls, delegated, parents },
    ...(!delegated ? { impact: 'create fails: the container\'s cgroup cannot be made', fix: 'run as root, or delegate the cgroup (systemd Delegate=yes)' }
      : lacking.length ? { impact: `linux.resources for ${lacking.join(', ')} fail at create (the controller is missing)`, fix: unified ? `enable them: echo +${lacking.join(' +')} > ${dirname(v2dir!)}/cgroup.subtree_control (from the parent), or systemd Delegate=yes` : `mount the v1 hierarchies (${lacking.join(', ')}) or enable them in the kernel (CONFIG_CGROUP_*)` } : {}),
  }));
  return out;
}

/** systemd as PID 1 and its D-Bus: what --systemd-cgroup needs. */
export async function systemdItem(): Promise<CheckItem> {
  if (!systemdRunning()) {
    return item({ id: 'systemd', title: 'systemd', status: 'info', required: false, detail: 'systemd is not the init here (no /run/systemd/system)', facts: { running: false }, impact: '--systemd-cgroup is refused', fix: 'use the cgroupfs driver (the default), or boot with systemd' });
  }
  try {
    const { SystemdManager } = await import('../cgroups/systemd/manager.js');
    const mgr = SystemdManager.connect();
    try {
      const version = mgr.version();
      return item({ id: 'systemd', title: 'systemd', status: 'ok', required: false, detail: `systemd ${version}, D-Bus reachable`, facts: { running: true, version } });
    } finally {
      mgr.close();
    }
  } catch (e) {
    return item({ id: 'systemd', title: 'systemd', status: 'degraded', required: false, detail: `systemd runs, but: ${msg(e)}`, facts: { running: true }, impact: '--systemd-cgroup fails', fix: 'start dbus (apt-get install dbus; systemctl start dbus), or use the cgroupfs driver' });
  }
}

export function seccompItems(): CheckItem[] {
  let s;
  try {
    s = seccompSupport();
  } catch (e) {
    return [item({ id: 'seccomp', title: 'seccomp', status: 'missing', required: false, detail: msg(e), impact: 'every config with linux.seccomp fails', fix: 'a kernel with CONFIG_SECCOMP_FILTER; a berth build with its addon' })];
  }
  const filter = s.actions.size > 0;
  const notify = s.actions.has('SCMP_ACT_NOTIFY');
  return [
    item({
      id: 'seccomp', title: 'seccomp', status: filter ? 'ok' : 'missing', required: false,
      detail: `libseccomp ${s.libseccompVersion}; actions ${[...s.actions].join(',')}; flags ${[...s.flags].join(',') || 'none'}`,
      facts: { libseccompVersion: s.libseccompVersion, actions: [...s.actions], flags: [...s.flags], architectures: [...s.architectures] },
      ...(filter ? {} : { impact: 'configs with linux.seccomp fail', fix: 'a kernel with CONFIG_SECCOMP_FILTER=y' }),
    }),
    item({
      id: 'seccomp-notify', title: 'seccomp NOTIFY', status: notify ? 'ok' : 'missing', required: false,
      detail: notify ? 'SCMP_ACT_NOTIFY and its listener are supported' : 'the kernel refuses SCMP_ACT_NOTIFY',
      facts: { supported: notify },
      ...(notify ? {} : { impact: 'profiles with SCMP_ACT_NOTIFY rules (listenerPath agents) fail', fix: 'kernel ≥ 5.0 (5.9 for the addfd a typical agent uses)' }),
    }),
  ];
}

export function usernsItems(): CheckItem[] {
  const u = probeUserns();
  const ok = (u.maxUserNamespaces ?? 1) > 0;
  const ids = u.subuid.length > 0 && u.subgid.length > 0;
  const helpers = u.newuidmap !== null && u.newgidmap !== null;
  const range = (r: { start: number; count: number }[]) => r.map((x) => `${x.start}+${x.count}`).join(',') || 'none';
  return [
    item({
      id: 'userns', title: 'user namespaces', status: !ok ? 'missing' : u.unprivileged ? 'ok' : 'degraded', required: false,
      detail: `max_user_namespaces ${u.maxUserNamespaces ?? 'unknown'}; unprivileged: ${u.unprivileged ? 'allowed' : `no (${u.unprivilegedBlockedBy ?? 'max_user_namespaces 0'})`}`,
      facts: { maxUserNamespaces: u.maxUserNamespaces, unprivileged: u.unprivileged },
      ...(!ok ? { impact: 'configs with a user namespace fail', fix: 'sysctl -w user.max_user_namespaces=15000 (CONFIG_USER_NS=y)' }
        : !u.unprivileged ? { impact: 'rootless containers (berth run by a user without root) cannot make a user namespace', fix: u.unprivilegedBlockedBy?.startsWith('kernel.apparmor') ? 'sysctl -w kernel.apparmor_restrict_unprivileged_userns=0' : 'sysctl -w kernel.unprivileged_userns_clone=1' } : {}),
    }),
    item({
      id: 'subids', title: `subordinate ids of ${u.user}`, status: ids && helpers ? 'ok' : 'degraded', required: false,
      detail: `subuid ${range(u.subuid)}; subgid ${range(u.subgid)}; newuidmap ${u.newuidmap ?? 'not found'}; newgidmap ${u.newgidmap ?? 'not found'}`,
      facts: { user: u.user, subuid: u.subuid, subgid: u.subgid, newuidmap: u.newuidmap, newgidmap: u.newgidmap },
      ...(ids && helpers ? {} : { impact: `rootless containers of ${u.user} can map only their own uid and gid`, fix: `${ids ? '' : `add ranges: usermod --add-subuids 100000-165535 --add-subgids 100000-165535 ${u.user}; `}${helpers ? '' : 'apt-get install uidmap (newuidmap, newgidmap)'}`.replace(/; $/, '') }),
    }),
  ];
}

export function idmapItem(): CheckItem {
  const r = probeIdmap();
  return item({
    id: 'idmap', title: 'idmapped mounts', status: r.enabled ? 'ok' : 'missing', required: false,
    detail: r.enabled ? 'mounts may carry uidMappings/gidMappings (idmap, ridmap)' : r.reason ?? 'not available', facts: { ...r },
    ...(r.enabled ? {} : { impact: 'mounts with idmap/ridmap options or uidMappings are refused', fix: 'kernel ≥ 5.12 with idmapped mount support in the filesystem (and a berth with idmapped mounts)' }),
  });
}

function syscallItem(id: string, title: string, got: string, ok: string, impact: string, fix: string, required: boolean): CheckItem {
  return item({
    id, title, status: got === '' ? 'ok' : required ? 'missing' : 'degraded', required,
    detail: got === '' ? ok : `the probe got ${got}`, facts: { available: got === '', errno: got || null },
    ...(got === '' ? {} : { impact, fix }),
  });
}

export function syscallItems(layout: string | undefined): CheckItem[] {
  let s: SyscallSupport;
  try {
    s = probeSyscalls();
  } catch (e) {
    return [item({ id: 'addon', title: 'native addon', status: 'missing', required: true, detail: msg(e), impact: 'every command that makes a syscall Node lacks (create, start, kill, exec)', fix: 'build berth (npm run build) or install a complete release' })];
  }
  const c3 = syscallItem('clone-into-cgroup', 'clone3 CLONE_INTO_CGROUP', s.clone_into_cgroup, layout === 'unified' ? 'the init is born in its cgroup' : 'available (used only on a cgroup v2 host; here the init joins with cgroup.procs writes)',
    'the init is forked, then joins its cgroup (cgroup.procs): a moment outside its limits', 'kernel ≥ 5.7', false);
  return [
    syscallItem('openat2', 'openat2', s.openat2, 'RESOLVE_IN_ROOT for mount targets and procfs writes', 'create fails: every mount target and procfs file is resolved with openat2', 'kernel ≥ 5.6', true),
    syscallItem('pidfd', 'pidfd', s.pidfd_open, 'signals go through a pidfd', 'signals fall back to kill(2) by pid (a reused pid could be hit)', 'kernel ≥ 5.3', false),
    c3,
  ];
}

export function lsmItems(): CheckItem[] {
  const l = probeLsm();
  return [
    item({
      id: 'apparmor', title: 'AppArmor', status: l.apparmor ? 'ok' : 'missing', required: false,
      detail: l.apparmor ? 'enabled' : 'not enabled (/sys/module/apparmor/parameters/enabled)', facts: { enabled: l.apparmor },
      ...(l.apparmor ? {} : { impact: 'process.apparmorProfile is refused at create (exec --apparmor too)', fix: 'boot with apparmor=1 security=apparmor; apt-get install apparmor' }),
    }),
    item({
      id: 'selinux', title: 'SELinux', status: l.selinux ? 'ok' : 'missing', required: false,
      detail: l.selinux ? 'enabled (selinuxfs mounted)' : 'not enabled (no /sys/fs/selinux)', facts: { enabled: l.selinux },
      ...(l.selinux ? {} : { impact: 'process.selinuxLabel and linux.mountLabel are refused at create (exec --process-label too)', fix: 'boot with selinux=1 security=selinux and a policy (selinux-basics, selinux-policy-default)' }),
    }),
  ];
}

export function criuItem(): CheckItem {
  const c = probeCriu();
  return item({
    id: 'criu', title: 'CRIU', status: c.ok ? 'ok' : 'missing', required: false,
    detail: c.path === null ? 'criu not found in PATH' : `criu ${c.version ?? '(version unknown)'} at ${c.path}: ${c.ok ? '`criu check` passes' : `\`criu check\` fails: ${c.error}`}`,
    facts: { ...c },
    ...(c.ok ? {} : { impact: 'checkpoint and restore', fix: c.path === null ? 'apt-get install criu' : 'a criu release that supports this kernel (see `criu check --all`), or a kernel criu supports' }),
  });
}

export function stateRootItem(root: string): CheckItem {
  const r = probeStateRoot(root);
  return item({
    id: 'state-root', title: '--root', status: r.tmpfs ? 'ok' : 'degraded', required: false,
    detail: `${root}${r.dir !== root ? ` (not there yet; ${r.dir})` : ''} is ${r.tmpfs ? 'on a tmpfs' : `not on a tmpfs (filesystem magic 0x${r.type.toString(16)})`}`,
    facts: { root, dir: r.dir, tmpfs: r.tmpfs },
    ...(r.tmpfs ? {} : { impact: 'state outlives a reboot: containers from before it show as stopped until deleted', fix: `use a --root under /run (a tmpfs), or mount -t tmpfs tmpfs ${r.dir}` }),
  });
}

/** Every item, in the order `check` shows them. */
export async function checkItems(root: string): Promise<CheckItem[]> {
  const cgroups = cgroupItems();
  const layout = cgroups[0]?.facts.layout as string | undefined;
  return [
    kernelItem(),
    privilegeItem(),
    ...cgroups,
    await systemdItem(),
    ...namespaceItems(),
    ...usernsItems(),
    ...syscallItems(layout),
    ...seccompItems(),
    idmapItem(),
    ...lsmItems(),
    criuItem(),
    stateRootItem(root),
  ];
}
