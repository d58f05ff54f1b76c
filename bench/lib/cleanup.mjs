// Everything the bench makes registers how to remove it; the steps run last-in first-out at the
// end, on a thrown error and on SIGINT/SIGTERM/SIGHUP, each step on its own (one failing does
// not stop the others).
const steps = [];
let running;

export function onCleanup(what, fn) {
  steps.push({ what, fn });
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
    console.error(`bench: ${sig}, cleaning up`);
    cleanupAll().then(() => process.exit(130));
  });
}
