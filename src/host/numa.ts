import { readFileSync } from 'node:fs';
import { parseIdList } from '../id-list.js';

/**
 * The host's online NUMA nodes (/sys/devices/system/node/online). A kernel built without NUMA
 * has no such file and one node, 0.
 */
export function onlineNumaNodes(): number[] {
  let text: string;
  try {
    text = readFileSync('/sys/devices/system/node/online', 'utf8');
  } catch {
    return [0];
  }
  return parseIdList(text);
}
