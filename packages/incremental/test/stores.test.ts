import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from '@mx/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { fsStore, memoryStore, type VersionStore } from '../src/index'
import { sampleRecord, versionStoreSuite } from '../src/test-suite'

versionStoreSuite('memoryStore', () => memoryStore())

const dirs = new Map<VersionStore, { remove(): void }>()
versionStoreSuite(
  'fsStore',
  () => {
    const dir = tempDir('mx-incremental-suite-')
    const store = fsStore({ dir: dir.path })
    dirs.set(store, dir)
    return store
  },
  { cleanup: (store) => dirs.get(store)?.remove() },
)

describe('fsStore', () => {
  const temps: Array<{ remove(): void }> = []
  afterEach(() => {
    for (const temp of temps.splice(0)) temp.remove()
  })
  function open() {
    const dir = tempDir('mx-incremental-fs-')
    temps.push(dir)
    return { dir: dir.path, store: fsStore({ dir: dir.path }) }
  }
  const fileOf = (dir: string, version: number) => {
    const docs = join(dir, 'docs')
    const [first] = readdirSync(docs).filter((name) => name.startsWith('d'))
    return join(docs, first as string, `v${version}.json`)
  }

  it('needs a directory', () => {
    expect(() => fsStore({ dir: '' })).toThrow('fsStore needs options.dir, a directory path')
  })

  it('serves what another instance on the same directory committed', async () => {
    const { dir, store } = open()
    await store.commit('doc', {
      base: null,
      record: sampleRecord('doc', 1, ['a']),
      blobs: { a: 'A' },
    })
    const other = fsStore({ dir })
    expect(await other.head('doc')).toBe(1)
    expect((await other.blobs('doc', ['a'])).get('a')).toBe('A')
    const stale = store.commit('doc', { base: null, record: sampleRecord('doc', 1), blobs: {} })
    await expect(stale).rejects.toMatchObject({ code: 'MX_INCREMENTAL_VERSION_CONFLICT' })
  })

  it('reports a flipped byte as MX_INCREMENTAL_STORE_CORRUPT without breaking other documents', async () => {
    const { dir, store } = open()
    await store.commit('bad', {
      base: null,
      record: sampleRecord('bad', 1, ['k']),
      blobs: { k: 'v' },
    })
    const file = fileOf(dir, 1)
    const bytes = readFileSync(file, 'utf8')
    writeFileSync(file, bytes.replace('"derived"', '"derivex"'))
    await store.commit('good', {
      base: null,
      record: sampleRecord('good', 1, ['g']),
      blobs: { g: 1 },
    })
    const fresh = fsStore({ dir })
    await expect(fresh.read('bad', 1)).rejects.toMatchObject({
      code: 'MX_INCREMENTAL_STORE_CORRUPT',
    })
    expect((await fresh.blobs('bad', ['k'])).size).toBe(0)
    expect(await fresh.read('good', 1)).toEqual(sampleRecord('good', 1, ['g']))
    expect(await fresh.documents()).toEqual(['bad', 'good'])
  })

  it('reports a truncated file as MX_INCREMENTAL_STORE_CORRUPT', async () => {
    const { dir, store } = open()
    await store.commit('doc', { base: null, record: sampleRecord('doc', 1), blobs: {} })
    writeFileSync(fileOf(dir, 1), readFileSync(fileOf(dir, 1), 'utf8').slice(0, 30))
    await expect(fsStore({ dir }).read('doc', 1)).rejects.toMatchObject({
      code: 'MX_INCREMENTAL_STORE_CORRUPT',
    })
  })

  it('keeps live blobs of pruned versions readable by a fresh instance', async () => {
    const { dir, store } = open()
    await store.commit('doc', {
      base: null,
      record: sampleRecord('doc', 1, ['a']),
      blobs: { a: 1 },
    })
    await store.commit('doc', {
      base: 1,
      record: sampleRecord('doc', 2, ['a', 'b']),
      blobs: { b: 2 },
    })
    await store.prune('doc', { versions: [1], live: new Set(['a', 'b']) })
    const fresh = fsStore({ dir })
    expect([...(await fresh.blobs('doc', ['a', 'b'])).entries()]).toEqual([
      ['a', 1],
      ['b', 2],
    ])
    expect((await fresh.list('doc')).map((info) => info.version)).toEqual([2])
  })
})
