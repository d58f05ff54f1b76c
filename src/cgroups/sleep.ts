const cell = new Int32Array(new SharedArrayBuffer(4));

/** Blocks the thread for ms milliseconds (the cgroup operations are synchronous by design). */
export function sleepMs(ms: number): void {
  Atomics.wait(cell, 0, 0, ms);
}
