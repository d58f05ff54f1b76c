/**
 * Seccomp argument values are uint64, and JSON.parse rounds integers above 2^53. The reviver
 * records the source text of every such integer against the object that holds it; after
 * validation (which wants numbers), `keepExactSeccompValues` puts the exact decimal strings into
 * linux.seccomp's args, which src/seccomp/plan.ts reads as BigInt and state.json keeps as text.
 */
const exact = new WeakMap<object, Record<string, string>>();

export function recordUnsafeIntegers(this: unknown, key: string, value: unknown, context?: { source?: string }): unknown {
  if (typeof value === 'number' && !Number.isSafeInteger(value) && typeof this === 'object' && this !== null && /^\d+$/.test(context?.source ?? '')) {
    const rec = exact.get(this) ?? {};
    rec[key] = context!.source!;
    exact.set(this, rec);
  }
  return value;
}

export function keepExactSeccompValues(config: any): void {
  for (const sc of config?.linux?.seccomp?.syscalls ?? []) {
    for (const a of sc?.args ?? []) {
      const rec = a && typeof a === 'object' ? exact.get(a) : undefined;
      if (!rec) continue;
      for (const k of ['value', 'valueTwo']) if (rec[k] !== undefined) a[k] = rec[k];
    }
  }
}
