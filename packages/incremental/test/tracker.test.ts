import { describe, expect, it } from 'vitest'
import {
  createTracker,
  type DocumentContext,
  type Element,
  memoryStore,
  type UpdateSpec,
} from '../src/index'

interface Para extends Element {
  text: string
  kind?: 'heading' | 'p'
  modifiedAt?: number
}
type Meta = { words: number }

const doc = (...texts: string[]): Para[] => texts.map((text, i) => ({ id: `p${i}`, text }))

function spec(log: string[]): UpdateSpec<Para, Meta> {
  return {
    element: (el) => {
      log.push(`element:${el.id}`)
      return { words: el.text.split(' ').length }
    },
    derived: {
      total: (ctx: DocumentContext<Para, Meta>) => {
        log.push('total')
        return ctx.results().reduce((sum, { result }) => sum + result.words, 0)
      },
      first: (ctx) => {
        log.push('first')
        return ctx.element('p0')?.text ?? null
      },
      label: (ctx) => {
        log.push('label')
        return `${ctx.get<number>('total')} words`
      },
    },
  }
}

function setup(options: { now?: () => number; ignoreFields?: string[] } = {}) {
  let clock = 1000
  const store = memoryStore()
  const tracker = createTracker({ store, now: options.now ?? (() => clock), ...options })
  return { store, tracker, tick: (ms: number) => (clock += ms) }
}

describe('createTracker', () => {
  it('validates its options with exact messages', () => {
    expect(() => createTracker({} as never)).toThrow(
      'createTracker needs options.store, a VersionStore',
    )
    expect(() => createTracker({ store: memoryStore(), ignoreFields: 'x' as never })).toThrow(
      'ignoreFields must be an array of field names',
    )
    expect(() => createTracker({ store: memoryStore(), maxCachedDocuments: -1 })).toThrow(
      'maxCachedDocuments must be an integer >= 0, got -1',
    )
  })

  it('computes everything on the first update and commits version 1', async () => {
    const { tracker } = setup()
    const log: string[] = []
    const r = await tracker.update('d', doc('a b', 'c'), spec(log))
    expect(r.version).toBe(1)
    expect(r.created).toBe(true)
    expect(r.value.elements).toEqual([
      { id: 'p0', result: { words: 2 } },
      { id: 'p1', result: { words: 1 } },
    ])
    expect(r.value.derived).toEqual({ total: 3, first: 'a b', label: '3 words' })
    expect(r.counts).toEqual({
      added: 2,
      updated: 0,
      skipped: 0,
      deleted: 0,
      recomputed: 5,
      reused: 0,
    })
  })

  it('recomputes only the edited element and the derived values that read it', async () => {
    const { tracker } = setup()
    const log: string[] = []
    await tracker.update('d', doc('a b', 'c', 'd e f'), spec(log))
    log.length = 0
    const r = await tracker.update('d', doc('a b', 'c c', 'd e f'), spec(log))
    expect(log.sort()).toEqual(['element:p1', 'label', 'total'])
    expect(r.counts).toEqual({
      added: 0,
      updated: 1,
      skipped: 2,
      deleted: 0,
      recomputed: 3,
      reused: 3,
    })
    expect(r.why.map((reason) => reason.key)).toEqual([
      'result:p1',
      'derived:total',
      'derived:label',
    ])
    expect(r.why[1]).toMatchObject({ changed: ['@results'], inputs: ['@results'] })
  })

  it('stops early when a recomputed derived value is unchanged', async () => {
    const { tracker } = setup()
    const log: string[] = []
    await tracker.update('d', doc('a b', 'c'), spec(log))
    log.length = 0
    const r = await tracker.update('d', doc('a b', 'z'), spec(log))
    expect(log.sort()).toEqual(['element:p1', 'total'])
    expect(r.value.derived.label).toBe('3 words')
  })

  it('writes no version when nothing changed, and ignores volatile fields', async () => {
    const { tracker } = setup({ ignoreFields: ['modifiedAt'] })
    const log: string[] = []
    await tracker.update('d', [{ id: 'a', text: 'x', modifiedAt: 1 }], spec(log))
    log.length = 0
    const r = await tracker.update('d', [{ id: 'a', text: 'x', modifiedAt: 2 }], spec(log))
    expect(r).toMatchObject({ version: 1, created: false })
    expect(r.counts).toMatchObject({ skipped: 1, recomputed: 0, reused: 4 })
    expect(log).toEqual([])
  })

  it('reuses results across processes: a new tracker on the same store verifies traces', async () => {
    const { store, tracker } = setup()
    await tracker.update('d', doc('a', 'b', 'c'), spec([]))
    const log: string[] = []
    const again = createTracker({ store })
    const r = await again.update('d', doc('a', 'b', 'c', 'd'), spec(log))
    expect(log.sort()).toEqual(['element:p3', 'label', 'total'])
    expect(r.counts).toMatchObject({ added: 1, skipped: 3 })
  })

  it('reloads evicted documents from the store and still reuses their results', async () => {
    const store = memoryStore()
    const tracker = createTracker({ store, maxCachedDocuments: 1 })
    await tracker.update('one', doc('a', 'b'), spec([]))
    await tracker.update('two', doc('c'), spec([]))
    const log: string[] = []
    const r = await tracker.update('one', doc('a', 'b', 'new'), spec(log))
    expect(log.sort()).toEqual(['element:p2', 'label', 'total'])
    expect(r.version).toBe(2)
  })

  it('shares unchanged results and element-list chunks between versions instead of copying', async () => {
    const store = memoryStore()
    const written: string[][] = []
    const recording = {
      ...store,
      commit: (docId: string, request: Parameters<typeof store.commit>[1]) => {
        written.push(Object.keys(request.blobs))
        return store.commit(docId, request)
      },
    }
    const tracker = createTracker({ store: recording })
    const texts = Array.from({ length: 2000 }, (_, i) => `paragraph ${i}`)
    await tracker.update('d', doc(...texts), spec([]))
    const firstChunks = (written[0] ?? []).filter((key) => key.startsWith('chunk:')).length
    expect(firstChunks).toBeGreaterThan(20)

    texts[1234] = 'edited paragraph'
    await tracker.update('d', doc(...texts), spec([]))
    expect((written[1] ?? []).filter((key) => !key.startsWith('chunk:'))).toHaveLength(1)
    expect((written[1] ?? []).filter((key) => key.startsWith('chunk:'))).toHaveLength(1)

    const inserted = [...doc(...texts)]
    inserted.splice(700, 0, { id: 'inserted', text: 'a new paragraph' })
    await tracker.update('d', inserted, spec([]))
    expect((written[2] ?? []).filter((key) => key.startsWith('chunk:')).length).toBeLessThanOrEqual(
      2,
    )
    expect((await tracker.get('d')).value.elements).toHaveLength(2001)
  })

  it('treats a stored element list that repeats an id as corrupt and recomputes', async () => {
    const store = memoryStore()
    // a store that damages what it is given: the second element of each chunk takes the first's id
    const damaging = {
      ...store,
      commit: (docId: string, request: Parameters<typeof store.commit>[1]) => {
        const blobs = { ...request.blobs }
        for (const [key, entries] of Object.entries(blobs)) {
          if (!key.startsWith('chunk:')) continue
          const copy = structuredClone(entries) as string[][]
          if (copy[1] && copy[0]) copy[1][0] = copy[0][0] as string
          blobs[key] = copy
        }
        return store.commit(docId, { ...request, blobs })
      },
    }
    await createTracker({ store: damaging }).update('d', doc('a', 'b'), spec([]))
    const fresh = createTracker({ store })
    const seen: string[] = []
    fresh.on('corrupt', (event) => seen.push((event.error as { code?: string }).code ?? ''))
    const r = await fresh.update('d', doc('a', 'b'), spec([]))
    expect(seen).toEqual(['MX_INCREMENTAL_STORE_CORRUPT'])
    expect(r.counts.recomputed).toBe(5)
    expect(r.value.elements.map((entry) => entry.id)).toEqual(['p0', 'p1'])
  })

  it('keeps the same frozen { id, result } entries for unchanged elements, also when ids move', async () => {
    const { tracker } = setup()
    const first = await tracker.update('d', doc('a', 'b c', 'd e f', 'g'), spec([]))
    const [p0, p1, p2, p3] = first.value.elements
    expect(Object.isFrozen(p0)).toBe(true)

    // p2 edited, every id in place: every other entry is the previous object
    const edited = doc('a', 'b c', 'changed', 'g')
    const second = await tracker.update('d', edited, spec([]))
    expect(second.value.elements[0]).toBe(p0)
    expect(second.value.elements[2]).not.toBe(p2)
    expect(second.value.elements[3]).toBe(p3)

    // an insert and a move: entries follow their element, the new one is new
    const moved = [edited[3], { id: 'new', text: 'x' }, edited[0], edited[1], edited[2]] as Para[]
    const third = await tracker.update('d', moved, spec([]))
    const entries = third.value.elements
    expect(entries.map((entry) => entry.id)).toEqual(['p3', 'new', 'p0', 'p1', 'p2'])
    expect(entries[0]).toBe(p3)
    expect(entries[2]).toBe(p0)
    expect(entries[3]).toBe(p1)
    expect(entries[4]).toBe(second.value.elements[2])
    expect(entries.every((entry) => Object.isFrozen(entry))).toBe(true)
  })

  it('recomputes a derived value when a declared dependency changes, even if it was not read', async () => {
    const { tracker } = setup()
    let runs = 0
    const declared = {
      derived: {
        stamp: {
          compute: () => {
            runs++
            return 'built'
          },
          deps: ['element:p1' as const],
        },
      },
    }
    await tracker.update('d', doc('a', 'b'), declared)
    await tracker.update('d', doc('changed', 'b'), declared)
    expect(runs).toBe(1)
    const r = await tracker.update('d', doc('changed', 'b!'), declared)
    expect(runs).toBe(2)
    expect(r.why).toContainEqual(
      expect.objectContaining({ key: 'derived:stamp', changed: ['element:p1'] }),
    )
    await expect(
      tracker.update('d', doc('x'), {
        derived: { bad: { compute: () => 1, deps: ['nope' as never] } },
      }),
    ).rejects.toThrow('unknown declared dependency "nope"')
    await expect(tracker.update('d', doc('x'), { derived: { bad: 42 as never } })).rejects.toThrow(
      'derived.bad must be a function, { compute, deps } or mapReduce',
    )
  })

  it('reads config as a high-durability input', async () => {
    const store = memoryStore()
    const run = (lang: string) =>
      createTracker({ store, config: { lang } }).update('d', doc('a'), {
        derived: { greeting: (ctx) => `${ctx.config('lang')}:${ctx.ids().length}` },
      })
    expect((await run('en')).value.derived.greeting).toBe('en:1')
    expect((await run('en')).created).toBe(false)
    const changed = await run('fr')
    expect(changed.value.derived.greeting).toBe('fr:1')
    expect(changed.why).toEqual([
      { key: 'derived:greeting', changed: ['config:lang'], inputs: ['config:lang'], first: false },
    ])
  })

  it('rejects bad elements and results with typed errors and commits nothing', async () => {
    const { tracker, store } = setup()
    await expect(tracker.update('d', [{ id: 'a' }, { id: 'a' }])).rejects.toMatchObject({
      code: 'MX_INCREMENTAL_DUPLICATE_ID',
    })
    await expect(tracker.update('d', 'nope' as never)).rejects.toThrow(
      'elements must be an array, got string',
    )
    await expect(tracker.update('d', [{ text: 'no id' } as never])).rejects.toMatchObject({
      code: 'MX_INCREMENTAL_MISSING_ID',
    })
    await expect(tracker.update('d', [{ id: 'a', at: 1n }])).rejects.toMatchObject({
      code: 'MX_INCREMENTAL_NOT_SERIALIZABLE',
      path: '$.at',
    })
    const badResult = tracker.update('d', [{ id: 'a' }], { element: () => ({ f: () => 1 }) })
    await expect(badResult).rejects.toMatchObject({ code: 'MX_INCREMENTAL_NOT_SERIALIZABLE' })
    expect(await store.head('d')).toBeNull()
    expect((await tracker.update('d', [{ id: 'a' }])).version).toBe(1)
  })

  it('keeps history, reads old versions and rolls back as a new version', async () => {
    const { tracker, tick } = setup()
    await tracker.update('d', doc('one'), spec([]))
    tick(10)
    await tracker.update('d', doc('one two'), spec([]))
    tick(10)
    const back = await tracker.rollback<Meta>('d', 1)
    expect(back).toMatchObject({ version: 3, kind: 'rollback', rollbackOf: 1, createdAt: 1020 })
    expect(back.value.derived.total).toBe(1)
    expect((await tracker.get('d', 2)).value.derived.total).toBe(2)
    expect((await tracker.get('d')).version).toBe(3)
    const history = await tracker.history('d')
    expect(history.map((info) => [info.version, info.kind, info.parent])).toEqual([
      [1, 'update', null],
      [2, 'update', 1],
      [3, 'rollback', 2],
    ])
    const log: string[] = []
    const next = await tracker.update('d', doc('one', 'more'), spec(log))
    expect(next.version).toBe(4)
    expect(log.sort()).toEqual(['element:p1', 'label', 'total'])
  })

  it('throws MX_INCREMENTAL_UNKNOWN_VERSION for unknown versions and documents', async () => {
    const { tracker } = setup()
    await expect(tracker.get('nope')).rejects.toMatchObject({
      code: 'MX_INCREMENTAL_UNKNOWN_VERSION',
    })
    await tracker.update('d', doc('a'))
    await expect(tracker.get('d', 9)).rejects.toMatchObject({
      code: 'MX_INCREMENTAL_UNKNOWN_VERSION',
    })
    await expect(tracker.rollback('d', 9)).rejects.toMatchObject({
      code: 'MX_INCREMENTAL_UNKNOWN_VERSION',
    })
  })

  it('serialises concurrent updates of one document instead of conflicting with itself', async () => {
    const { tracker } = setup()
    const results = await Promise.all([
      tracker.update('d', doc('a')),
      tracker.update('d', doc('b')),
      tracker.update('d', doc('c')),
    ])
    expect(results.map((r) => r.version)).toEqual([1, 2, 3])
  })

  it('prunes old versions but keeps results still referenced by the kept ones', async () => {
    const { tracker, store, tick } = setup()
    await tracker.update('d', doc('keep', 'old'), spec([]))
    tick(100)
    await tracker.update('d', doc('keep', 'new'), spec([]))
    tick(100)
    await tracker.update('d', doc('keep', 'newer'), spec([]))
    const pruned = await tracker.prune({ keepLast: 1 })
    // the results of 'old' and 'new' plus the two element-list chunks only they referenced
    expect(pruned).toEqual({ versionsRemoved: 2, blobsRemoved: 4 })
    expect((await tracker.history('d')).map((info) => info.version)).toEqual([3])
    expect((await tracker.get('d')).value.elements.map((e) => e.result)).toEqual([
      { words: 1 },
      { words: 1 },
    ])
    expect((await store.list('d')).length).toBe(1)
  })

  it('prunes only versions older than olderThan by the injected clock', async () => {
    const { tracker, tick } = setup()
    await tracker.update('d', doc('a'))
    tick(1000)
    await tracker.update('d', doc('b'))
    tick(10)
    await tracker.update('d', doc('c'))
    expect(await tracker.prune({ olderThan: 500 })).toMatchObject({ versionsRemoved: 1 })
    expect((await tracker.history('d')).map((info) => info.version)).toEqual([2, 3])
    await expect(tracker.prune({})).rejects.toThrow('prune needs keepLast, olderThan or both')
    await expect(tracker.prune({ keepLast: 0 })).rejects.toThrow(
      'keepLast must be an integer >= 1, got 0',
    )
  })

  it('emits commit events and lets on() unsubscribe', async () => {
    const { tracker } = setup()
    const seen: number[] = []
    const off = tracker.on('commit', (event) => seen.push(event.version))
    await tracker.update('d', doc('a'))
    off()
    await tracker.update('d', doc('b'))
    expect(seen).toEqual([1])
  })
})

describe('tracker.reconcile', () => {
  async function seeded() {
    const { tracker, store } = setup()
    await tracker.update('a', doc('alpha'))
    await tracker.update('b', doc('beta'))
    await tracker.update('old-a', doc('alpha'))
    return { tracker, store }
  }

  it('upserts: reports missing documents and deletes nothing', async () => {
    const { tracker, store } = await seeded()
    const r = await tracker.reconcile(['a', 'c'], { mode: 'upserts' })
    expect(r).toEqual({ missing: ['c'], present: ['a'], corrupt: [], deleted: [] })
    expect(await store.documents()).toEqual(['a', 'b', 'old-a'])
  })

  it('duplicates-only: deletes unlisted documents whose content duplicates a listed one', async () => {
    const { tracker, store } = await seeded()
    const r = await tracker.reconcile(['a'], { mode: 'duplicates-only' })
    expect(r.deleted).toEqual(['old-a'])
    expect(await store.documents()).toEqual(['a', 'b'])
  })

  it('upserts-and-delete: deletes every stored document not listed', async () => {
    const { tracker, store } = await seeded()
    const r = await tracker.reconcile(['b', 'new'], { mode: 'upserts-and-delete' })
    expect(r).toEqual({ missing: ['new'], present: ['b'], corrupt: [], deleted: ['a', 'old-a'] })
    expect(await store.documents()).toEqual(['b'])
  })

  it('checks the store itself: a document deleted behind the tracker shows as missing', async () => {
    const { tracker, store } = await seeded()
    await store.deleteDocument('a')
    expect((await tracker.reconcile(['a'], { mode: 'upserts' })).missing).toEqual(['a'])
  })

  it('rejects an unknown mode', async () => {
    const { tracker } = setup()
    await expect(tracker.reconcile([], { mode: 'full' as never })).rejects.toThrow(
      'mode must be one of upserts, duplicates-only, upserts-and-delete, got full',
    )
  })
})
