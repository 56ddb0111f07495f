// Every diagnostics_channel an mx package publishes on: declared once, named
// `mx:<package>:<what>` after the package that owns it, and documented in that package's README
// (users subscribe by name, so the README is where they find it).
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '..')
const declaration = /\b(?:channel|tracingChannel)\(\s*'(mx:[^']+)'/g

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(path)
    return entry.name.endsWith('.ts') ? [path] : []
  })
}

/** `[package folder, channel name, file]` for every channel declared in `packages/*\/src`. */
function declaredChannels(): Array<[string, string, string]> {
  const found: Array<[string, string, string]> = []
  for (const name of readdirSync(join(root, 'packages')).sort()) {
    const src = join(root, 'packages', name, 'src')
    let files: string[]
    try {
      files = sourceFiles(src)
    } catch {
      continue
    }
    for (const file of files)
      for (const match of readFileSync(file, 'utf8').matchAll(declaration))
        found.push([name, match[1] as string, file.slice(root.length + 1)])
  }
  return found
}

describe('diagnostics channels', () => {
  const channels = declaredChannels()

  it('are these, each declared once', () => {
    expect(channels.map(([, name]) => name).sort()).toEqual([
      'mx:alerts:notification',
      'mx:alerts:transition',
      'mx:cache:factory',
      'mx:cache:invalidate',
      'mx:memory:pool:acquire-timeout',
      'mx:memory:pool:leak',
      'mx:memory:pressure',
      'mx:profiler:span:end',
      'mx:profiler:span:start',
      'mx:workers:batch',
      'mx:workers:restart',
    ])
  })

  it('are named after the package that declares them, and its README documents each', () => {
    for (const [pkg, name, file] of channels) {
      expect(name.startsWith(`mx:${pkg}:`), `${name} in ${file}`).toBe(true)
      const readme = readFileSync(join(root, 'packages', pkg, 'README.md'), 'utf8')
      expect(readme.includes(`\`${name}\``), `${name} in packages/${pkg}/README.md`).toBe(true)
    }
  })
})
