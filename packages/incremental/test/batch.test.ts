import { describe, expect, it } from 'vitest'
import {
  BatchResultError,
  createTracker,
  type Element,
  InvalidOptionError,
  memoryStore,
  type UpdateSpec,
} from '../src/index'

interface Para extends Element {
  text: string
  modifiedAt?: number
}
type Meta = { words: number; upper: string }

const meta = (el: Para): Meta => ({
  words: el.text.split(' ').length,
  upper: el.text.toUpperCase(),
})
const doc = (...texts: string[]): Para[] => texts.map((text, i) => ({ id: `p${i}`, text }))

/** A batch hook that logs each call's ids and answers synchronously or after a tick. */
function batchSpec(calls: string[][], async = false): UpdateSpec<Para, Meta> {
  return {
    elements: (dirty) => {
      calls.push(dirty.map((el) => el.id))
      const out = dirty.map(meta)
      return async ? new Promise((resolve) => setTimeout(() => resolve(out), 1)) : out
    },
    derived: { total: (ctx) => ctx.results().reduce((sum, { result }) => sum + result.words, 0) },
  }
}

const elementSpec = (): UpdateSpec<Para, Meta> => ({
  element: meta,
  derived: { total: (ctx) => ctx.results().reduce((sum, { result }) => sum + result.words, 0) },
})

describe('update with a batch hook (spec.elements)', () => {
  for (const async of [false, true]) {
    it(`computes the dirty elements in one ${async ? 'async' : 'sync'} call, like element()`, async () => {
      const calls: string[][] = []
      const batched = createTracker({ store: memoryStore(), ignoreFields: ['modifiedAt'] })
      const single = createTracker({ store: memoryStore(), ignoreFields: ['modifiedAt'] })
      const steps: Para[][] = [
        doc('a b', 'c', 'd e f'),
        // one edit, one insertion in the middle, a volatile-field change
        [
          { id: 'p0', text: 'a b', modifiedAt: 5 },
          { id: 'new', text: 'x y' },
          { id: 'p1', text: 'changed text here' },
          { id: 'p2', text: 'd e f' },
        ],
        // nothing changed: the hook is not called
        [
          { id: 'p0', text: 'a b', modifiedAt: 6 },
          { id: 'new', text: 'x y' },
          { id: 'p1', text: 'changed text here' },
          { id: 'p2', text: 'd e f' },
        ],
      ]
      const expectedCalls = [
        ['p0', 'p1', 'p2'],
        ['new', 'p1'],
      ]
      for (const [step, elements] of steps.entries()) {
        const r = await batched.update('doc', elements, batchSpec(calls, async))
        const s = await single.update('doc', elements, elementSpec())
        expect(r.value).toEqual(s.value)
        expect(r.counts).toEqual(s.counts)
        expect(r.why).toEqual(s.why)
        expect(r.version).toBe(s.version)
        expect(r.created).toBe(s.created)
        expect(calls).toEqual(expectedCalls.slice(0, Math.min(step + 1, 2)))
      }
      expect(await batched.history('doc')).toHaveLength(2)
    })
  }

  it('passes an element once when others in the batch or the previous version share its content', async () => {
    const calls: string[][] = []
    const tracker = createTracker({ store: memoryStore() })
    const first = await tracker.update('doc', doc('same', 'same', 'other'), batchSpec(calls))
    expect(calls).toEqual([['p0', 'p2']])
    expect(first.counts).toMatchObject({ added: 3, recomputed: 3, reused: 1 }) // 2 results + total; p1 reuses p0
    expect(first.value.elements.map((e) => e.result.upper)).toEqual(['SAME', 'SAME', 'OTHER'])
    const next = await tracker.update(
      'doc',
      [...doc('same', 'same', 'other'), { id: 'p3', text: 'other' }, { id: 'p4', text: 'new' }],
      batchSpec(calls),
    )
    expect(calls[1]).toEqual(['p4'])
    expect(next.counts).toMatchObject({ added: 2, skipped: 3, recomputed: 2, reused: 4 })
  })

  it('uses the batch hook when element is given as well', async () => {
    const calls: string[][] = []
    const tracker = createTracker({ store: memoryStore() })
    const r = await tracker.update('doc', doc('a', 'b'), {
      element: () => {
        throw new Error('element must not run when elements is given')
      },
      elements: batchSpec(calls).elements,
    })
    expect(calls).toEqual([['p0', 'p1']])
    expect(r.value.elements.map((e) => e.result.words)).toEqual([1, 1])
  })

  it('stores undefined results as null and rejects non-serializable ones', async () => {
    const tracker = createTracker({ store: memoryStore() })
    const r = await tracker.update('doc', doc('a'), {
      elements: (dirty) => dirty.map(() => undefined),
    })
    expect(r.value.elements).toEqual([{ id: 'p0', result: null }])
    await expect(
      tracker.update('doc', doc('b'), { elements: (dirty) => dirty.map(() => () => 1) }),
    ).rejects.toMatchObject({ code: 'MX_INCREMENTAL_NOT_SERIALIZABLE' })
  })

  it('fails with MX_INCREMENTAL_BATCH_RESULT on a wrong length or a non-array, and commits nothing', async () => {
    const tracker = createTracker({ store: memoryStore() })
    await tracker.update('doc', doc('a', 'b'), batchSpec([]))
    const short = tracker.update('doc', doc('a', 'c', 'd'), {
      elements: (dirty) => dirty.slice(1).map(meta),
    })
    await expect(short).rejects.toBeInstanceOf(BatchResultError)
    await expect(short).rejects.toMatchObject({
      code: 'MX_INCREMENTAL_BATCH_RESULT',
      expected: 2,
      received: 1,
      message: 'spec.elements must return 2 results (one per dirty element, in order), got 1',
    })
    await expect(
      tracker.update('doc', doc('a', 'c'), {
        elements: async () => ({ nope: true }) as never,
      }),
    ).rejects.toMatchObject({
      code: 'MX_INCREMENTAL_BATCH_RESULT',
      received: null,
      message: 'spec.elements must return an array of 1 results, got an object',
    })
    expect(await tracker.history('doc')).toHaveLength(1)
    // the tracker is still usable and the failed updates left no trace
    const calls: string[][] = []
    const r = await tracker.update('doc', doc('a', 'c'), batchSpec(calls, true))
    expect(calls).toEqual([['p1']])
    expect(r.version).toBe(2)
    expect(r.counts).toMatchObject({ skipped: 1, updated: 1, recomputed: 2 })
  })

  it('propagates a rejected batch and commits nothing', async () => {
    const tracker = createTracker({ store: memoryStore() })
    await expect(
      tracker.update('doc', doc('a'), {
        elements: async () => {
          throw new Error('worker died')
        },
      }),
    ).rejects.toThrow('worker died')
    expect(await tracker.history('doc')).toEqual([])
  })

  it('rejects a batch hook that is not a function', async () => {
    const tracker = createTracker({ store: memoryStore() })
    const update = tracker.update('doc', doc('a'), { elements: 'no' as never })
    await expect(update).rejects.toBeInstanceOf(InvalidOptionError)
    await expect(update).rejects.toMatchObject({
      option: 'spec.elements',
      message: 'spec.elements must be a function (dirty) => R[]',
    })
  })
})
