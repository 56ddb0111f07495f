// A release, rehearsed on a fresh clone of this commit: install, `pnpm version-packages` (the
// pending changesets become versions and changelogs, and the lockfile follows), then pack every
// published package WITHOUT a build first. Each tarball must be complete (its build, types,
// README, LICENSE and changelog), name its @mx dependencies by real versions (no `workspace:`),
// and the lockfile must still satisfy a frozen install: what CI and `changeset publish` would do.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { publishedPackages } from '../scripts/export-counts.mjs'

const root = resolve(import.meta.dirname, '..')
const work = mkdtempSync(join(tmpdir(), 'mx-release-'))
const clone = join(work, 'repo')
const packed = join(work, 'tarballs')
const names = publishedPackages().map(({ manifest }) => manifest.name as string)

function pnpm(args: string[], cwd = clone): string {
  return execFileSync('npx', ['--yes', 'pnpm@10.34.8', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

const manifest = (dir: string) => JSON.parse(readFileSync(join(clone, dir, 'package.json'), 'utf8'))
const tarballs = new Map<string, string[]>()

beforeAll(() => {
  execFileSync('git', ['clone', '--quiet', '--no-local', root, clone])
  pnpm(['install', '--frozen-lockfile', '--prefer-offline'])
  // One changeset of our own, so that the rehearsal bumps something whatever is pending.
  writeFileSync(
    join(clone, '.changeset', 'release-rehearsal.md'),
    '---\n"@mx/cache": minor\n---\n\nRehearsal: a minor change of @mx/cache.\n',
  )
  pnpm(['version-packages'])
  pnpm(['-r', '--filter', './packages/*', 'pack', '--pack-destination', packed])
  for (const file of readdirSync(packed)) {
    const list = execFileSync('tar', ['-tzf', join(packed, file)], { encoding: 'utf8' })
    tarballs.set(file, list.trim().split('\n'))
  }
}, 900_000)

afterAll(() => rmSync(work, { recursive: true, force: true }))

/** The file list of `name`'s tarball (`@mx/cache` → `mx-cache-<version>.tgz`). */
function filesOf(name: string): string[] {
  const prefix = `${name.replace('@', '').replace('/', '-')}-`
  const file = [...tarballs.keys()].find(
    (f) => f.startsWith(prefix) && /^\d/.test(f.slice(prefix.length)),
  )
  if (!file) throw new Error(`no tarball for ${name} among ${[...tarballs.keys()].join(', ')}`)
  return tarballs.get(file) as string[]
}

/** The package.json inside `name`'s tarball. */
function packedManifest(name: string) {
  const prefix = `${name.replace('@', '').replace('/', '-')}-`
  const file = readdirSync(packed).find((f) => f.startsWith(prefix)) as string
  return JSON.parse(
    execFileSync('tar', ['-xzOf', join(packed, file), 'package/package.json'], {
      encoding: 'utf8',
    }),
  )
}

describe('release rehearsal on a fresh clone', () => {
  it('versions the packages from the changesets, with changelogs, and consumes them', () => {
    const cache = manifest('packages/cache')
    expect(cache.version).not.toBe(
      JSON.parse(readFileSync(join(root, 'packages/cache/package.json'), 'utf8')).version,
    )
    const changelog = readFileSync(join(clone, 'packages/cache/CHANGELOG.md'), 'utf8')
    expect(changelog).toContain(`## ${cache.version}`)
    expect(changelog).toContain('Rehearsal: a minor change of @mx/cache.')
    const left = readdirSync(join(clone, '.changeset')).filter((f) => f.endsWith('.md'))
    expect(left).toEqual(['README.md'])
    // The engine's range on @mx/cache moves with it (updateInternalDependencies).
    expect(manifest('packages/engine').dependencies['@mx/cache']).toBe(
      `workspace:^${cache.version}`,
    )
  })

  it('leaves a lockfile that a frozen install accepts', () => {
    expect(() => pnpm(['install', '--frozen-lockfile', '--offline'])).not.toThrow()
  })

  it.each(names)('packs %s complete without a build first', (name) => {
    const files = filesOf(name)
    for (const file of ['package/package.json', 'package/README.md', 'package/LICENSE'])
      expect(files).toContain(file)
    expect(files).toContain('package/dist/index.js')
    expect(files).toContain('package/dist/index.cjs')
    expect(files).toContain('package/dist/index.d.ts')
    expect(files).toContain('package/dist/index.d.cts')
    if (existsSync(join(clone, 'packages', name.slice('@mx/'.length), 'CHANGELOG.md')))
      expect(files).toContain('package/CHANGELOG.md')
  })

  it.each(names)('names the real versions of its @mx dependencies in %s', (name) => {
    const packedPkg = packedManifest(name)
    expect(JSON.stringify(packedPkg)).not.toContain('workspace:')
    for (const field of ['dependencies', 'peerDependencies'] as const) {
      for (const [dep, range] of Object.entries(
        (packedPkg[field] ?? {}) as Record<string, string>,
      )) {
        if (!dep.startsWith('@mx/')) continue
        expect(range).toBe(`^${manifest(`packages/${dep.slice('@mx/'.length)}`).version}`)
      }
    }
  })
})
