import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const SCHEMAS = join(import.meta.dirname, '../../schemas');

/**
 * Every property path of config.json that berth's own schema (schemas/config.schema.json and the
 * files it references) describes, as JSON pointers with `*` for an array index or a map key:
 * `/linux/resources/memory/limit`, `/mounts/*\/destination`, `/linux/sysctl/*`.
 */
export function configPropertyPaths(): string[] {
  const docs = new Map<string, any>();
  const load = (file: string) => {
    if (!docs.has(file)) docs.set(file, JSON.parse(readFileSync(join(SCHEMAS, file), 'utf8')));
    return docs.get(file);
  };
  const out = new Set<string>();
  const walk = (file: string, node: any, path: string, refs: Set<string>): void => {
    if (!node || typeof node !== 'object') return;
    if (typeof node.$ref === 'string') {
      const [f, frag = ''] = node.$ref.split('#');
      const target = f || file;
      const key = `${target}#${frag}@${path}`;
      if (refs.has(key)) return;
      let n = load(target);
      for (const part of frag.split('/').filter(Boolean)) n = n[part];
      walk(target, n, path, new Set([...refs, key]));
    }
    for (const k of ['allOf', 'anyOf', 'oneOf']) for (const s of node[k] ?? []) walk(file, s, path, refs);
    for (const [k, v] of Object.entries<any>(node.properties ?? {})) {
      out.add(`${path}/${k}`);
      walk(file, v, `${path}/${k}`, refs);
    }
    const maps = [...Object.values<any>(node.patternProperties ?? {}), ...(node.additionalProperties && typeof node.additionalProperties === 'object' ? [node.additionalProperties] : [])];
    for (const v of maps) {
      out.add(`${path}/*`);
      walk(file, v, `${path}/*`, refs);
    }
    if (node.items) walk(file, node.items, `${path}/*`, refs);
  };
  walk('config.schema.json', load('config.schema.json'), '', new Set());
  return [...out];
}
