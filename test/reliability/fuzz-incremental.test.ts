import {
  canonicalJson,
  createGraph,
  createTracker,
  diffElements,
  type Element,
  fsStore,
  hashElement,
  hashValue,
  MxError,
  memoryStore,
} from '@mx/incremental'
import { tempDir } from '@mx/testkit'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import {
  fuzzRuns,
  hostileOptions,
  hostileString,
  hostileValue,
  onlyTypedErrors,
} from './helpers/hostile'

const dir = tempDir('mx-rel-fuzz-incremental-')
afterAll(() => dir.remove())

const field = fc.oneof(fc.anything({ maxDepth: 2 }), hostileValue)
const element = (id: fc.Arbitrary<string>) =>
  fc
    .tuple(id, fc.dictionary(hostileString, field, { maxKeys: 3 }))
    .map(([elementId, fields]) => ({ ...fields, id: elementId }) as Element)
const elements = fc.uniqueArray(element(hostileString), {
  maxLength: 12,
  selector: (e) => e.id,
})

describe('@mx/incremental under hostile input', () => {
  it('diffElements puts every element in exactly one bucket, or throws a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(elements, elements, async (prev, next) => {
        const outcome = await onlyTypedErrors(MxError, () => diffElements(prev, next))
        if (!outcome.ok) return
        const diff = outcome.value
        const matched = diff.modified.length + diff.moved.length + diff.unchanged.length
        expect(diff.added.length + matched).toBe(next.length)
        expect(diff.removed.length + matched).toBe(prev.length)
      }),
      fuzzRuns(300),
    )
  })

  it('duplicate, missing or non-string ids are refused with a typed error', async () => {
    const badElements = fc.array(
      fc.oneof(element(hostileString), hostileValue, fc.record({ id: hostileValue })),
      { maxLength: 6 },
    )
    await fc.assert(
      fc.asyncProperty(fc.oneof(badElements, hostileValue), badElements, async (prev, next) => {
        await onlyTypedErrors(MxError, () => diffElements(prev as Element[], next as Element[]))
      }),
      fuzzRuns(300),
    )
  })

  it('hashing and canonical JSON of any value give a string or a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.anything({ maxDepth: 3, withBigInt: true, withMap: true, withSet: true }),
          hostileValue,
        ),
        fc.array(hostileString, { maxLength: 3 }),
        async (value, ignoreFields) => {
          for (const fn of [
            () => hashValue(value),
            () => canonicalJson(value, ignoreFields),
            () => hashElement({ id: 'x', value } as Element, { ignoreFields }),
          ]) {
            const outcome = await onlyTypedErrors(MxError, fn)
            if (outcome.ok) expect(typeof outcome.value).toBe('string')
          }
        },
      ),
      fuzzRuns(300),
    )
  })

  it('createTracker, fsStore and createGraph throw only typed errors on any options', async () => {
    const trackerNames = ['ignoreFields', 'key', 'config', 'now', 'immutableElements']
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(hostileValue, hostileOptions([...trackerNames, 'maxCachedDocuments'])),
        fc.oneof(hostileValue, hostileOptions(['dir', 'durable'])),
        fc.oneof(hostileValue, hostileOptions(['source', 'snapshot'])),
        async (trackerOptions, storeOptions, graphOptions) => {
          const withStore =
            trackerOptions && typeof trackerOptions === 'object'
              ? { ...trackerOptions, store: memoryStore() }
              : trackerOptions
          await onlyTypedErrors(MxError, () => createTracker(withStore as never))
          // fsStore creates its directory lazily: point any accepted dir inside the temp dir.
          const safeStore =
            storeOptions &&
            typeof storeOptions === 'object' &&
            typeof (storeOptions as { dir?: unknown }).dir === 'string'
              ? { ...storeOptions, dir: `${dir.path}/opts` }
              : storeOptions
          const store = await onlyTypedErrors(MxError, () => fsStore(safeStore as never))
          if (store.ok) await store.value.close()
          await onlyTypedErrors(MxError, () => createGraph(graphOptions as never))
        },
      ),
      fuzzRuns(300),
    )
  })

  for (const [name, makeStore] of [
    ['memoryStore', () => memoryStore()],
    ['fsStore', () => fsStore({ dir: `${dir.path}/docs`, durable: false })],
  ] as const) {
    it(`tracker over ${name}: hostile document ids and elements round-trip or fail typed`, async () => {
      const store = makeStore()
      const tracker = createTracker({ store })
      await fc.assert(
        fc.asyncProperty(hostileString, elements, async (docId, els) => {
          const outcome = await onlyTypedErrors(MxError, () =>
            tracker.update(docId, els, { element: (e) => hashValue(e.id) }),
          )
          if (!outcome.ok) return
          const stored = await tracker.get(docId)
          expect(stored.value.elements).toEqual(outcome.value.value.elements)
          expect(stored.value.elements.map((e) => e.id)).toEqual(els.map((e) => e.id))
        }),
        fuzzRuns(name === 'fsStore' ? 100 : 200),
      )
      await store.close()
    })
  }
})
