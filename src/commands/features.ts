import type { Globals } from '../cli/globals.js';
import { features } from '../features/features.js';

export default function featuresCommand(_g: Globals, _a: Record<string, any>): number {
  process.stdout.write(JSON.stringify(features(), null, '    ') + '\n');
  return 0;
}
