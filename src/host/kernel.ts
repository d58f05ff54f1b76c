import { readFileSync } from 'node:fs';

/** The running kernel's release (uname -r), e.g. "6.18.0-1-amd64". */
export function kernelRelease(): string {
  try {
    return readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim();
  } catch {
    return 'unknown';
  }
}
