import { describe, expect, it } from 'vitest'
import { createTracker, type Element, memoryStore } from '../src/index'

interface Para extends Element {
  text: string
}

const doc: Para[] = [
  { id: 'a', text: 'x' },
  { id: 'b', text: 'y' },
]
const specFor = (key: string) => ({ element: (el: Para) => `${key}:${el.text}` })

describe('extraction key (options.key)', () => {
  it('invalidates results stored under another key when a tracker loads the document', async () => {
    const store = memoryStore()
    await createTracker({ store, key: 'v1' }).update('doc', doc, specFor('v1'))
    const v2 = await createTracker({ store, key: 'v2' }).update('doc', doc, specFor('v2'))
    expect(v2.value.elements.map((e) => e.result)).toEqual(['v2:x', 'v2:y'])
    expect(v2.counts).toMatchObject({ skipped: 2, updated: 0, recomputed: 2, reused: 0 })
    expect(v2.created).toBe(true)
    expect((await createTracker({ store }).get('doc')).value.elements).toEqual(v2.value.elements)

    // the v2 results are now the stored ones: another v2 tracker reuses them
    const again = await createTracker({ store, key: 'v2' }).update('doc', doc, specFor('v2'))
    expect(again.counts).toMatchObject({ recomputed: 0, reused: 2 })
    expect(again.created).toBe(false)
    // switching back to v1 never serves the v2 results
    const back = await createTracker({ store, key: 'v1' }).update('doc', doc, specFor('v1'))
    expect(back.value.elements.map((e) => e.result)).toEqual(['v1:x', 'v1:y'])
    expect(back.counts).toMatchObject({ skipped: 2, recomputed: 2 })
  })

  it('recomputes only the results of the new key when one element also changed', async () => {
    const store = memoryStore()
    await createTracker({ store, key: 'v1' }).update('doc', doc, specFor('v1'))
    const edited = [doc[0] as Para, { id: 'b', text: 'z' }]
    const r = await createTracker({ store, key: 'v2' }).update('doc', edited, specFor('v2'))
    expect(r.value.elements.map((e) => e.result)).toEqual(['v2:x', 'v2:z'])
    expect(r.counts).toMatchObject({ skipped: 1, updated: 1, recomputed: 2 })
    expect((await createTracker({ store }).get('doc')).value.elements).toEqual(r.value.elements)
  })
})
