import { describeRedis, keyPrefix, redisUrl } from '@mx/testkit'
import { createCache as createCacheManager } from 'cache-manager'
import { Cacheable } from 'cacheable'
import { Redis } from 'ioredis'
import { Keyv } from 'keyv'
import { afterAll, describe, expect, it, vi } from 'vitest'
import {
  createCache,
  InvalidOptionError,
  KeysUnsupportedError,
  MissingPeerError,
  memoryTier,
  redisTier,
  type Tier,
} from '../src/index'
import { createKeyv, keyvStore } from '../src/keyv'
import { manualClock } from '../src/test-suite'
import { deleteKeys } from './helpers'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('createKeyv', () => {
  it('configures Keyv to pass values through: the memory tier holds what Keyv stores as is', async () => {
    const cache = createCache()
    const keyv = await createKeyv(cache)
    const value = { n: 1, when: new Date(0), tags: new Set(['a']) }
    await keyv.set('a', value)
    expect(keyv.serialize).toBeUndefined()
    expect(keyv.deserialize).toBeUndefined()
    expect(keyv.useKeyPrefix).toBe(false)
    // No Keyv encoding: the cache holds Keyv's { value, expires } object, value by reference.
    expect(await cache.get('a')).toEqual({ value, expires: undefined })
    expect(((await cache.get('a')) as { value: unknown }).value).toBe(value)
    expect(await keyv.get('a')).toBe(value)
    await cache.close()
  })

  it('maps its namespace to a cache namespace, without prefixing keys', async () => {
    const cache = createCache()
    const users = await createKeyv(cache, { namespace: 'users' })
    const posts = await createKeyv(cache, { namespace: 'posts' })
    await users.set('1', 'ada')
    await posts.set('1', 'hello')
    expect(await cache.namespace('users').get('1')).toEqual({ value: 'ada', expires: undefined })
    expect(await users.get('1')).toBe('ada')
    await users.clear()
    expect(await users.get('1')).toBeUndefined()
    expect(await posts.get('1')).toBe('hello')
    const entries: unknown[] = []
    for await (const entry of posts.iterator?.(undefined) ?? []) entries.push(entry)
    expect(entries).toEqual([['1', 'hello']])
    await cache.close()
  })

  it("applies Keyv's ttl and its own default ttl", async () => {
    const clock = manualClock(Date.now())
    const cache = createCache({ clock })
    const keyv = await createKeyv(cache, { ttl: 40 })
    await keyv.set('short', 1)
    await keyv.set('long', 2, 10_000)
    await clock.advance(60)
    expect(await keyv.get('short')).toBeUndefined()
    expect(await cache.get('short')).toBeUndefined()
    expect(await keyv.get('long')).toBe(2)
    await cache.close()
  })

  it('refuses bad options with InvalidOptionError naming the option', async () => {
    const cache = createCache()
    await expect(createKeyv(cache, { namespace: 'a b' })).rejects.toMatchObject({
      code: 'MX_INVALID_OPTION',
      option: 'namespace',
    })
    await expect(createKeyv(cache, { ttl: 0 })).rejects.toThrow('ttl must be a number > 0, got 0')
    await expect(createKeyv(cache, { lease: -1 })).rejects.toMatchObject({ option: 'lease' })
    await expect(createKeyv({} as Tier)).rejects.toThrow(
      'createKeyv() needs a cache (createCache()) or a tier, got an object',
    )
    expect(() => keyvStore(null as unknown as Tier)).toThrow(InvalidOptionError)
    expect(() => keyvStore(cache, 'x' as never)).toThrow(
      'keyvStore() options must be an object, got "x"',
    )
    expect(() => new Keyv({ store: keyvStore(cache), namespace: 'no spaces' })).toThrow(
      'namespace must contain only letters, digits, "_" and "-", got "no spaces"',
    )
    await cache.close()
  })

  it('throws MissingPeerError when keyv is not installed', async () => {
    vi.doMock('keyv', () => {
      throw new Error("Cannot find package 'keyv'")
    })
    try {
      const error = await createKeyv(createCache()).catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(MissingPeerError)
      expect((error as MissingPeerError).message).toBe(
        'createKeyv() needs the optional peer "keyv": install it (npm i keyv) or pass keyvStore() to your own Keyv, cache-manager or cacheable',
      )
    } finally {
      vi.doUnmock('keyv')
    }
  })
})

describe('keyvStore', () => {
  it('surfaces what Keyv must surface: bad ttls and unencodable values fail the set', async () => {
    const keyv = new Keyv({ store: keyvStore(createCache()), throwOnErrors: true })
    await expect(keyv.set('a', 1, -5)).rejects.toThrow('ttl must be a number > 0, got -5')
    const errors: unknown[] = []
    const quiet = new Keyv({ store: keyvStore(createCache()) })
    quiet.on('error', (error) => errors.push(error))
    expect(await quiet.set('a', 1, -5)).toBe(false)
    expect(errors[0]).toBeInstanceOf(InvalidOptionError)
  })

  it('reports a failing tier as a Keyv error event and keeps serving from the others', async () => {
    const cache = createCache({
      tiers: [memoryTier(), redisTier({ url: 'redis://127.0.0.1:1', timeout: 50 })],
    })
    const keyv = await createKeyv(cache)
    const errors: unknown[] = []
    keyv.on('error', (error) => errors.push(error))
    expect(await keyv.set('a', 'still works')).toBe(true)
    expect(await keyv.get('a')).toBe('still works')
    expect(errors.length).toBeGreaterThan(0)
    await cache.close()
  })

  it('iterating a cache whose tiers cannot list keys throws KeysUnsupportedError', async () => {
    const inner = memoryTier()
    const blind: Tier = { ...inner, name: 'blind', keys: undefined }
    const keyv = await createKeyv(createCache({ tiers: [blind] }))
    await keyv.set('a', 1)
    const iterate = async () => {
      for await (const _ of keyv.iterator?.(undefined) ?? []) {
        // nothing
      }
    }
    await expect(iterate()).rejects.toBeInstanceOf(KeysUnsupportedError)
    await expect(iterate()).rejects.toThrow(
      'no tier of this cache can list its keys (tiers: blind)',
    )
  })

  it('closes a cache it made from a tier on disconnect, and not a cache it was given', async () => {
    const given = createCache()
    await new Keyv({ store: keyvStore(given) }).disconnect()
    await given.set('still', 'open')
    const store = keyvStore(memoryTier())
    await new Keyv({ store }).disconnect()
    await expect(store.cache.set('a', 1)).rejects.toThrow('the cache is closed')
    await given.close()
  })
})

describe('lease (single flight for wrap)', () => {
  it('runs a cache-manager wrap once for two managers on one cache at the same time', async () => {
    const cache = createCache()
    const first = createCacheManager({ stores: [await createKeyv(cache, { lease: 5_000 })] })
    const second = createCacheManager({ stores: [await createKeyv(cache, { lease: 5_000 })] })
    let runs = 0
    const load = async () => {
      runs++
      await sleep(50)
      return { total: 42 }
    }
    const results = await Promise.all([
      first.wrap('report', load, 60_000),
      second.wrap('report', load, 60_000),
    ])
    expect(results).toEqual([{ total: 42 }, { total: 42 }])
    expect(runs).toBe(1)
    expect(await cache.get('report')).toMatchObject({ value: { total: 42 } })
    await cache.close()
  })

  it('ends an unfulfilled lease after `lease` ms: waiters then miss and nothing is cached', async () => {
    // The lease's timer is a plain setTimeout: fake timers drive it, no test sleeps.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      const cache = createCache()
      const keyv = await createKeyv(cache, { lease: 100 })
      expect(await keyv.get('k')).toBeUndefined() // takes the lease, never sets
      let settled = false
      const waiter = keyv.get('k').finally(() => {
        settled = true
      })
      await vi.advanceTimersByTimeAsync(99)
      expect(settled).toBe(false) // waits for the lease...
      await vi.advanceTimersByTimeAsync(1)
      expect(await waiter).toBeUndefined() // ...then misses
      expect(await cache.has('k')).toBe(false)
      await cache.close()
    } finally {
      vi.useRealTimers()
    }
  })

  it('ends the lease on delete and applies the ttl of the set that fulfils it', async () => {
    const clock = manualClock(Date.now())
    const cache = createCache({ clock })
    const keyv = await createKeyv(cache, { lease: 10_000 })
    expect(await keyv.get('a')).toBeUndefined()
    const waiting = keyv.get('a')
    await keyv.delete('a')
    expect(await waiting).toBeUndefined()
    expect(await keyv.get('b')).toBeUndefined()
    await keyv.set('b', 'value', 40)
    expect(await keyv.get('b')).toBe('value')
    await clock.advance(60)
    expect(await cache.get('b')).toBeUndefined()
    await cache.close()
  })
})

describe('cache-manager v7 and cacheable on the Keyv store', () => {
  it('cache-manager: set, get, mset, mget, ttl, del, wrap, clear', async () => {
    const cache = createCache({ tiers: [memoryTier()] })
    const manager = createCacheManager({ stores: [await createKeyv(cache)] })
    await manager.set('a', { n: 1 }, 60_000)
    expect(await manager.get('a')).toEqual({ n: 1 })
    await manager.mset([
      { key: 'b', value: 2 },
      { key: 'c', value: 3, ttl: 1_000 },
    ])
    expect(await manager.mget(['a', 'b', 'c', 'd'])).toEqual([{ n: 1 }, 2, 3, undefined])
    expect(await manager.ttl('c')).toBeGreaterThan(Date.now())
    await manager.del('a')
    expect(await manager.get('a')).toBeUndefined()
    expect(await manager.wrap('w', async () => 'made')).toBe('made')
    expect(await manager.wrap('w', async () => 'again')).toBe('made')
    await manager.clear()
    expect(await manager.get('b')).toBeUndefined()
    await cache.close()
  })

  it('cacheable: set, get, getOrSet, has, delete', async () => {
    const cache = createCache({ tiers: [memoryTier()] })
    const cacheable = new Cacheable({ primary: await createKeyv(cache), ttl: '1m' })
    await cacheable.set('a', { n: 1 })
    expect(await cacheable.get('a')).toEqual({ n: 1 })
    expect(await cacheable.has('a')).toBe(true)
    expect(await cacheable.getOrSet('b', async () => 'made')).toBe('made')
    expect(await cacheable.getOrSet('b', async () => 'again')).toBe('made')
    await cacheable.delete('a')
    expect(await cacheable.get('a')).toBeUndefined()
    await cache.close()
  })
})

describeRedis('which layer encodes, on the Redis tier', () => {
  const prefix = keyPrefix(import.meta.url)
  afterAll(() => deleteKeys(prefix))

  it('createKeyv: the record holds one encoding (ours) of the value', async () => {
    const cache = createCache({ tiers: [redisTier({ url: redisUrl(), prefix })] })
    const keyv = await createKeyv(cache)
    const redis = new Redis(redisUrl())
    const record = async (key: string) =>
      ((await redis.getBuffer(`${prefix}e:${key}`)) as Buffer).toString('latin1')
    // With a ttl, Keyv's { value, expires } is plain JSON: one JSON encoding.
    await keyv.set('doc', { title: 'a "quoted" title' }, 60_000)
    expect(await record('doc')).toMatch(
      /\{"value":\{"title":"a \\"quoted\\" title"\},"expires":\d+\}/,
    )
    // Without one, `expires: undefined` is not JSON: the default serializer uses node:v8, which
    // keeps the string as it is (no escaping at all).
    await keyv.set('raw', { title: 'a "quoted" title' })
    expect(await record('raw')).toContain('a "quoted" title')
    expect(await keyv.get('doc')).toEqual({ title: 'a "quoted" title' })
    expect(await keyv.get('raw')).toEqual({ title: 'a "quoted" title' })
    redis.disconnect()
    await cache.close()
  })

  it('stock Keyv serializes first, so the record holds a JSON string inside ours', async () => {
    const cache = createCache({ tiers: [redisTier({ url: redisUrl(), prefix: `${prefix}s:` })] })
    const keyv = new Keyv({ store: keyvStore(cache), useKeyPrefix: false })
    await keyv.set('doc', { title: 'x' })
    const redis = new Redis(redisUrl())
    const record = (
      (await redis.getBuffer(`${prefix}s:e:\u0000keyv\u0000doc`)) as Buffer
    ).toString()
    redis.disconnect()
    expect(record).toContain('"{\\"value\\":{\\"title\\":\\"x\\"}')
    expect(await keyv.get('doc')).toEqual({ title: 'x' })
    await cache.close()
  })
})
