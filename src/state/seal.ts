/**
 * Records under --root check themselves: the JSON object is written with a last member
 * `"sha256":"<hex>"`, the SHA-256 of the same text without that member. A truncated, garbled or
 * hand-edited file is then told apart from a record berth wrote, on every read, for the cost of
 * one hash (no second serialisation). The file stays plain JSON for people and tools.
 */
import { sha256 } from '../sha256.js';

const KEY = '"sha256":"';
/** `"sha256":"` + 64 hex digits + `"}`. */
const TAIL = KEY.length + 64 + 2;
const HEX = /^[0-9a-f]{64}$/;

/** The sealed text of a record (a plain object). */
export function seal(value: object): string {
  const body = JSON.stringify(value);
  const sep = body === '{}' ? '' : ',';
  return `${body.slice(0, -1)}${sep}${KEY}${sha256(body)}"}`;
}

/** The record in a sealed text, or what is wrong with the text (one short phrase). */
export function unseal(text: string): { value: unknown } | { damage: string } {
  if (text.length === 0) return { damage: 'empty file' };
  const at = text.length - TAIL;
  if (at < 1 || !text.endsWith('"}') || text.slice(at, at + KEY.length) !== KEY) return unsealed(text);
  const sum = text.slice(at + KEY.length, text.length - 2);
  if (!HEX.test(sum)) return { damage: 'malformed checksum' };
  const before = text[at - 1];
  if (before !== ',' && before !== '{') return { damage: 'malformed checksum member' };
  const body = `${text.slice(0, before === ',' ? at - 1 : at)}}`;
  if (sha256(body) !== sum) return { damage: 'checksum mismatch (the file was changed or damaged)' };
  try {
    return { value: JSON.parse(body) };
  } catch {
    return { damage: 'checksum matches but the JSON is invalid' };
  }
}

/**
 * A text without the checksum member: a record berth wrote before records were sealed (a
 * container that outlived an upgrade) is a whole JSON object without any `sha256` member, and
 * is taken as it is (the shape check still applies; the next write seals it). Anything else
 * is damage: text cut short is not JSON.
 */
function unsealed(text: string): { value: unknown } | { damage: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { damage: 'truncated or garbled (not JSON, no checksum at its end)' };
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && !('sha256' in value)) return { value };
  return { damage: 'no checksum at its end (not written by berth)' };
}
