import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { tempDir } from '@mx/testkit'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { installedDocuments } from '../src/index.mjs'

/** Writes `files` (path → content) under `root`, making the folders on the way. */
function write(root: string, files: Record<string, string>) {
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true })
    writeFileSync(join(root, file), content)
  }
}

const manifest = (name: string, version?: string) => JSON.stringify({ name, version })
const ids = (docs: { id: string }[]) => docs.map((doc) => doc.id)

describe('installedDocuments', () => {
  let root: ReturnType<typeof tempDir>
  const store = 'node_modules/.pnpm'

  beforeEach(() => {
    root = tempDir('mx-corpus-installed-')
    write(root.path, {
      // pnpm's layout: one folder per package and version, twice for two peer-dependency variants.
      [`${store}/zed@1.0.0_peer@1/node_modules/zed/package.json`]: manifest('zed', '1.0.0'),
      [`${store}/zed@1.0.0_peer@1/node_modules/zed/README.md`]: '# zed',
      [`${store}/zed@1.0.0_peer@2/node_modules/zed/package.json`]: manifest('zed', '1.0.0'),
      [`${store}/zed@1.0.0_peer@2/node_modules/zed/README.md`]: '# zed',
      [`${store}/@s+lib@2.0.0/node_modules/@s/lib/package.json`]: manifest('@s/lib', '2.0.0'),
      [`${store}/@s+lib@2.0.0/node_modules/@s/lib/readme.markdown`]: '# lib',
      [`${store}/@s+lib@2.0.0/node_modules/@s/lib/CHANGELOG.md`]: '# changes',
      [`${store}/@s+lib@2.0.0/node_modules/@s/lib/LICENSE.md`]: 'MIT',
      [`${store}/@s+lib@2.0.0/node_modules/@s/lib/docs/guide.md`]: '# guide',
      [`${store}/@s+lib@2.0.0/node_modules/@s/lib/docs/api/index.md`]: '# api',
      [`${store}/@s+lib@2.0.0/node_modules/@s/lib/docs/api/deeper/more/x.md`]: '# x',
      [`${store}/@s+lib@2.0.0/node_modules/@s/lib/docs/node_modules/skip.md`]: '# no',
      [`${store}/@s+lib@2.0.0/node_modules/@s/lib/doc/old.md`]: '# old',
      // No version: 0.0.0. No name, or no package.json: no package.
      [`${store}/bare@file/node_modules/bare/package.json`]: JSON.stringify({ name: 'bare' }),
      [`${store}/bare@file/node_modules/bare/README.md`]: '# bare',
      [`${store}/anon@1/node_modules/anon/package.json`]: JSON.stringify({ version: '1.0.0' }),
      [`${store}/anon@1/node_modules/anon/README.md`]: '# anon',
      [`${store}/loose@1/node_modules/loose/README.md`]: '# loose',
    })
    // The top-level link to a package of the store is the same package: listed once.
    mkdirSync(join(root.path, 'node_modules/@s'), { recursive: true })
    symlinkSync(
      join(root.path, `${store}/@s+lib@2.0.0/node_modules/@s/lib`),
      join(root.path, 'node_modules/@s/lib'),
    )
  })
  afterEach(() => root.remove())

  it('lists the README, CHANGELOG and the like and docs/ of each package, each id once, sorted by id', async () => {
    const docs = await installedDocuments(root.path)
    expect(ids(docs)).toEqual([
      '@s/lib@2.0.0/CHANGELOG.md',
      '@s/lib@2.0.0/docs/api/deeper/more/x.md',
      '@s/lib@2.0.0/docs/api/index.md',
      '@s/lib@2.0.0/docs/guide.md',
      'bare@0.0.0/README.md',
      'zed@1.0.0/README.md',
    ])
    expect(docs[3]?.path).toBe(
      join(root.path, `${store}/@s+lib@2.0.0/node_modules/@s/lib/docs/guide.md`),
    )
    // The first copy by real path stands for the package.
    expect(docs[5]?.path).toBe(
      join(root.path, `${store}/zed@1.0.0_peer@1/node_modules/zed/README.md`),
    )
  })

  it("order 'found' lists package by package, by real path, a package installed twice twice", async () => {
    write(root.path, { [`${store}/@s+lib@2.0.0/node_modules/@s/lib/README.md`]: '# lib' })
    const docs = await installedDocuments(root.path, { order: 'found', maxDepth: 1 })
    expect(ids(docs)).toEqual([
      '@s/lib@2.0.0/CHANGELOG.md',
      '@s/lib@2.0.0/README.md',
      '@s/lib@2.0.0/docs/api/index.md',
      '@s/lib@2.0.0/docs/guide.md',
      'bare@0.0.0/README.md',
      'zed@1.0.0/README.md',
      'zed@1.0.0/README.md',
    ])
  })

  it('takes the names, folders, extensions and walk options it is given', async () => {
    const docs = await installedDocuments(root.path, {
      names: /^readme\.(md|markdown)$/i,
      folders: ['doc'],
      extensions: ['.md', '.markdown'],
    })
    expect(ids(docs)).toEqual([
      '@s/lib@2.0.0/doc/old.md',
      '@s/lib@2.0.0/readme.markdown',
      'bare@0.0.0/README.md',
      'zed@1.0.0/README.md',
    ])
    const all = await installedDocuments(root.path, { folders: ['docs'], skip: [] })
    expect(ids(all)).toContain('@s/lib@2.0.0/docs/node_modules/skip.md')
  })

  it('lists nothing where nothing is installed', async () => {
    const empty = tempDir('mx-corpus-empty-')
    try {
      expect(await installedDocuments(empty.path)).toEqual([])
    } finally {
      empty.remove()
    }
  })
})
