// The subpath entries stay out of the main one: importing `@mx/cache` loads neither keyv nor
// unstorage (optional peers of `@mx/cache/keyv` and `@mx/cache/unstorage` only), and its types
// reference neither, so a TypeScript user without them gets no missing-module error. Checked on
// the built package (dist), as users load it.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dist = join(root, 'dist')

/** The packages whose files `require(specifier)` loads, from a child process in this package. */
function requiredPackages(specifier: string): string[] {
  const script = `require(${JSON.stringify(specifier)}); console.log(JSON.stringify(Object.keys(require.cache)))`
  const files: string[] = JSON.parse(
    execFileSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' }),
  )
  const names = files.map(
    (file) => /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules)/.exec(file)?.[1],
  )
  return [...new Set(names.filter((name): name is string => name !== undefined))].sort()
}

/** Every bare specifier a built file imports (statically or not), through its own chunks. */
function imports(file: string, seen = new Set<string>()): Set<string> {
  const found = new Set<string>()
  for (const match of readFileSync(file, 'utf8').matchAll(
    /(?:^|\s)(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|\bimport\s*\(?\s*['"]([^'"]+)['"]/g,
  )) {
    const specifier = match[1] ?? match[2]
    if (!specifier) continue
    if (specifier.startsWith('.')) {
      // Declaration files name their chunks by the JavaScript file they describe.
      const declared = file.endsWith('.d.ts')
        ? specifier.replace(/\.js$/, '.d.ts')
        : file.endsWith('.d.cts')
          ? specifier.replace(/\.cjs$/, '.d.cts')
          : specifier
      const next = join(dirname(file), declared)
      if (seen.has(next)) continue
      seen.add(next)
      for (const inner of imports(next, seen)) found.add(inner)
    } else if (!specifier.startsWith('node:') && !builtinModules.includes(specifier)) {
      found.add(specifier)
    }
  }
  return found
}

const sorted = (set: Set<string>) => [...set].sort()

describe('package entries', () => {
  it('the main entry imports neither keyv nor unstorage, nor lmdb (ESM build and types), and its types no optional peer', () => {
    // lmdb is an optional peer that diskTier() requires when it is called.
    expect(sorted(imports(join(dist, 'index.js')))).toEqual([
      'eventemitter3',
      'ioredis',
      'lru-cache',
    ])
    // ioredis is loaded on first use; its client is typed structurally (`RedisClient`), so a
    // TypeScript project without ioredis compiles with `skipLibCheck` off.
    expect(sorted(imports(join(dist, 'index.d.ts')))).toEqual(['lru-cache'])
    expect(sorted(imports(join(dist, 'index.d.cts')))).toEqual(['lru-cache'])
  })

  it('require("@mx/cache") loads neither keyv nor unstorage, nor lmdb', () => {
    const loaded = requiredPackages('@mx/cache')
    expect(loaded).toContain('lru-cache')
    expect(
      loaded.filter((name) => /keyv|unstorage|cache-manager|cacheable|lmdb/.test(name)),
    ).toEqual([])
  })

  it('each subpath loads its own peer, and no disk tier', () => {
    expect(sorted(imports(join(dist, 'keyv.js')))).toEqual(['eventemitter3', 'keyv', 'lru-cache'])
    expect(sorted(imports(join(dist, 'unstorage.js')))).toEqual([
      'eventemitter3',
      'lru-cache',
      'unstorage',
    ])
    // keyv itself is imported on the first createKeyv() call, not when the module loads.
    expect(requiredPackages('@mx/cache/keyv')).not.toContain('keyv')
  })
})
