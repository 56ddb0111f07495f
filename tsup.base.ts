import { defineConfig, type Options } from 'tsup'

/**
 * The one build config every package shares: ESM + CJS + types (`.d.ts` and `.d.cts`),
 * Node 20 target, no bundling of dependencies except the private kernel (`tooling/kernel`,
 * never published), which each package inlines, code and types, so it still installs alone.
 * A package passes only its entry points.
 */
export function packageConfig(entry: Record<string, string>, overrides: Options = {}) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: { resolve: ['@mx/kernel'] },
    noExternal: ['@mx/kernel'],
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
