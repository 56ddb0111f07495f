import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { VersionRecord, VersionStore } from './types'

export interface VersionStoreSuiteOptions {
  /** Called after each test with the store it used (e.g. to remove a temp dir). */
  cleanup?: (store: VersionStore) => void | Promise<void>
}

/** A minimal valid record for `version` of `docId` whose element list is the blobs `chunks`. */
export function sampleRecord(
  docId: string,
  version: number,
  chunks: string[] = [],
  createdAt = version * 1000,
): VersionRecord {
  return {
    docId,
    version,
    parent: version === 1 ? null : version - 1,
    createdAt,
    kind: 'update',
    chunks,
    elementCount: chunks.length * 10,
    fingerprint: `fp-${chunks.join('-')}`,
    derived: { 'derived:count': { value: chunks.length, fingerprint: 'x', deps: [] } },
  }
}

/**
 * The conformance suite every `VersionStore` runs, ours and users': compare-and-swap commits,
 * reads, content-addressed blobs shared between versions, pruning and isolation of documents.
 */
export function versionStoreSuite(
  name: string,
  factory: () => VersionStore | Promise<VersionStore>,
  options: VersionStoreSuiteOptions = {},
): void {
  describe(`VersionStore conformance: ${name}`, () => {
    let store: VersionStore

    beforeEach(async () => {
      store = await factory()
    })
    afterEach(async () => {
      await store.close()
      await options.cleanup?.(store)
    })

    async function commit(docId: string, version: number, blobs: Record<string, unknown> = {}) {
      const results = Object.keys(blobs)
      return store.commit(docId, {
        base: version === 1 ? null : version - 1,
        record: sampleRecord(docId, version, results),
        blobs,
      })
    }

    it('reports no head and no documents before the first commit', async () => {
      expect(await store.head('doc')).toBeNull()
      expect(await store.documents()).toEqual([])
      expect(await store.list('doc')).toEqual([])
    })

    it('commits versions in sequence and reads them back unchanged', async () => {
      expect(await commit('doc', 1, { a: { words: 1 } })).toBe(1)
      expect(await commit('doc', 2, { b: [1, 2] })).toBe(2)
      expect(await store.head('doc')).toBe(2)
      expect(await store.read('doc', 1)).toEqual(sampleRecord('doc', 1, ['a']))
      expect(await store.read('doc', 2)).toEqual(sampleRecord('doc', 2, ['b']))
      expect((await store.list('doc')).map((info) => info.version)).toEqual([1, 2])
      expect(await store.documents()).toEqual(['doc'])
    })

    it('rejects a commit based on a stale version with MX_INCREMENTAL_VERSION_CONFLICT and keeps the winner', async () => {
      await commit('doc', 1, { a: 1 })
      await commit('doc', 2, { b: 2 })
      const stale = store.commit('doc', {
        base: 1,
        record: sampleRecord('doc', 2, ['c']),
        blobs: { c: 3 },
      })
      await expect(stale).rejects.toMatchObject({ code: 'MX_INCREMENTAL_VERSION_CONFLICT' })
      expect((await store.read('doc', 2)).chunks).toEqual(['b'])
      const fresh = store.commit('doc', { base: null, record: sampleRecord('doc', 1), blobs: {} })
      await expect(fresh).rejects.toMatchObject({ code: 'MX_INCREMENTAL_VERSION_CONFLICT' })
    })

    it('lets exactly one of two concurrent commits on the same base win', async () => {
      await commit('doc', 1, { a: 1 })
      const attempts = await Promise.allSettled(
        ['x', 'y'].map((key) =>
          store.commit('doc', {
            base: 1,
            record: sampleRecord('doc', 2, [key]),
            blobs: { [key]: key },
          }),
        ),
      )
      const won = attempts.filter((attempt) => attempt.status === 'fulfilled')
      const lost = attempts.filter((attempt) => attempt.status === 'rejected')
      expect(won).toHaveLength(1)
      expect(lost).toHaveLength(1)
      expect((lost[0] as PromiseRejectedResult).reason).toMatchObject({
        code: 'MX_INCREMENTAL_VERSION_CONFLICT',
      })
      expect(await store.head('doc')).toBe(2)
    })

    it('throws MX_INCREMENTAL_UNKNOWN_VERSION for a version that does not exist', async () => {
      await commit('doc', 1)
      await expect(store.read('doc', 7)).rejects.toMatchObject({
        code: 'MX_INCREMENTAL_UNKNOWN_VERSION',
      })
      await expect(store.read('other', 1)).rejects.toMatchObject({
        code: 'MX_INCREMENTAL_UNKNOWN_VERSION',
      })
    })

    it('rejects a record whose version is not base + 1', async () => {
      const bad = store.commit('doc', { base: null, record: sampleRecord('doc', 3), blobs: {} })
      await expect(bad).rejects.toMatchObject({ code: 'MX_INVALID_OPTION' })
      expect(await store.head('doc')).toBeNull()
    })

    it('serves blobs committed by earlier versions and leaves unknown keys out', async () => {
      await commit('doc', 1, { a: { text: 'one' }, b: null })
      await commit('doc', 2, { c: 'three' })
      const blobs = await store.blobs('doc', ['a', 'b', 'c', 'missing'])
      expect([...blobs.entries()]).toEqual([
        ['a', { text: 'one' }],
        ['b', null],
        ['c', 'three'],
      ])
      expect((await store.blobs('other', ['a'])).size).toBe(0)
    })

    it('returns copies: mutating what was read or committed does not change the store', async () => {
      const blob = { tags: ['x'] }
      await commit('doc', 1, { a: blob })
      blob.tags.push('mutated')
      const read = await store.read('doc', 1)
      read.chunks.push('zzz')
      expect((await store.read('doc', 1)).chunks).toEqual(['a'])
      expect((await store.blobs('doc', ['a'])).get('a')).toEqual({ tags: ['x'] })
    })

    it('prunes versions, never the latest, and deletes only blobs outside the live set', async () => {
      await commit('doc', 1, { a: 1, dead: 0 })
      await commit('doc', 2, { b: 2 })
      await commit('doc', 3, { c: 3 })
      const { blobsRemoved } = await store.prune('doc', {
        versions: [1, 2, 3],
        live: new Set(['a', 'c']),
      })
      expect(blobsRemoved).toBeGreaterThanOrEqual(2)
      expect((await store.list('doc')).map((info) => info.version)).toEqual([3])
      await expect(store.read('doc', 1)).rejects.toMatchObject({
        code: 'MX_INCREMENTAL_UNKNOWN_VERSION',
      })
      const blobs = await store.blobs('doc', ['a', 'b', 'c', 'dead'])
      expect([...blobs.keys()].sort()).toEqual(['a', 'c'])
      expect(await commit('doc', 4, { d: 4 })).toBe(4)
    })

    it('deletes one document without touching the others', async () => {
      await commit('a', 1, { x: 1 })
      await commit('b', 1, { y: 2 })
      await store.deleteDocument('a')
      expect(await store.documents()).toEqual(['b'])
      expect(await store.head('a')).toBeNull()
      expect((await store.blobs('b', ['y'])).get('y')).toBe(2)
      expect(await commit('a', 1, { z: 3 })).toBe(1)
    })

    it('accepts document ids with slashes, dots and non-ASCII characters', async () => {
      const ids = ['docs/guide/intro.md', '../escape', 'résumé ☃']
      for (const docId of ids) await commit(docId, 1, { k: docId })
      expect(await store.documents()).toEqual([...ids].sort())
      for (const docId of ids) expect((await store.blobs(docId, ['k'])).get('k')).toBe(docId)
    })
  })
}
