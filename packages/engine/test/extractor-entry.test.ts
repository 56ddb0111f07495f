// `@mx/engine/extractor` is the light entry for extractor modules: importing it must load no
// leaf package. Checked on the built package (dist), as users and worker threads load it.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const dist = join(root, 'dist')

/** The files `require(specifier)` loads from a child process in this package, by path. */
function requiredFiles(specifier: string): string[] {
  const script = `require(${JSON.stringify(specifier)}); console.log(JSON.stringify(Object.keys(require.cache)))`
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: root, encoding: 'utf8' }))
}

/** Every specifier the ESM build of `file` imports, transitively through its own chunks. */
function esmImports(file: string, seen = new Set<string>()): Set<string> {
  const found = new Set<string>()
  for (const [, specifier] of readFileSync(file, 'utf8').matchAll(
    /(?:^|\s)(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|\bimport\s*\(?\s*['"]([^'"]+)['"]/g,
  )) {
    if (!specifier) continue
    if (specifier.startsWith('.')) {
      const next = join(dirname(file), specifier)
      if (seen.has(next)) continue
      seen.add(next)
      for (const inner of esmImports(next, seen)) found.add(inner)
    } else found.add(specifier)
  }
  return found
}

const builtin = (specifier: string) =>
  specifier.startsWith('node:') || builtinModules.includes(specifier)

describe('@mx/engine/extractor', () => {
  it('loads only its own two files when required (CommonJS), where the main entry loads the leaf packages', () => {
    const light = requiredFiles('@mx/engine/extractor')
    expect(light.every((file) => file.startsWith(dist))).toBe(true)
    expect(light).toHaveLength(2) // the entry and the chunk it shares with the main entry
    const full = requiredFiles('@mx/engine')
    expect(
      full.some((file) => file.includes(`${join('packages', 'cache')}`) || file.includes('@mx')),
    ).toBe(true)
    expect(full.length).toBeGreaterThan(20)
  })

  it('imports nothing but Node built-ins in its ESM build', () => {
    const imports = [...esmImports(join(dist, 'extractor-entry.js'))]
    expect(imports.filter((specifier) => !builtin(specifier))).toEqual([])
    // The main entry, for contrast, imports the leaf packages.
    expect([...esmImports(join(dist, 'index.js'))]).toEqual(
      expect.arrayContaining(['@mx/cache', '@mx/workers']),
    )
  })

  it('exports defineExtractor with the same checks as the main entry', async () => {
    const light = await import('@mx/engine/extractor')
    const definition = {
      name: 'x',
      version: '1',
      parse: () => [],
      element: () => ({}),
      document: () => ({}),
    }
    expect(Object.isFrozen(light.defineExtractor(definition))).toBe(true)
    expect(() => light.defineExtractor({ ...definition, version: '' })).toThrow(
      light.InvalidOptionError,
    )
  })
})
