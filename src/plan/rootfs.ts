import { lstatSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import { BerthError } from '../errors.js';
import { MS } from './linux.js';
import { parseMountOptions, type ParsedOptions } from './mount-options.js';
import { containerDevices, DEFAULT_SYMLINKS, deviceMode } from './devices.js';
import { bindSource, mountIdmaps, type MountIdmap } from './idmap.js';
import { withFrom, type PlanOp } from './ops.js';
import { withMountLabel } from './mount-label.js';

export interface RootfsInput {
  rootfs: string;
  bundle: string;
  config: any;
  noPivot: boolean;
  /** True when mknod is not allowed: the container is in a user namespace of its own (new or joined), or berth runs in one. */
  newUserns: boolean;
  /** The container's cgroup (layout and host dirs), for a mount of type "cgroup". */
  cgroup?: { layout: string; paths: Record<string, string> };
  /** berth is not real root (rootless): a mount of type "cgroup" binds the container's v2 dir. */
  unprivileged?: boolean;
}

/** Inside-root path without the leading "/" (mount destinations are relative to "/"). */
function rel(p: string): string {
  return posix.normalize('/' + p).replace(/^\/+/, '') || '.';
}

// Before the rootfs is bind-mounted. shared and unbindable are set on the new / after the root
// switch (afterPivotOps): the host's mounts must not become shared with the container, and an
// unbindable / cannot be the source of the rootfs bind (EINVAL; runc fails there).
const PROPAGATION_OF_ROOT: Record<string, number> = {
  private: MS.PRIVATE, rprivate: MS.PRIVATE | MS.REC, slave: MS.SLAVE, rslave: MS.SLAVE | MS.REC,
  shared: MS.SLAVE | MS.REC, rshared: MS.SLAVE | MS.REC, unbindable: MS.PRIVATE | MS.REC, runbindable: MS.PRIVATE | MS.REC,
};

function isDirOrMissing(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return true;
  }
}

/**
 * A mount of type "cgroup" shows the container its own cgroups: on a unified host a cgroup2
 * mount; on v1/hybrid a tmpfs with each controller's container dir bound under it (runc);
 * none (rootless without a delegated cgroup) an empty read-only tmpfs.
 */
function cgroupMountOps(root: string, m: any, cg: RootfsInput['cgroup'], bindUnified: boolean, label?: string): PlanOp[] {
  const dst = rel(m.destination);
  const o = parseMountOptions(m.options);
  const at = posix.normalize('/' + m.destination);
  if (!cg) {
    // No cgroup of its own (rootless, not delegated): an empty read-only tmpfs, so the
    // container sees no cgroup rather than the host's (runc masks the path in that case too).
    return [{ op: 'MOUNT_IN_ROOT', args: [root, 'tmpfs', dst, 'tmpfs', String(o.flags | MS.RDONLY), withMountLabel('tmpfs', 'mode=555', label), 'dir'], what: `mount an empty tmpfs on ${at} (no cgroup of its own)` }];
  }
  if (cg.layout === 'unified' && bindUnified && cg.paths[''] !== undefined) {
    // Not root: a cgroup2 mount from a user namespace is refused (EPERM, EBUSY); the container's
    // own dir bound there shows what a cgroup namespace would (runc's fallback).
    const dir = cg.paths['']!;
    return [
      { op: 'MOUNT_IN_ROOT', args: [root, dir, dst, '', String(MS.BIND | MS.REC), '', 'dir'], what: `bind cgroup ${dir} on ${at}` },
      { op: 'MOUNT_IN_ROOT', args: [root, '', dst, '', String(MS.BIND | MS.REMOUNT | (o.flags & ~(MS.BIND | MS.REC))), '', 'dir'], what: `remount ${at}` },
    ];
  }
  if (cg.layout === 'unified') {
    return [{ op: 'MOUNT_IN_ROOT', args: [root, 'cgroup2', dst, 'cgroup2', String(o.flags), '', 'dir'], what: `mount cgroup2 on ${at}` }];
  }
  const ops: PlanOp[] = [
    { op: 'MOUNT_IN_ROOT', args: [root, 'tmpfs', dst, 'tmpfs', String(o.flags & ~MS.RDONLY), withMountLabel('tmpfs', 'mode=755', label), 'dir'], what: `mount tmpfs on ${at}` },
  ];
  for (const [ctrl, dir] of Object.entries(cg.paths).sort()) {
    const name = ctrl === '' ? 'unified' : ctrl.replace(/^name=/, '');
    const sub = posix.join(dst, name);
    ops.push({ op: 'MOUNT_IN_ROOT', args: [root, dir, sub, '', String(MS.BIND | MS.REC), '', 'dir'], what: `bind cgroup ${dir} on ${posix.join(at, name)}` });
    ops.push({ op: 'MOUNT_IN_ROOT', args: [root, '', sub, '', String(MS.BIND | MS.REMOUNT | (o.flags & ~(MS.BIND | MS.REC))), '', 'dir'], what: `remount ${posix.join(at, name)}` });
  }
  if (o.flags & MS.RDONLY) {
    ops.push({ op: 'MOUNT_IN_ROOT', args: [root, '', dst, '', String(MS.REMOUNT | o.flags), 'mode=755', 'dir'], what: `remount ${at} read-only` });
  }
  return ops;
}

/**
 * proc and sysfs only on an ordinary directory (runc's rule): with a symlink on the way the mount
 * would land where the link points, and the masked paths and labels meant for /proc or /sys miss
 * it. Checked on the rootfs as the plan is made (as isDirOrMissing).
 */
function checkOrdinaryDir(root: string, m: any, index: number): void {
  if (m.type !== 'proc' && m.type !== 'sysfs') return;
  let at = root;
  for (const part of rel(m.destination).split('/')) {
    at = posix.join(at, part);
    let link = false;
    try {
      link = lstatSync(at).isSymbolicLink();
    } catch {
      return; // missing: made as a directory
    }
    if (link) throw new BerthError(`config.json: /mounts/${index}: ${m.type} must be mounted on ordinary directory: ${posix.normalize('/' + m.destination)} is a symlink in the rootfs`);
  }
}

/**
 * A read-only tmpfs, or /dev, is mounted read-write and remounted read-only once the mounts and
 * devices under it are made (as runc): mounted read-only at once, nothing could be made in it
 * (EROFS for /dev/pts and the device nodes).
 */
function deferredReadonly(m: any, o: ParsedOptions): boolean {
  return !o.bind && (o.flags & MS.RDONLY) !== 0 && (m.type === 'tmpfs' || posix.normalize('/' + m.destination) === '/dev');
}

function remountReadonlyOp(root: string, m: any): PlanOp {
  const o = parseMountOptions(m.options);
  const at = posix.normalize('/' + m.destination);
  return { op: 'MOUNT_IN_ROOT', args: [root, '', rel(m.destination), '', String(MS.REMOUNT | o.flags), o.data.join(','), 'dir'], what: `remount ${at} read-only` };
}

/**
 * A tmpfs with "tmpcopyup" (validate/mounts.ts: tmpfs only): the init mounts it and copies what
 * the rootfs had at the destination into it (TMPCOPYUP). Its root keeps the old directory's mode
 * unless the options give mode=, and its owner unless they give uid= or gid=.
 */
function tmpCopyUpOp(root: string, dst: string, o: ParsedOptions, what: string): PlanOp {
  const keepMode = !o.data.some((d) => d.startsWith('mode='));
  const keepOwner = !o.data.some((d) => d.startsWith('uid=') || d.startsWith('gid='));
  return { op: 'TMPCOPYUP', args: [root, dst, String(o.flags), o.data.join(','), keepMode ? '1' : '0', keepOwner ? '1' : '0'], what: `${what} (tmpcopyup: with a copy of what is there)` };
}

/**
 * Ops of one config mount: mount, remount for bind flags, propagation, recursive attributes.
 * An idmapped mount is the detached tree stage A made (plan/idmap.ts), attached here in its
 * turn; its flags and propagation follow as for any bind.
 */
function mountOps(root: string, m: any, bundle: string, index: number, cg: RootfsInput['cgroup'], bindUnified: boolean, idm?: MountIdmap, label?: string): PlanOp[] {
  if (m.type === 'cgroup') return cgroupMountOps(root, m, cg, bindUnified, label);
  checkOrdinaryDir(root, m, index);
  const dst = rel(m.destination);
  const o = parseMountOptions(m.options);
  if (deferredReadonly(m, o)) o.flags &= ~MS.RDONLY;
  const type: string = m.type ?? (o.bind ? '' : 'none');
  const what = `mount ${m.source ?? type} on ${posix.normalize('/' + m.destination)}`;
  if ((o.idmap || idm) && !o.bind) throw new BerthError(`config.json: /mounts/${index}/options: an idmapped mount must be a bind mount ("bind" or "rbind")`);
  const ops: PlanOp[] = [];
  const source = o.bind ? bindSource(m, bundle) : (m.source ?? '');
  const kind = o.bind && source && !isDirOrMissing(source) ? 'file' : 'dir';
  const data = o.data.join(',');
  if (o.bind) {
    if (idm) ops.push({ op: 'MOVE_MOUNT_IN_ROOT', args: [root, String(idm.slot), dst, kind], what: `${what} (idmapped)` });
    else ops.push({ op: 'MOUNT_IN_ROOT', args: [root, source, dst, '', String(MS.BIND | (o.flags & MS.REC)), '', kind], what });
    const rest = o.flags & ~(MS.BIND | MS.REC | MS.REMOUNT);
    if (rest !== 0) {
      ops.push({ op: 'MOUNT_IN_ROOT', args: [root, '', dst, '', String(MS.BIND | MS.REMOUNT | rest), '', kind], what: `remount ${posix.normalize('/' + m.destination)}` });
    }
  } else if (o.tmpcopyup) {
    ops.push(tmpCopyUpOp(root, dst, o, what));
  } else {
    ops.push({ op: 'MOUNT_IN_ROOT', args: [root, source, dst, type, String(o.flags), withMountLabel(type, data, label), 'dir'], what });
  }
  for (const p of o.propagation) {
    ops.push({ op: 'MOUNT_IN_ROOT', args: [root, '', dst, '', String(p), '', kind], what: `set propagation of ${posix.normalize('/' + m.destination)}` });
  }
  if (o.attrSet || o.attrClr) {
    ops.push({ op: 'MOUNT_SETATTR_IN_ROOT', args: [root, dst, String(o.attrSet), String(o.attrClr), '0', '1'], what: `set recursive attributes of ${posix.normalize('/' + m.destination)}` });
  }
  return ops;
}

/**
 * Rootfs preparation inside the new mount namespace, before the root switch (config-linux.md,
 * runtime-linux.md): propagation of "/", bind of the rootfs, mounts in config order, /dev.
 */
export function rootfsOps(inp: RootfsInput): PlanOp[] {
  const { rootfs: root, config } = inp;
  const linux = config.linux ?? {};
  const ops: PlanOp[] = [];
  const rootProp = PROPAGATION_OF_ROOT[linux.rootfsPropagation ?? ''] ?? MS.SLAVE | MS.REC;
  ops.push({ op: 'MOUNT', args: ['', '/', '', String(rootProp), ''], what: 'set propagation of /', from: '/linux/rootfsPropagation' });
  ops.push({ op: 'MOUNT', args: [root, root, '', String(MS.BIND | MS.REC), ''], what: `bind mount rootfs ${root}`, from: '/root/path' });

  const mounts: any[] = config.mounts ?? [];
  const idmaps = mountIdmaps(config);
  let devIsMount = false;
  mounts.forEach((m, i) => {
    const dst = posix.normalize('/' + m.destination);
    if (dst === '/dev') devIsMount = true;
    ops.push(...withFrom(mountOps(root, m, inp.bundle, i, inp.cgroup, inp.unprivileged === true, idmaps.get(i), linux.mountLabel), `/mounts/${i}`));
  });

  if (devIsMount) ops.push(...devOps(inp));
  else {
    (linux.devices ?? []).forEach((d: any, i: number) => ops.push({ ...deviceOp(root, d, inp.newUserns), from: `/linux/devices/${i}` }));
  }
  if (config.process?.cwd) {
    ops.push({ op: 'MKDIR_IN_ROOT', args: [root, rel(config.process.cwd), '755'], what: `make cwd ${config.process.cwd}`, from: '/process/cwd' });
  }
  mounts.forEach((m, i) => {
    if (m.type !== 'cgroup' && deferredReadonly(m, parseMountOptions(m.options))) ops.push({ ...remountReadonlyOp(root, m), from: `/mounts/${i}` });
  });
  return ops;
}

function deviceOp(root: string, d: any, newUserns: boolean): PlanOp {
  const p = rel(d.path);
  if (newUserns) {
    // mknod is refused in a user namespace: bind the host's node instead (runc does the same).
    return { op: 'MOUNT_IN_ROOT', args: [root, d.path, p, '', String(MS.BIND), '', 'file'], what: `bind device ${d.path}` };
  }
  return {
    op: 'MKNOD_IN_ROOT',
    args: [root, p, String(deviceMode(d)), String(d.major ?? 0), String(d.minor ?? 0), String(d.uid ?? 0), String(d.gid ?? 0)],
    what: `create device ${d.path}`,
  };
}

/** Default devices, linux.devices and the /dev symlinks, when /dev is a mount of the config. */
function devOps(inp: RootfsInput): PlanOp[] {
  const root = inp.rootfs;
  const ops: PlanOp[] = [];
  const own: any[] = inp.config.linux?.devices ?? [];
  for (const d of containerDevices(own)) {
    const i = own.indexOf(d);
    ops.push({ ...deviceOp(root, d, inp.newUserns), ...(i >= 0 ? { from: `/linux/devices/${i}` } : {}) });
  }
  for (const [target, link] of DEFAULT_SYMLINKS) {
    ops.push({ op: 'SYMLINK_IN_ROOT', args: [root, target, rel(link)], what: `symlink ${link} -> ${target}` });
  }
  return ops;
}

/** Switch the root: pivot_root, or MS_MOVE + chroot with --no-pivot. */
export function switchRootOps(inp: RootfsInput): PlanOp[] {
  const root = inp.rootfs;
  return inp.noPivot
    ? [{ op: 'MOVE_ROOT', args: [root], what: `move root to ${root}`, from: '--no-pivot' }]
    : [{ op: 'PIVOT_ROOT', args: [root], what: `pivot_root to ${root}`, from: '/root/path' }];
}

/** After the root switch: masked and read-only paths, root propagation, read-only root. */
export function afterPivotOps(config: any): PlanOp[] {
  const linux = config.linux ?? {};
  const ops: PlanOp[] = [];
  (linux.maskedPaths ?? []).forEach((p: string, i: number) => ops.push({ op: 'MASK_PATH', args: [p], what: `mask ${p}`, from: `/linux/maskedPaths/${i}` }));
  (linux.readonlyPaths ?? []).forEach((p: string, i: number) => ops.push({ op: 'READONLY_PATH', args: [p], what: `make ${p} read-only`, from: `/linux/readonlyPaths/${i}` }));
  const prop = linux.rootfsPropagation;
  if (prop === 'shared' || prop === 'rshared') {
    ops.push({ op: 'MOUNT', args: ['', '/', '', String(MS.SHARED | (prop === 'rshared' ? MS.REC : 0)), ''], what: `set propagation of / to ${prop}`, from: '/linux/rootfsPropagation' });
  }
  if (prop === 'unbindable' || prop === 'runbindable') {
    ops.push({ op: 'MOUNT', args: ['', '/', '', String(MS.UNBINDABLE | (prop === 'runbindable' ? MS.REC : 0)), ''], what: `set propagation of / to ${prop}`, from: '/linux/rootfsPropagation' });
  }
  if (config.root?.readonly) ops.push({ op: 'REMOUNT_RO', args: ['/'], what: 'remount / read-only', from: '/root/readonly' });
  // Without a terminal, stdio that is the host's /dev/null becomes the container's own (runc's
  // reOpenDevNull; CRIU cannot dump a file on a mount outside the container).
  if (!config.process?.terminal) ops.push({ op: 'REOPEN_DEV_NULL', args: [], what: 'reopen /dev/null on stdio' });
  return ops;
}
