import { defineConfig, type Options } from 'tsup'

/**
 * The one build config every package shares: ESM + CJS + types (`.d.ts` and `.d.cts`),
 * Node 20 target, no bundling of dependencies. The private kernel (`tooling/kernel`, never
 * published) is reached by a relative import (each package's `src/kernel.ts`), so it is inlined,
 * code and types. A package passes only its entry points.
 */
export function packageConfig(entry: Record<string, string>, overrides: Options = {}) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node20',
    platform: 'node',
    splitting: true,
    treeshake: true,
    shims: true,
    ...overrides,
  })
}
