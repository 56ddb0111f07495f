import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from '@mx/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { createTracker, fsStore } from '../src/index'

describe('createTracker on fsStore', () => {
  const dirs: Array<{ remove(): void }> = []
  afterEach(() => {
    for (const dir of dirs.splice(0)) dir.remove()
  })
  function setup() {
    const dir = tempDir('mx-incremental-tracker-fs-')
    dirs.push(dir)
    return { dir: dir.path, tracker: createTracker({ store: fsStore({ dir: dir.path }) }) }
  }
  function corrupt(dir: string, docId: string, version: number) {
    const file = join(
      dir,
      'docs',
      `d${Buffer.from(docId).toString('base64url')}`,
      `v${version}.json`,
    )
    writeFileSync(file, readFileSync(file, 'utf8').replace('"text"', '"tExt"').replace('1', '2'))
  }

  it('keeps serving other documents when one document file is corrupt', async () => {
    const { dir, tracker } = setup()
    await tracker.update('broken', [{ id: 'a', text: 'x' }])
    await tracker.update('fine', [{ id: 'a', text: 'y' }], { element: (el) => el.text })
    corrupt(dir, 'broken', 1)
    const fresh = createTracker({ store: fsStore({ dir }) })
    await expect(fresh.get('broken')).rejects.toMatchObject({
      code: 'MX_INCREMENTAL_STORE_CORRUPT',
    })
    expect((await fresh.get('fine')).value.elements).toEqual([{ id: 'a', result: 'y' }])
    const r = await fresh.reconcile(['broken', 'fine'], { mode: 'upserts' })
    expect(r).toEqual({ missing: ['broken'], present: ['fine'], corrupt: ['broken'], deleted: [] })
  })

  it('recomputes from scratch over a corrupt latest version and commits the next one', async () => {
    const { dir, tracker } = setup()
    await tracker.update('doc', [{ id: 'a', text: 'x' }], { element: (el) => el.text })
    corrupt(dir, 'doc', 1)
    const fresh = createTracker({ store: fsStore({ dir }) })
    const seen: string[] = []
    fresh.on('corrupt', (event) => seen.push(event.docId))
    const r = await fresh.update('doc', [{ id: 'a', text: 'x' }], { element: (el) => el.text })
    expect(seen).toEqual(['doc'])
    expect(r).toMatchObject({ version: 2, created: true })
    expect(r.counts.recomputed).toBe(1)
    expect((await fresh.get('doc')).value.elements).toEqual([{ id: 'a', result: 'x' }])
  })

  it('prunes on disk and a fresh process still reads every kept version', async () => {
    const { dir, tracker } = setup()
    const spec = { element: (el: { id: string; text?: unknown }) => String(el.text).length }
    await tracker.update(
      'doc',
      [
        { id: 'keep', text: 'same' },
        { id: 'b', text: 'one' },
      ],
      spec,
    )
    await tracker.update(
      'doc',
      [
        { id: 'keep', text: 'same' },
        { id: 'b', text: 'three' },
      ],
      spec,
    )
    await tracker.update(
      'doc',
      [
        { id: 'keep', text: 'same' },
        { id: 'b', text: 'fiver' },
      ],
      spec,
    )
    expect(await tracker.prune({ keepLast: 2 })).toEqual({ versionsRemoved: 1, blobsRemoved: 2 })
    const names = readdirSync(join(dir, 'docs', `d${Buffer.from('doc').toString('base64url')}`))
    expect(names.filter((name) => name.startsWith('v')).sort()).toEqual(['v2.json', 'v3.json'])
    const fresh = createTracker({ store: fsStore({ dir }) })
    expect((await fresh.get('doc', 2)).value.elements.map((e) => e.result)).toEqual([4, 5])
    const back = await fresh.rollback('doc', 2)
    expect(back).toMatchObject({ version: 4, rollbackOf: 2 })
  })
})
