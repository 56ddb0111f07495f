import { tempDir } from '@mx/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { createTracker, fsStore, type VersionStore } from '../src/index'

/** The real fsStore, with a hook that runs right after `head()` answers (to interleave writers). */
function interleaved(store: VersionStore, afterHead: () => Promise<void>): VersionStore {
  let armed = true
  return {
    ...store,
    async head(docId) {
      const head = await store.head(docId)
      if (armed) {
        armed = false
        await afterHead()
      }
      return head
    },
  }
}

describe('concurrent writers on one fsStore directory', () => {
  const dirs: Array<{ remove(): void }> = []
  afterEach(() => {
    for (const dir of dirs.splice(0)) dir.remove()
  })

  it('fails the writer whose base went stale with MX_INCREMENTAL_VERSION_CONFLICT and keeps the other commit', async () => {
    const dir = tempDir('mx-incremental-conflict-')
    dirs.push(dir)
    const first = createTracker({ store: fsStore({ dir: dir.path }) })
    await first.update('doc', [{ id: 'a', text: 'v1' }])
    const other = createTracker({ store: fsStore({ dir: dir.path }) })
    const stale = createTracker({
      store: interleaved(fsStore({ dir: dir.path }), async () => {
        await other.update('doc', [{ id: 'a', text: 'from other' }])
      }),
    })
    await expect(stale.update('doc', [{ id: 'a', text: 'from stale' }])).rejects.toMatchObject({
      code: 'MX_INCREMENTAL_VERSION_CONFLICT',
      context: { docId: 'doc', base: 1, head: 2 },
    })
    const reader = createTracker({ store: fsStore({ dir: dir.path }) })
    expect((await reader.get('doc')).version).toBe(2)
    expect((await reader.history('doc')).map((info) => info.version)).toEqual([1, 2])
    const retried = await stale.update('doc', [{ id: 'a', text: 'from stale' }])
    expect(retried.version).toBe(3)
  })

  it('lets exactly one of many trackers racing on the same base commit', async () => {
    const dir = tempDir('mx-incremental-race-')
    dirs.push(dir)
    let release = () => {}
    const allRead = new Promise<void>((resolve) => {
      release = resolve
    })
    let arrived = 0
    // every racer reads the same head before any of them commits
    const racers = Array.from({ length: 4 }, (_, i) =>
      createTracker({
        store: interleaved(fsStore({ dir: dir.path }), async () => {
          if (++arrived === 4) release()
          await allRead
        }),
      }).update('doc', [{ id: 'a', text: `writer ${i}` }]),
    )
    const settled = await Promise.allSettled(racers)
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(1)
    for (const s of settled.filter((s) => s.status === 'rejected')) {
      expect((s as PromiseRejectedResult).reason).toMatchObject({
        code: 'MX_INCREMENTAL_VERSION_CONFLICT',
      })
    }
    expect(await createTracker({ store: fsStore({ dir: dir.path }) }).history('doc')).toHaveLength(
      1,
    )
  })
})
