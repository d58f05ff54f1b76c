import type { Report } from './findings.js';
import { pointer } from './pointer.js';
import { NOTIFY, NOTIFY_FORBIDDEN } from '../seccomp/constants.js';

/** The actions that take an errno (config-linux.md: others MUST fail with one). */
const ERRNO_ACTIONS = new Set(['SCMP_ACT_ERRNO', 'SCMP_ACT_TRACE']);
/** errnoRet travels in the 16 data bits of SECCOMP_RET_ERRNO / SECCOMP_RET_TRACE. */
const MAX_RET_DATA = 0xffff;

/**
 * config-linux.md "Seccomp": errnoRet only with actions that take an errno; listenerMetadata
 * MUST NOT be set without listenerPath; SCMP_ACT_NOTIFY needs listenerPath to send its fd to;
 * syscall argument indexes are 0-5. berth's own limits (as runc's): SCMP_ACT_NOTIFY is not a
 * default action and not for the syscall the init hands its listener over with; errnoRet fits
 * the 16 bits the kernel has for it.
 */
export function checkSeccomp(linux: any, r: Report): void {
  const s = linux.seccomp;
  if (!s) return;
  const at = (...p: (string | number)[]) => pointer('linux', 'seccomp', ...p);
  if (s.defaultErrnoRet !== undefined && !ERRNO_ACTIONS.has(s.defaultAction)) {
    r.error(at('defaultErrnoRet'), `is not allowed with defaultAction ${s.defaultAction} (only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take an errno)`);
  }
  if (s.listenerMetadata !== undefined && !s.listenerPath) r.error(at('listenerMetadata'), 'must not be set without listenerPath');
  if (s.defaultAction === NOTIFY) r.error(at('defaultAction'), `${NOTIFY} cannot be the default action (the init could not hand over its listener)`);
  if (s.defaultErrnoRet > MAX_RET_DATA) r.error(at('defaultErrnoRet'), `must be at most ${MAX_RET_DATA}`);
  (s.syscalls ?? []).forEach((sc: any, i: number) => {
    if (sc.errnoRet !== undefined && !ERRNO_ACTIONS.has(sc.action)) {
      r.error(at('syscalls', i, 'errnoRet'), `is not allowed with action ${sc.action} (only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take an errno)`);
    }
    if (sc.errnoRet > MAX_RET_DATA) r.error(at('syscalls', i, 'errnoRet'), `must be at most ${MAX_RET_DATA}`);
    if (sc.action === NOTIFY && !s.listenerPath) r.error(at('syscalls', i, 'action'), `${NOTIFY} needs /linux/seccomp/listenerPath`);
    if (sc.action === NOTIFY) {
      (sc.names ?? []).forEach((n: string, j: number) => {
        if (NOTIFY_FORBIDDEN.includes(n)) r.error(at('syscalls', i, 'names', j), `${NOTIFY} cannot be used for ${n} (the init hands its listener over with it)`);
      });
    }
    (sc.args ?? []).forEach((a: any, j: number) => {
      if (a.index > 5) r.error(at('syscalls', i, 'args', j, 'index'), 'must be between 0 and 5 (a syscall has six arguments)');
    });
  });
}
