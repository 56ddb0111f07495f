#!/usr/bin/env node
// Stand-alone install check: packs every published package with pnpm (which rewrites
// `workspace:` ranges), installs each tarball with npm into an empty project outside the
// workspace, then imports it from ESM and requires it from CJS and checks its named exports
// against the barrel in src/index.ts. A leaf package must not pull in any other @mx/* package.
import { execFileSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { publishedPackages } from './export-counts.mjs'

const work = mkdtempSync(join(tmpdir(), 'mx-standalone-'))
const tarballs = join(work, 'tarballs')
mkdirSync(tarballs)
const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
const pnpm = process.env.npm_execpath?.includes('pnpm')
  ? [process.execPath, [process.env.npm_execpath]]
  : ['npx', ['--yes', 'pnpm@10.34.8']]

/** Value names exported by a barrel: `export { a, b as c } from './x'`, not `export type`. */
function barrelExports(file) {
  const source = readFileSync(file, 'utf8')
  const names = []
  for (const match of source.matchAll(/export\s+(type\s+)?\{([^}]*)\}/g)) {
    if (match[1]) continue
    for (const part of match[2].split(',')) {
      const spec = part.trim()
      if (!spec || spec.startsWith('type ')) continue
      names.push(
        spec
          .split(/\s+as\s+/)
          .pop()
          .trim(),
      )
    }
  }
  for (const match of source.matchAll(/export\s+(?:async\s+)?(?:function|const|class)\s+(\w+)/g)) {
    names.push(match[1])
  }
  return names.sort()
}

const packages = publishedPackages()

const tarballOf = new Map()
for (const { dir, manifest } of packages) {
  const out = run(pnpm[0], [...pnpm[1], 'pack', '--pack-destination', tarballs], dir)
  const file = out.trim().split('\n').pop().trim()
  tarballOf.set(manifest.name, file)
  console.log(`packed ${manifest.name} → ${file}`)
}

/** Native addons (`.node` files) under `dir`, as paths relative to it. */
function nativeAddons(dir, found = [], base = dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) nativeAddons(path, found, base)
    else if (entry.name.endsWith('.node')) found.push(path.slice(base.length + 1))
  }
  return found
}

/**
 * `@mx/cache` alone installs no native module (`lmdb` is an optional peer that only `diskTier()`
 * loads): the memory tier works from import and require, and `diskTier()` and `redisTier()`
 * throw `MX_CACHE_MISSING_PEER` with the install command (lmdb, ioredis).
 */
function checkNoNativeModule(project) {
  const addons = nativeAddons(join(project, 'node_modules'))
  if (addons.length > 0) throw new Error(`native modules installed: ${addons.join(', ')}`)
  const script = (load) => `
    const { createCache, diskTier, memoryTier, redisTier } = ${load}
    const cache = createCache({ namespace: 'standalone', tiers: [memoryTier()] })
    await cache.set('k', 1)
    if ((await cache.get('k')) !== 1) throw new Error('memory tier read back wrong')
    await cache.close()
    try {
      diskTier({ dir: 'disk-cache' })
      throw new Error('diskTier() without lmdb did not throw')
    } catch (error) {
      if (error.code !== 'MX_CACHE_MISSING_PEER' || !error.message.includes('npm i lmdb')) throw error
    }
    try {
      redisTier({ url: 'redis://127.0.0.1:6379' })
      throw new Error('redisTier() without ioredis did not throw')
    } catch (error) {
      if (error.code !== 'MX_CACHE_MISSING_PEER' || !error.message.includes('npm i ioredis')) throw error
    }
    console.log('ok')`
  run(process.execPath, ['--input-type=module', '-e', script(`await import('@mx/cache')`)], project)
  run(
    process.execPath,
    [
      '-e',
      `(async () => { ${script(`require('@mx/cache')`)} })().catch((e) => { console.error(e); process.exit(1) })`,
    ],
    project,
  )
  console.log(
    '  ok: no native module installed; diskTier() asks for lmdb and redisTier() for ioredis (MX_CACHE_MISSING_PEER)',
  )
}

/** `@mx/engine` brings `lmdb` for the disk tier it builds: `@mx/cache` finds it as its peer. */
function checkEngineDisk(project) {
  run(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const { createCache, diskTier } = await import('@mx/cache')
      const cache = createCache({ namespace: 'standalone', tiers: [diskTier({ dir: 'disk-cache' })] })
      await cache.set('k', { n: 1 })
      if ((await cache.get('k'))?.n !== 1) throw new Error('disk tier read back wrong')
      await cache.close()`,
    ],
    project,
  )
  console.log('  ok: the disk tier works with the lmdb that @mx/engine brings')
}

const failures = []
for (const { dir, manifest } of packages) {
  const name = manifest.name
  const project = join(work, name.replace('/', '__'))
  mkdirSync(project)
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true }))
  const internal = Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies }).filter(
    (dep) => dep.startsWith('@mx/'),
  )
  const install = [tarballOf.get(name), ...internal.map((dep) => tarballOf.get(dep))]
  try {
    console.log(`\n▶ ${name}: npm install ${install.length} tarball(s) into ${project}`)
    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...install], project)

    const installedMx = existsSync(join(project, 'node_modules', '@mx'))
      ? readdirSync(join(project, 'node_modules', '@mx')).map((n) => `@mx/${n}`)
      : []
    const expectedMx = [name, ...internal].sort()
    if (JSON.stringify(installedMx.sort()) !== JSON.stringify(expectedMx)) {
      throw new Error(
        `installed @mx packages ${installedMx.join(', ')}; expected ${expectedMx.join(', ')}`,
      )
    }

    const expected = barrelExports(join(dir, 'src', 'index.ts'))
    const esm = JSON.parse(
      run(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const m = await import(${JSON.stringify(name)}); console.log(JSON.stringify(Object.keys(m).filter((k) => k !== 'default').sort()))`,
        ],
        project,
      ),
    )
    const cjs = JSON.parse(
      run(
        process.execPath,
        [
          '-e',
          `console.log(JSON.stringify(Object.keys(require(${JSON.stringify(name)})).filter((k) => k !== 'default' && k !== '__esModule').sort()))`,
        ],
        project,
      ),
    )
    const missingEsm = expected.filter((n) => !esm.includes(n))
    const missingCjs = expected.filter((n) => !cjs.includes(n))
    if (missingEsm.length || missingCjs.length) {
      throw new Error(`missing exports: ESM [${missingEsm}] CJS [${missingCjs}]`)
    }
    console.log(`  ok: ${esm.length} named exports from import and require (${esm.join(', ')})`)
    // What every tarball ships besides the build: the README and the license.
    const listed = run('tar', ['-tzf', tarballOf.get(name)], work).split('\n')
    const absent = ['package/README.md', 'package/LICENSE'].filter((f) => !listed.includes(f))
    if (absent.length > 0) throw new Error(`the tarball lacks ${absent.join(', ')}`)
    console.log('  ok: the tarball has README.md and LICENSE')
    if (name === '@mx/cache') checkNoNativeModule(project)
    if (name === '@mx/engine') checkEngineDisk(project)
  } catch (error) {
    const detail = error.stderr ? `${error.message}\n${error.stderr}` : error.message
    failures.push(`${name}: ${detail}`)
    console.error(`  FAILED: ${detail}`)
  }
}

rmSync(work, { recursive: true, force: true })
if (failures.length > 0) {
  console.error(`\ncheck:standalone failed for ${failures.length} package(s)`)
  process.exit(1)
}
console.log(`\ncheck:standalone: all ${packages.length} packages install and load alone`)
