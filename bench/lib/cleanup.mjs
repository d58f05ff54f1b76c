// Everything the bench makes registers how to remove it; the steps run last-in first-out once,
// at the end of the run, whether it succeeded or not, each step on its own (one failing does
// not stop the others). SIGINT/SIGTERM/SIGHUP make the next checkpoint() of the measuring code
// throw Aborted, so the run unwinds into that same cleanup; a second signal cleans up at once.
const steps = [];
let running;
let abortedBy;

export class Aborted extends Error {}

export function onCleanup(what, fn) {
  steps.push({ what, fn });
}

/** Called by the measuring code (never by a cleanup step) between the things it starts. */
export function checkpoint() {
  if (abortedBy) throw new Aborted(`stopped by ${abortedBy}`);
}

export function cleanupAll() {
  running ??= (async () => {
    while (steps.length) {
      const { what, fn } = steps.pop();
      try {
        await fn();
      } catch (e) {
        console.error(`bench: cleanup of ${what} failed: ${e.message}`);
      }
    }
  })();
  return running;
}

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    process.exitCode = 130;
    if (!abortedBy) {
      abortedBy = sig;
      console.error(`bench: ${sig}: stopping, then cleaning up (again to clean up now)`);
      return;
    }
    cleanupAll().then(() => process.exit(130));
  });
}
