import { afterEach, describe, expect, it, vi } from 'vitest'
import { createCache, memoryTier } from '../src/index'
import { keyvStore } from '../src/keyv'
import { manualClock } from '../src/test-suite'

describe('keyvStore leases', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('setMany fulfils the leased keys and writes the others', async () => {
    const cache = createCache()
    const store = keyvStore(cache, { lease: 10_000 })
    expect(await store.get('leased')).toBeUndefined()
    const waiter = store.get('leased')
    await store.setMany([
      { key: 'leased', value: 'from setMany' },
      { key: 'plain', value: 'written', ttl: 60_000 },
    ])
    expect(await waiter).toBe('from setMany')
    expect(await cache.get('leased')).toBe('from setMany')
    expect(await cache.get('plain')).toBe('written')
    await cache.close()
  })

  it('setMany of only leased keys fulfils them with their ttl', async () => {
    const clock = manualClock(Date.now())
    const cache = createCache({ clock, tiers: [memoryTier({ clock })] })
    const store = keyvStore(cache, { lease: 10_000 })
    expect(await store.get('a')).toBeUndefined()
    await store.setMany([{ key: 'a', value: 1, ttl: 100 }])
    expect(await cache.get('a')).toBe(1)
    clock.advance(100)
    expect(await cache.get('a')).toBeUndefined()
    await cache.close()
  })

  it('set fulfils a lease without a ttl, and writes plainly when another key holds the lease', async () => {
    const cache = createCache()
    const store = keyvStore(cache, { lease: 10_000 })
    expect(await store.get('a')).toBeUndefined()
    expect(await store.set('b', 'not leased')).toBe(true)
    expect(await store.set('a', 'leased')).toBe(true)
    expect(await cache.get('a')).toBe('leased')
    expect(await cache.get('b')).toBe('not leased')
    await cache.close()
  })

  it('clear ends the leases of its own namespace only', async () => {
    const cache = createCache()
    const store = keyvStore(cache, { lease: 10_000 })
    store.namespace = 'one'
    expect(await store.get('k')).toBeUndefined()
    const waitingInOne = store.get('k')
    store.namespace = 'two'
    expect(await store.get('k')).toBeUndefined()
    const waitingInTwo = store.get('k')
    await store.clear()
    expect(await waitingInTwo).toBeUndefined()
    store.namespace = 'one'
    await store.set('k', 'still leased')
    expect(await waitingInOne).toBe('still leased')
    expect(await cache.namespace('one').get('k')).toBe('still leased')
    expect(await cache.namespace('two').get('k')).toBeUndefined()
    await cache.close()
  })

  it('disconnect ends open leases: their waiters miss', async () => {
    const cache = createCache()
    const store = keyvStore(cache, { lease: 10_000 })
    expect(await store.get('k')).toBeUndefined()
    const waiter = store.get('k')
    await store.disconnect()
    expect(await waiter).toBeUndefined()
    expect(await cache.has('k')).toBe(false)
    await cache.close()
  })

  it('a set after the hard timeout gave up on the lease still writes the value', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const cache = createCache({ timeouts: { hard: 50 } })
    const store = keyvStore(cache, { lease: 10_000 })
    expect(await store.get('k')).toBeUndefined()
    const waiter = store.get('k')
    const waiterError = waiter.catch((error: unknown) => error)
    await vi.advanceTimersByTimeAsync(50)
    expect(await waiterError).toMatchObject({ code: 'MX_CACHE_FACTORY_TIMEOUT' })
    expect(await store.set('k', 'late')).toBe(true)
    expect(await cache.get('k')).toBe('late')
    await cache.close()
  })
})

describe('keyvStore iterator', () => {
  it('skips listed keys whose value is no longer fresh', async () => {
    const clock = manualClock()
    const cache = createCache({ clock, tiers: [memoryTier({ clock })] })
    const store = keyvStore(cache)
    await cache.set('fresh', 1, { ttl: 60_000 })
    await cache.set('in-grace', 2, { ttl: 1_000, grace: 60_000 })
    clock.advance(2_000)
    const entries: unknown[] = []
    for await (const entry of store.iterator()) entries.push(entry)
    expect(entries).toEqual([['fresh', 1]])
    await cache.close()
  })
})
