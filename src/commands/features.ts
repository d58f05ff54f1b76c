import type { Globals } from '../cli/globals.js';
import { features } from '../features/features.js';
import { stdout } from '../cli/output.js';

export default function featuresCommand(_g: Globals, _a: Record<string, any>): number {
  stdout(JSON.stringify(features(), null, '    ') + '\n');
  return 0;
}
