import type { Report } from './findings.js';
import { pointer } from './pointer.js';

const THROTTLES = ['throttleReadBpsDevice', 'throttleWriteBpsDevice', 'throttleReadIOPSDevice', 'throttleWriteIOPSDevice'];

/** A cgroup file name: one path component (unified keys name files in the container's cgroup). */
const FILE_NAME = /^(?!\.\.?$)[^/\0]+$/;

/**
 * config-linux.md "Control groups": cgroupsPath without "..", and the resource rules the schema
 * cannot say (swappiness 0-100, burst <= quota, one of weight/leafWeight, rate, one of
 * hcaHandles/hcaObjects, unified keys naming files); device access letters other than r, w, m
 * are ignored with a warning, as runc ignores them; so are kernel memory limits (memory.kernel,
 * kernelTCP).
 */
export function checkResources(linux: any, r: Report): void {
  if (linux.cgroupsPath !== undefined && /(^|\/)\.\.(\/|$)/.test(linux.cgroupsPath)) r.error('/linux/cgroupsPath', 'must not contain ".."');
  const res = linux.resources;
  if (!res) return;
  const at = (...s: (string | number)[]) => pointer('linux', 'resources', ...s);

  // runc's warning: the kernel dropped kernel memory limits (cgroup v2 never had them).
  for (const k of ['kernel', 'kernelTCP']) {
    if (res.memory?.[k] !== undefined) r.warn(at('memory', k), 'kernel memory settings are ignored and will be removed (as runc: the kernel no longer takes them)');
  }
  const swappiness = res.memory?.swappiness;
  if (swappiness !== undefined && swappiness > 100) r.error(at('memory', 'swappiness'), 'must be between 0 and 100');

  const { quota, burst } = res.cpu ?? {};
  if (burst !== undefined && quota !== undefined && quota > 0 && burst > quota) r.error(at('cpu', 'burst'), `must not be larger than quota (${quota})`);

  (res.blockIO?.weightDevice ?? []).forEach((d: any, i: number) => {
    if (d.weight === undefined && d.leafWeight === undefined) r.error(at('blockIO', 'weightDevice', i), 'needs weight or leafWeight');
  });
  for (const t of THROTTLES) {
    (res.blockIO?.[t] ?? []).forEach((d: any, i: number) => {
      if (d.rate === undefined) r.error(at('blockIO', t, i, 'rate'), 'is required');
    });
  }
  for (const [dev, limits] of Object.entries<any>(res.rdma ?? {})) {
    if (limits.hcaHandles === undefined && limits.hcaObjects === undefined) r.error(at('rdma', dev), 'needs hcaHandles or hcaObjects');
  }
  (res.devices ?? []).forEach((d: any, i: number) => {
    const other = [...new Set(String(d?.access ?? '').replace(/[rwm]/g, ''))].join('');
    if (other) r.warn(at('devices', i, 'access'), `${JSON.stringify(d.access)}: ${other} ignored (access is a composition of r, w, m; runc ignores other letters too)`);
  });
  for (const key of Object.keys(res.unified ?? {})) {
    if (!FILE_NAME.test(key)) r.error(at('unified', key), 'must name a file in the container cgroup');
  }
}
