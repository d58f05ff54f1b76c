let cell: Int32Array | undefined;

/**
 * Blocks the thread for ms milliseconds (cgroup operations and output retries are synchronous by
 * design). The SharedArrayBuffer Atomics.wait needs is made on first use: making one costs
 * ~1-2 ms of start-up under Bun, which every command that imported this would pay.
 */
export function sleepMs(ms: number): void {
  Atomics.wait((cell ??= new Int32Array(new SharedArrayBuffer(4))), 0, 0, ms);
}

/** Waits ms milliseconds without blocking the event loop. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
