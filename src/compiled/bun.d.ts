// Just what src/compiled/ uses of Bun's modules and loaders. Those files run only in the single
// executable (bun build --compile); tsc type-checks them against these declarations.

declare module 'bun:ffi' {
  export const FFIType: { readonly i32: number; readonly u32: number; readonly cstring: number; readonly ptr: number; readonly u64: number };
  export function ptr(view: ArrayBufferView): number;
  export const read: { i32(p: number, offset?: number): number };
  export function dlopen<S extends Record<string, { args: number[]; returns: number }>>(
    path: string,
    symbols: S,
  ): { symbols: { [K in keyof S]: (...args: unknown[]) => number }; close(): void };
}

/** A file embedded in the executable (`with { type: 'file' }`): its path inside Bun's $bunfs. */
declare module '*.node' {
  const path: string;
  export default path;
}
declare module '*/berth-init' {
  const path: string;
  export default path;
}
