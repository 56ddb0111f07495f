// The cases of `versionStoreSuite`, in groups that each register their tests inside the
// suite's describe block, in the order they run.
import { expect, it } from 'vitest'
import type { VersionRecord, VersionStore } from './store-types'

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

/** What the cases use: the store of the running test (a fresh one per test) and a commit helper. */
export interface SuiteContext {
  readonly store: VersionStore
  /** Commits `version` of `docId` on base `version - 1`, its element list the keys of `blobs`. */
  commit(docId: string, version: number, blobs?: Record<string, unknown>): Promise<number>
}

/** Heads, sequential commits and compare-and-swap: a stale or concurrent commit loses. */
export function commitCases(suite: SuiteContext): void {
  it('reports no head and no documents before the first commit', async () => {
    expect(await suite.store.head('doc')).toBeNull()
    expect(await suite.store.documents()).toEqual([])
    expect(await suite.store.list('doc')).toEqual([])
  })

  it('commits versions in sequence and reads them back unchanged', async () => {
    expect(await suite.commit('doc', 1, { a: { words: 1 } })).toBe(1)
    expect(await suite.commit('doc', 2, { b: [1, 2] })).toBe(2)
    expect(await suite.store.head('doc')).toBe(2)
    expect(await suite.store.read('doc', 1)).toEqual(sampleRecord('doc', 1, ['a']))
    expect(await suite.store.read('doc', 2)).toEqual(sampleRecord('doc', 2, ['b']))
    expect((await suite.store.list('doc')).map((info) => info.version)).toEqual([1, 2])
    expect(await suite.store.documents()).toEqual(['doc'])
  })

  it('rejects a commit based on a stale version with MX_INCREMENTAL_VERSION_CONFLICT and keeps the winner', async () => {
    await suite.commit('doc', 1, { a: 1 })
    await suite.commit('doc', 2, { b: 2 })
    const stale = suite.store.commit('doc', {
      base: 1,
      record: sampleRecord('doc', 2, ['c']),
      blobs: { c: 3 },
    })
    await expect(stale).rejects.toMatchObject({ code: 'MX_INCREMENTAL_VERSION_CONFLICT' })
    expect((await suite.store.read('doc', 2)).chunks).toEqual(['b'])
    const fresh = suite.store.commit('doc', {
      base: null,
      record: sampleRecord('doc', 1),
      blobs: {},
    })
    await expect(fresh).rejects.toMatchObject({ code: 'MX_INCREMENTAL_VERSION_CONFLICT' })
  })

  it('lets exactly one of two concurrent commits on the same base win', async () => {
    await suite.commit('doc', 1, { a: 1 })
    const attempts = await Promise.allSettled(
      ['x', 'y'].map((key) =>
        suite.store.commit('doc', {
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
    expect(await suite.store.head('doc')).toBe(2)
  })
}

/** Unknown versions, invalid records, and blobs: shared between versions, read back as copies. */
export function readCases(suite: SuiteContext): void {
  it('throws MX_INCREMENTAL_UNKNOWN_VERSION for a version that does not exist', async () => {
    await suite.commit('doc', 1)
    await expect(suite.store.read('doc', 7)).rejects.toMatchObject({
      code: 'MX_INCREMENTAL_UNKNOWN_VERSION',
    })
    await expect(suite.store.read('other', 1)).rejects.toMatchObject({
      code: 'MX_INCREMENTAL_UNKNOWN_VERSION',
    })
  })

  it('rejects a record whose version is not base + 1', async () => {
    const bad = suite.store.commit('doc', { base: null, record: sampleRecord('doc', 3), blobs: {} })
    await expect(bad).rejects.toMatchObject({ code: 'MX_INVALID_OPTION' })
    expect(await suite.store.head('doc')).toBeNull()
  })

  it('serves blobs committed by earlier versions and leaves unknown keys out', async () => {
    await suite.commit('doc', 1, { a: { text: 'one' }, b: null })
    await suite.commit('doc', 2, { c: 'three' })
    const blobs = await suite.store.blobs('doc', ['a', 'b', 'c', 'missing'])
    expect([...blobs.entries()]).toEqual([
      ['a', { text: 'one' }],
      ['b', null],
      ['c', 'three'],
    ])
    expect((await suite.store.blobs('other', ['a'])).size).toBe(0)
  })

  it('returns copies: mutating what was read or committed does not change the store', async () => {
    const blob = { tags: ['x'] }
    await suite.commit('doc', 1, { a: blob })
    blob.tags.push('mutated')
    const read = await suite.store.read('doc', 1)
    read.chunks.push('zzz')
    expect((await suite.store.read('doc', 1)).chunks).toEqual(['a'])
    expect((await suite.store.blobs('doc', ['a'])).get('a')).toEqual({ tags: ['x'] })
  })
}

/** Pruning, deleting a document, and document ids that are not safe file names. */
export function lifecycleCases(suite: SuiteContext): void {
  it('prunes versions, never the latest, and deletes only blobs outside the live set', async () => {
    await suite.commit('doc', 1, { a: 1, dead: 0 })
    await suite.commit('doc', 2, { b: 2 })
    await suite.commit('doc', 3, { c: 3 })
    const { blobsRemoved } = await suite.store.prune('doc', {
      versions: [1, 2, 3],
      live: new Set(['a', 'c']),
    })
    expect(blobsRemoved).toBeGreaterThanOrEqual(2)
    expect((await suite.store.list('doc')).map((info) => info.version)).toEqual([3])
    await expect(suite.store.read('doc', 1)).rejects.toMatchObject({
      code: 'MX_INCREMENTAL_UNKNOWN_VERSION',
    })
    const blobs = await suite.store.blobs('doc', ['a', 'b', 'c', 'dead'])
    expect([...blobs.keys()].sort()).toEqual(['a', 'c'])
    expect(await suite.commit('doc', 4, { d: 4 })).toBe(4)
  })

  it('deletes one document without touching the others', async () => {
    await suite.commit('a', 1, { x: 1 })
    await suite.commit('b', 1, { y: 2 })
    await suite.store.deleteDocument('a')
    expect(await suite.store.documents()).toEqual(['b'])
    expect(await suite.store.head('a')).toBeNull()
    expect((await suite.store.blobs('b', ['y'])).get('y')).toBe(2)
    expect(await suite.commit('a', 1, { z: 3 })).toBe(1)
  })

  it('accepts document ids with slashes, dots and non-ASCII characters', async () => {
    const ids = ['docs/guide/intro.md', '../escape', 'résumé ☃']
    for (const docId of ids) await suite.commit(docId, 1, { k: docId })
    expect(await suite.store.documents()).toEqual([...ids].sort())
    for (const docId of ids) expect((await suite.store.blobs(docId, ['k'])).get('k')).toBe(docId)
  })
}
