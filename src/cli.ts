/**
 * berth on Node 24 (bin/berth-node, the bundle's entry; the single executable's entry is
 * src/compiled/main.ts): Node's compile cache, then the command line (src/cli/main.ts).
 */
import { enableCompileCache } from 'node:module';
enableCompileCache?.();

import { main } from './cli/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  () => {
    process.exitCode = 1;
  },
);
