/** The shape of errors the addon (and node:fs) throws: see addon/src/errors.h. */
export interface NativeError extends Error {
  /** errno number, e.g. 2 */
  errno: number;
  /** errno name, e.g. "ENOENT" ("EUNKNOWN" when the C library has no name for it) */
  code: string;
  /** the failed call, e.g. "open" or "pidfd_send_signal" */
  syscall: string;
  /** the path or object involved, when there is one */
  path?: string;
}

/** True when e is an errno error (from the addon or node:fs) whose code is `code`, e.g. 'ESRCH'. */
export function isErrno(e: unknown, code: string): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === code;
}

/** The init's report `error\t<op index>\t<syscall>\t<errno>\t<detail>`, thrown by startContainer. */
export interface InitReportError extends Error {
  initError: string;
}

/** True when e is startContainer's error for an init that reported a failure. */
export function isInitReport(e: unknown): e is InitReportError {
  return typeof e === 'object' && e !== null && typeof (e as { initError?: unknown }).initError === 'string';
}
