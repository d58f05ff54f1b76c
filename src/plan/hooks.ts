import type { PlanOp } from './ops.js';

/** Hooks the init itself runs, in the container's namespaces (createContainer, startContainer). */
export function runHookOps(hooks: any[] | undefined, name: string): PlanOp[] {
  return (hooks ?? []).map((h: any, i: number) => {
    const args: string[] = h.args ?? [h.path];
    return {
      op: 'RUN_HOOK' as const,
      args: [name, h.path, String(h.timeout ?? 0), String(args.length), ...args, ...(h.env ?? [])],
      // runc's words for a failing hook ("error running hook"), naming which one.
      what: `error running hook: ${name} hook ${i} (${h.path})`,
      from: `/hooks/${name}/${i}`,
    };
  });
}

/**
 * The hook moment before pivot_root (config.md "Lifecycle"): the init stops and the runtime runs
 * prestart and createRuntime hooks in the runtime namespace and replies with the state JSON;
 * then the init runs createContainer hooks itself, in the container namespace. The init keeps
 * the state JSON for startContainer hooks too.
 */
export function hookOps(hooks: any): PlanOp[] {
  const any = ['prestart', 'createRuntime', 'createContainer', 'startContainer'].some((k) => (hooks?.[k]?.length ?? 0) > 0);
  if (!any) return [];
  return [
    { op: 'SYNC_HOOKS', args: ['createRuntime'], what: 'run prestart and createRuntime hooks', from: '/hooks' },
    ...runHookOps(hooks?.createContainer, 'createContainer'),
  ];
}
