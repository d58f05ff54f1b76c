import { SPEC_VERSION } from '../version.js';

const CAPS = ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'];

/**
 * The config `berth spec` writes: runc's default, for a rootfs/ beside config.json. Pure.
 * `cgroupNamespace: false` leaves the cgroup namespace out, as runc's spec does on a host
 * without a unified (cgroup v2) hierarchy: on v1 a cgroup namespace makes /proc/self/cgroup read
 * "/" for every controller, which tools that find their cgroup from it cannot use.
 */
export function defaultConfig(opts: { rootless?: boolean; uid?: number; gid?: number; cgroupNamespace?: boolean } = {}): any {
  const config: any = {
    ociVersion: SPEC_VERSION,
    process: {
      terminal: true,
      user: { uid: 0, gid: 0 },
      args: ['sh'],
      env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'TERM=xterm'],
      cwd: '/',
      capabilities: { bounding: [...CAPS], effective: [...CAPS], permitted: [...CAPS], ambient: [...CAPS] },
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }],
      noNewPrivileges: true,
    },
    root: { path: 'rootfs', readonly: true },
    hostname: 'berth',
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
      { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
      { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
      { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
      { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'] },
    ],
    linux: {
      resources: { devices: [{ allow: false, access: 'rwm' }] },
      namespaces: [{ type: 'pid' }, { type: 'network' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }, { type: 'cgroup' }],
      maskedPaths: [
        '/proc/acpi', '/proc/asound', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
        '/proc/timer_stats', '/proc/sched_debug', '/sys/firmware', '/proc/scsi',
      ],
      readonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
    },
  };
  if (opts.cgroupNamespace === false) config.linux.namespaces = config.linux.namespaces.filter((n: any) => n.type !== 'cgroup');
  if (opts.rootless) {
    const uid = opts.uid ?? 1000;
    const gid = opts.gid ?? 1000;
    config.linux.namespaces = config.linux.namespaces.filter((n: any) => n.type !== 'network').concat([{ type: 'user' }]);
    config.linux.uidMappings = [{ containerID: 0, hostID: uid, size: 1 }];
    config.linux.gidMappings = [{ containerID: 0, hostID: gid, size: 1 }];
    delete config.linux.resources;
    config.mounts = config.mounts
      .filter((m: any) => m.destination !== '/sys/fs/cgroup')
      .map((m: any) =>
        m.destination === '/sys'
          ? { destination: '/sys', type: 'none', source: '/sys', options: ['rbind', 'nosuid', 'noexec', 'nodev', 'ro'] }
          : m.destination === '/dev/pts'
            ? { ...m, options: m.options.filter((o: string) => o !== 'gid=5') }
            : m,
      );
  }
  return config;
}
