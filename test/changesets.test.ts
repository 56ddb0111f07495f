import { execFileSync } from 'node:child_process'
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '..')
const skipped = new Set(['node_modules', 'dist', '.turbo', '.git', 'coverage'])
const copy = mkdtempSync(join(tmpdir(), 'mx-changesets-'))

const readJson = (path: string) => JSON.parse(readFileSync(join(copy, path), 'utf8'))

describe('changesets release flow', () => {
  afterAll(() => rmSync(copy, { recursive: true, force: true }))

  it('bumps the changed package, writes its CHANGELOG and updates the ranges of its dependents', () => {
    cpSync(root, copy, { recursive: true, filter: (src) => !skipped.has(basename(src)) })
    // Start from a clean slate: only this test's changeset is pending.
    for (const file of readdirSync(join(copy, '.changeset'))) {
      if (file.endsWith('.md') && file !== 'README.md') rmSync(join(copy, '.changeset', file))
    }
    const before = readJson('packages/cache/package.json').version as string
    const engineBefore = readJson('packages/engine/package.json')
    expect(engineBefore.dependencies['@mx/cache']).toBe(`workspace:^${before}`)

    writeFileSync(
      join(copy, '.changeset', 'test-cache-minor.md'),
      '---\n"@mx/cache": minor\n---\n\nAdd a feature the changesets test looks for.\n',
    )
    execFileSync(join(root, 'node_modules', '.bin', 'changeset'), ['version'], {
      cwd: copy,
      stdio: 'pipe',
    })

    const cache = readJson('packages/cache/package.json')
    const [major, minor] = before.split('.').map(Number)
    expect(cache.version).toBe(`${major}.${(minor ?? 0) + 1}.0`)
    const changelog = readFileSync(join(copy, 'packages/cache/CHANGELOG.md'), 'utf8')
    expect(changelog).toContain(`## ${cache.version}`)
    expect(changelog).toContain('Add a feature the changesets test looks for.')
    expect(existsSync(join(copy, '.changeset', 'test-cache-minor.md'))).toBe(false)

    const engine = readJson('packages/engine/package.json')
    expect(engine.dependencies['@mx/cache']).toBe(`workspace:^${cache.version}`)
    expect(engine.version).not.toBe(engineBefore.version)
    expect(readFileSync(join(copy, 'packages/engine/CHANGELOG.md'), 'utf8')).toContain(
      `@mx/cache@${cache.version}`,
    )

    // A package nobody changed keeps its version.
    expect(readJson('packages/alerts/package.json').version).toBe(
      JSON.parse(readFileSync(join(root, 'packages/alerts/package.json'), 'utf8')).version,
    )
  })
})
