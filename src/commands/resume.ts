import type { Globals } from '../cli/globals.js';
import { setFrozen } from './pause.js';

export default async function resume(g: Globals, a: Record<string, any>): Promise<number> {
  await setFrozen(g, a.id, false);
  return 0;
}
