/**
 * `org.systemd.property.NAME` annotations → extra properties of the container's scope unit, as
 * runc sets them (its specconv initSystemdProps; docs/systemd.md "Auxiliary properties"): with
 * the systemd cgroup driver only (without it they are annotations like any other, as in runc).
 * NAME is at least three ASCII letters; the value is GVariant text (gvariant.ts), e.g.
 * `uint64 123456789` or `'inactive-or-failed'`. A NAME ending in "Sec" after a lowercase letter
 * (TimeoutStopSec, the spelling of systemd's unit files) becomes NAMEUSec with the number of
 * seconds turned into microseconds (uint64), as runc converts it. The properties go after
 * berth's own in StartTransientUnit, so one of the same name overrides berth's (as runc's do).
 * Pure.
 */
import { BerthError } from '../../errors.js';
import { variant, type DbusValue, type Variant } from './dbus/wire.js';
import { parseGVariant } from './gvariant.js';

export const SYSTEMD_PROPERTY_PREFIX = 'org.systemd.property.';

/** A JSON pointer token (RFC 6901). */
const pointerToken = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

function nameError(name: string): string | undefined {
  if (name.length < 3) return 'too short';
  if (!/^[A-Za-z]+$/.test(name)) return 'contains non-alphabetic character';
  return undefined;
}

/** Seconds (any numeric type) → microseconds, uint64 (wrapping as a Go conversion does). */
function secToUSec(v: Variant): Variant {
  const M = 1_000_000n;
  let usec: bigint;
  if (v.sig === 'd') usec = BigInt(Math.trunc((v.value as number) * 1e6));
  else if ('ynqiuxt'.includes(v.sig) && v.sig.length === 1) usec = BigInt(v.value as number | bigint) * M;
  else throw new Error('not a number');
  return variant('t', BigInt.asUintN(64, usec));
}

/** The extra scope properties of a config's annotations; an error names the annotation. */
export function annotationProperties(annotations: Record<string, unknown> | undefined): DbusValue[] {
  const props: DbusValue[] = [];
  for (const [key, raw] of Object.entries(annotations ?? {})) {
    if (!key.startsWith(SYSTEMD_PROPERTY_PREFIX)) continue;
    const at = `config.json: /annotations/${pointerToken(key)}`;
    let name = key.slice(SYSTEMD_PROPERTY_PREFIX.length);
    const bad = nameError(name);
    if (bad) throw new BerthError(`${at}: annotation ${key} name incorrect: ${bad}`);
    const text = String(raw);
    let value: Variant;
    try {
      value = parseGVariant(text);
      const m = /^(.*[a-z])Sec$/.exec(name);
      if (m) {
        name = `${m[1]}USec`;
        value = secToUSec(value);
      }
    } catch (e) {
      throw new BerthError(`${at}: annotation ${key}=${text} value parse error: ${(e as Error).message}`);
    }
    props.push([name, value]);
  }
  return props;
}
