import { expectInvalidOption, thrown } from '@mx/testkit'
import { describe, expect, it } from 'vitest'
import {
  createGraph,
  createTracker,
  diffElements,
  InvalidOptionError,
  MissingIdError,
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
