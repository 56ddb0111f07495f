import { expectInvalidOption, tempDir, thrown } from '@mx/testkit'
import { describe, expect, it } from 'vitest'
import {
  createTracker,
  type Element,
  fsStore,
  InvalidOptionError,
  mapReduce,
  memoryStore,
  type UpdateSpec,
} from '../src/index'

interface Para extends Element {
  text: string
}

const doc = (size: number): Para[] =>
  Array.from({ length: size }, (_, i) => ({ id: `p${i}`, text: `para ${i} ${i % 7}` }))

/** A spec whose `mapReduce` value counts its `map` calls. */
function counted() {
  const calls = { map: 0 }
  const spec: UpdateSpec<Para, number> = {
    element: (el) => el.text.length,
    derived: {
      chars: mapReduce<Para, number, number>({
        map: (_el, length) => {
          calls.map++
          return length
        },
        reduce: (lengths) => lengths.reduce((sum, n) => sum + n, 0),
      }),
      plain: (ctx) => ctx.results().reduce((sum, r) => sum + r.result, 0),
    },
  }
  return { calls, spec }
}

describe('mapReduce', () => {
  it('re-maps only the chunk holding an edit and equals the plain fold', async () => {
    const tracker = createTracker({ store: memoryStore() })
    const { calls, spec } = counted()
    let elements = doc(2000)
    const first = await tracker.update('d', elements, spec)
    expect(calls.map).toBe(2000)
    expect(first.value.derived.chars).toBe(first.value.derived.plain)

    calls.map = 0
    elements = elements.slice()
    elements[1234] = { id: 'p1234', text: 'edited paragraph' }
    const edited = await tracker.update('d', elements, spec)
    expect(edited.value.derived.chars).toBe(edited.value.derived.plain)
    expect(calls.map).toBeGreaterThan(0)
    expect(calls.map).toBeLessThanOrEqual(256) // one chunk at most

    calls.map = 0
    elements = [...elements.slice(0, 10), { id: 'new', text: 'inserted' }, ...elements.slice(10)]
    const inserted = await tracker.update('d', elements, spec)
    expect(inserted.value.derived.chars).toBe(inserted.value.derived.plain)
    expect(calls.map).toBeLessThanOrEqual(512) // the chunk around the insert

    calls.map = 0
    await tracker.update('d', elements.slice(), spec) // same content
    expect(calls.map).toBe(0)
  })

  it('gets [] for an empty document and keeps document order across chunks', async () => {
    const tracker = createTracker({ store: memoryStore() })
    const spec: UpdateSpec<Para, null> = {
      derived: {
        texts: mapReduce<Para, null, string[]>({ map: (el) => [el.text], reduce: (l) => l.flat() }),
      },
    }
    expect((await tracker.update('d', [], spec)).value.derived.texts).toEqual([])
    const elements = doc(700).reverse()
    const r = await tracker.update('d', elements, spec)
    expect(r.value.derived.texts).toEqual(elements.map((el) => el.text))
  })

  it('recomputes every chunk after a restart from the store, with the same value', async () => {
    const dir = tempDir('mx-map-reduce-')
    try {
      const elements = doc(500)
      const a = counted()
      await createTracker({ store: fsStore({ dir: dir.path }) }).update('d', elements, a.spec)
      const b = counted()
      const next = elements.slice()
      next[3] = { id: 'p3', text: 'changed' }
      const r = await createTracker({ store: fsStore({ dir: dir.path }) }).update('d', next, b.spec)
      expect(r.value.derived.chars).toBe(r.value.derived.plain)
      expect(b.calls.map).toBe(500)
    } finally {
      dir.remove()
    }
  })

  it('freezes partial values: a reduce that mutates its input fails and stores nothing', async () => {
    const tracker = createTracker({ store: memoryStore() })
    const good: UpdateSpec<Para, null> = {
      derived: {
        all: mapReduce<Para, null, string[]>({ map: (el) => [el.id], reduce: (l) => l.flat() }),
      },
    }
    const elements = doc(300)
    await tracker.update('d', elements, good)
    const mutating: UpdateSpec<Para, null> = {
      derived: {
        all: mapReduce<Para, null, string[]>({
          map: (el) => [el.id],
          // wrong: appends to the first list instead of building a new one
          reduce: (lists) =>
            lists.reduce((acc, l) => {
              acc.push(...l)
              return acc
            }),
        }),
      },
    }
    const next = [...elements, { id: 'extra', text: 'x' }]
    await expect(tracker.update('d', next, mutating)).rejects.toThrow(TypeError)
    expect((await tracker.history('d')).length).toBe(1)
    const r = await tracker.update('d', next, good)
    expect(r.value.derived.all).toEqual(next.map((el) => el.id))
  })

  it('switching a name between mapReduce and a plain function gives the right value', async () => {
    const tracker = createTracker({ store: memoryStore() })
    const elements = doc(100)
    const folded = counted().spec
    const plain: UpdateSpec<Para, number> = {
      element: (el) => el.text.length,
      derived: { chars: (ctx) => ctx.results().reduce((sum, r) => sum + r.result, 0) + 1 },
    }
    await tracker.update('d', elements, folded)
    const next = elements.slice(1)
    expect((await tracker.update('d', next, plain)).value.derived.chars).toBe(
      next.reduce((sum, el) => sum + el.text.length, 0) + 1,
    )
    const r = await tracker.update('d', elements, folded)
    expect(r.value.derived.chars).toBe(r.value.derived.plain)
  })

  it('rejects bad options with MX_INVALID_OPTION naming the option', () => {
    const bad = [
      [null, 'mapReduce', 'mapReduce takes { map, reduce }'],
      [{ reduce: () => 0 }, 'map', 'mapReduce: map must be a function (element, result) => P'],
      [
        { map: () => 0, reduce: 'sum' },
        'reduce',
        'mapReduce: reduce must be a function (values) => P',
      ],
    ] as const
    for (const [options, option, message] of bad) {
      expectInvalidOption(
        thrown(() => mapReduce(options as never)),
        InvalidOptionError,
        option,
        message,
      )
    }
  })
})
