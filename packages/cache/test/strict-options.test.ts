// Options are checked up front: an unknown key throws MX_INVALID_OPTION naming the nearest known
// key, in every factory and call that takes options; a value where a factory goes says so.
import { tempDir } from '@mx/testkit'
import { afterAll, describe, expect, it } from 'vitest'
import {
  createCache,
  createCodec,
  diskTier,
  InvalidOptionError,
  memoryTier,
  redisBus,
  redisTier,
} from '../src/index'
import { createKeyv, keyvStore } from '../src/keyv'
import { mxDriver } from '../src/unstorage'

const dir = tempDir('mx-cache-strict-')
afterAll(() => dir.remove())

function thrown(fn: () => unknown): InvalidOptionError {
  try {
    fn()
  } catch (error) {
    return error as InvalidOptionError
  }
  throw new Error('did not throw')
}

async function rejected(promise: Promise<unknown>): Promise<InvalidOptionError> {
  try {
    await promise
  } catch (error) {
    return error as InvalidOptionError
  }
  throw new Error('did not reject')
}

const url = 'redis://127.0.0.1:6379'
const cases: Array<[string, () => unknown, string, string]> = [
  ['createCache', () => createCache({ timeout: { soft: 1 } } as never), 'timeout', 'timeouts'],
  [
    'createCache timeouts',
    () => createCache({ timeouts: { sfot: 1 } } as never),
    'timeouts.sfot',
    'timeouts.soft',
  ],
  ['createCache lock', () => createCache({ lock: { ttls: 1 } } as never), 'lock.ttls', 'lock.ttl'],
  ['memoryTier', () => memoryTier({ maxEntrys: 10 } as never), 'maxEntrys', 'maxEntries'],
  ['diskTier', () => diskTier({ dir: dir.path, maxbytes: 1 } as never), 'maxbytes', 'maxBytes'],
  ['redisTier', () => redisTier({ url, prefx: 'a:' } as never), 'prefx', 'prefix'],
  [
    'redisTier breaker',
    () => redisTier({ url, breaker: { failure: 3 } } as never),
    'breaker.failure',
    'breaker.failures',
  ],
  ['redisBus', () => redisBus({ url, chanel: 'x' } as never), 'chanel', 'channel'],
  ['createCodec', () => createCodec({ secrets: 'k' } as never), 'secrets', 'secret'],
  ['keyvStore', () => keyvStore(createCache(), { leases: 10 } as never), 'leases', 'lease'],
  ['mxDriver', () => mxDriver({ cach: createCache() } as never), 'cach', 'cache'],
]

describe('unknown options', () => {
  it.each(cases)('%s names the unknown key and the nearest known one', (what, call, key, near) => {
    const error = thrown(call)
    expect(error).toBeInstanceOf(InvalidOptionError)
    expect(error.code).toBe('MX_INVALID_OPTION')
    expect(error.option).toBe(key)
    expect(error.message).toBe(
      `${what.split(' ')[0]}(): unknown option "${key}"; did you mean "${near}"?`,
    )
  })

  it('lists the known options when no key is near', () => {
    const error = thrown(() => memoryTier({ colour: 'red' } as never))
    expect(error.message).toBe(
      'memoryTier(): unknown option "colour"; the options are "maxEntries", "maxBytes", "maxEntrySize", "policy", "sizeOf", "clock", "name"',
    )
  })

  it('checks the options of createKeyv, set, setMany and getOrSet', async () => {
    const cache = createCache()
    expect((await rejected(createKeyv(cache, { namepsace: 'x' } as never))).option).toBe(
      'namepsace',
    )
    expect((await rejected(cache.set('k', 1, { tag: ['a'] } as never))).message).toBe(
      'set(): unknown option "tag"; did you mean "tags"?',
    )
    expect((await rejected(cache.setMany([{ key: 'k', value: 1, ttll: 5 } as never]))).option).toBe(
      'ttll',
    )
    // set() takes no timeouts; getOrSet() does, and checks inside them too.
    expect((await rejected(cache.set('k', 1, { timeouts: {} } as never))).option).toBe('timeouts')
    expect(
      (await rejected(cache.getOrSet('k', () => 1, { timeouts: { hadr: 5 } } as never))).message,
    ).toBe('getOrSet(): unknown option "timeouts.hadr"; did you mean "timeouts.hard"?')
    await cache.close()
  })

  it('lets keys whose value is undefined pass (a spread of absent options)', async () => {
    const cache = createCache({ ttl: 1000, extra: undefined } as never)
    await cache.set('k', 1, { ttl: undefined, other: undefined } as never)
    expect(await cache.get('k')).toBe(1)
    await cache.close()
  })
})

describe('getOrSet with a value where the factory goes', () => {
  it('says what to call instead', async () => {
    const cache = createCache()
    const error = await rejected(cache.getOrSet('a', 42 as never))
    expect(error.code).toBe('MX_INVALID_OPTION')
    expect(error.option).toBe('factory')
    expect(error.message).toBe(
      'getOrSet() takes a factory function as its second argument, got 42; to store a value as it is, use set(key, value)',
    )
    await cache.close()
  })
})
