/** One fact of `berth check` (schemas/check.schema.json). */
export interface CheckItem {
  id: string;
  title: string;
  /** ok: works; degraded: works with less; missing: does not work here; info: a fact. */
  status: 'ok' | 'degraded' | 'missing' | 'info';
  /** What berth sees. */
  detail: string;
  /** A default container (`berth spec`'s config) needs it: not ok makes the exit status 1. */
  required: boolean;
  /** What stops working (when not ok). */
  impact?: string;
  /** How to get it: the kernel option, sysctl, package or mount. */
  fix?: string;
  /** The probe's result, for scripts. */
  facts: Record<string, unknown>;
}

export interface CheckDocument {
  berthCheck: number;
  /** Every required item is ok: a default container can run. */
  ok: boolean;
  items: CheckItem[];
}

export const CHECK_FORMAT = 1;

export function checkDocument(items: CheckItem[]): CheckDocument {
  return { berthCheck: CHECK_FORMAT, ok: items.every((i) => !i.required || i.status === 'ok' || i.status === 'info'), items };
}
