// How many values each entry point of each published package exports, read from the built ESM
// files (run after `pnpm build`). `pnpm check:packages` prints them and test/exports.test.ts pins
// them, so a public surface grows or shrinks only on purpose.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

const root = resolve(import.meta.dirname, '..')

/** The published packages (not private), sorted by folder name: `{ dir, manifest }`. */
export function publishedPackages() {
  const packagesDir = join(root, 'packages')
  return readdirSync(packagesDir)
    .sort()
    .map((name) => join(packagesDir, name))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
    .filter(({ manifest }) => !manifest.private)
}

/** `{ '@mx/cache': { '.': 21, './keyv': 4, ... }, ... }`, packages and entries sorted by name. */
export async function exportCounts() {
  const counts = {}
  for (const { dir, manifest } of publishedPackages()) {
    const entries = {}
    for (const [entry, target] of Object.entries(manifest.exports).sort(([a], [b]) =>
      a.localeCompare(b),
    )) {
      const file = target?.import?.default
      if (typeof file !== 'string') continue
      const module = await import(pathToFileURL(join(dir, file)).href)
      entries[entry] = Object.keys(module).filter((key) => key !== 'default').length
    }
    counts[manifest.name] = entries
  }
  return counts
}
