import { expectInvalidOption, thrown } from '@mx/testkit'
import { describe, expect, it } from 'vitest'
import {
  createGraph,
  createTracker,
  diffElements,
  fsStore,
  InvalidOptionError,
  MissingIdError,
  mapReduce,
  memoryStore,
} from '../src/index'

const expectInvalid = (error: unknown, option: string, message: string) =>
  expectInvalidOption(error, InvalidOptionError, option, message)

describe('diffElements arguments of any type', () => {
  const list = [{ id: 'a', text: 'x' }]
  it.each([
    [undefined, list, {}, 'prev', 'prev must be an array of elements, got undefined'],
    [list, 'abc', {}, 'next', 'next must be an array of elements, got "abc"'],
    [list, list, null, 'options', 'options must be an object, got null'],
    [list, list, { hashOf: 'sha1' }, 'hashOf', 'hashOf must be a function, got "sha1"'],
    [
      list,
      list,
      { ignoreFields: 'at' },
      'ignoreFields',
      'ignoreFields must be an array of field names, got "at"',
    ],
  ])(
    'refuses diffElements(%o, %o, %o) naming the argument',
    (prev, next, options, option, message) => {
      expectInvalid(
        thrown(() => diffElements(prev as never, next as never, options as never)),
        option,
        message,
      )
    },
  )

  it('names an id of any type in MissingIdError without throwing a TypeError', () => {
    for (const [id, shown] of [
      [Symbol('s'), 'a symbol'],
      [10n, '10n'],
      [7, '7'],
      [Object.create(null), 'an object'],
    ] as const) {
      const error = thrown(() => diffElements([], [{ id } as never]))
      expect(error).toBeInstanceOf(MissingIdError)
      expect(error.message).toBe(`element at index 0 needs a non-empty string id, got ${shown}`)
    }
  })
})

describe('createGraph options of any type', () => {
  it.each([
    [null, 'options', 'options must be an object, got null'],
    [3, 'options', 'options must be an object, got 3'],
    [{ source: {} }, 'source', 'source must be a function, got an object'],
    [{ snapshot: 'saved' }, 'snapshot', 'snapshot must be an object, got "saved"'],
  ])('refuses %o with MX_INVALID_OPTION naming the option', (options, option, message) => {
    expectInvalid(
      thrown(() => createGraph(options as never)),
      option,
      message,
    )
  })
})

describe('createTracker options of any type', () => {
  const store = memoryStore()
  it.each([
    [
      { maxCachedDocuments: Symbol('x') },
      'maxCachedDocuments',
      'maxCachedDocuments must be an integer >= 0, got a symbol',
    ],
    [
      { maxCachedDocuments: Object.create(null) },
      'maxCachedDocuments',
      'maxCachedDocuments must be an integer >= 0, got an object',
    ],
    [
      { maxCachedDocuments: 10n },
      'maxCachedDocuments',
      'maxCachedDocuments must be an integer >= 0, got 10n',
    ],
    [
      { maxCachedDocuments: -1 },
      'maxCachedDocuments',
      'maxCachedDocuments must be an integer >= 0, got -1',
    ],
    [
      { ignoreFields: [1] },
      'ignoreFields',
      'ignoreFields must be an array of field names, got an array',
    ],
    [{ key: 5 }, 'key', 'key must be a string, got 5'],
    [{ now: 0 }, 'now', 'now must be a function, got 0'],
    [{ config: 'x' }, 'config', 'config must be an object, got "x"'],
  ])('refuses %o with MX_INVALID_OPTION naming the option', (options, option, message) => {
    expectInvalid(
      thrown(() => createTracker({ store, ...options } as never)),
      option,
      message,
    )
  })

  it('still refuses a missing store first', () => {
    expectInvalid(
      thrown(() => createTracker(null as never)),
      'store',
      'createTracker needs options.store, a VersionStore',
    )
  })
})

describe('unknown option keys', () => {
  const store = memoryStore()
  const list = [{ id: 'a' }]
  it.each([
    [
      'createTracker()',
      () => createTracker({ store, ignoreField: ['at'] } as never),
      'ignoreField',
      'did you mean "ignoreFields"?',
    ],
    [
      'createTracker()',
      () => createTracker({ stor: store } as never),
      'stor',
      'did you mean "store"?',
    ],
    [
      'createTracker()',
      () => createTracker({ store, cache: 1 } as never),
      'cache',
      'the options are "store", "ignoreFields", "key", "config", "now", "immutableElements", "maxCachedDocuments"',
    ],
    [
      'createGraph()',
      () => createGraph({ snapshots: {} } as never),
      'snapshots',
      'did you mean "snapshot"?',
    ],
    [
      'diffElements()',
      () => diffElements(list, list, { hashof: () => '' } as never),
      'hashof',
      'did you mean "hashOf"?',
    ],
    [
      'fsStore()',
      () => fsStore({ dir: '/tmp/x', durabel: false } as never),
      'durabel',
      'did you mean "durable"?',
    ],
    [
      'mapReduce()',
      () => mapReduce({ map: () => 1, reduce: () => 1, redcue: 1 } as never),
      'redcue',
      'did you mean "reduce"?',
    ],
  ])('%s refuses an unknown key naming the nearest one', (where, call, option, hint) => {
    expectInvalid(thrown(call), option, `${where}: unknown option "${option}"; ${hint}`)
  })

  it('prune() and reconcile() refuse an unknown key before touching the store', async () => {
    const tracker = createTracker({ store })
    await tracker.update('doc', [{ id: 'a' }])
    await tracker.update('doc', [{ id: 'b' }])
    const error = await tracker.prune({ keepLast: 1, docId: ['x'] } as never).catch((e) => e)
    expectInvalid(error, 'docId', 'prune(): unknown option "docId"; did you mean "docIds"?')
    expect(await tracker.history('doc')).toHaveLength(2)
    const reconcile = await tracker.reconcile([], { mod: 'upserts' } as never).catch((e) => e)
    expectInvalid(reconcile, 'mod', 'reconcile(): unknown option "mod"; did you mean "mode"?')
  })

  it('passes an unknown key whose value is undefined (a spread of absent options)', () => {
    expect(() => createGraph({ snapshot: {}, ...{ sources: undefined } })).not.toThrow()
  })
})
