import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { describe, expect, it, vi } from 'vitest'
import {
  CacheClosedError,
  createCache,
  FactoryError,
  FactoryTimeoutError,
  keyOf,
  memoryTier,
} from '../src/index'
import { manualClock } from '../src/test-suite'

function setup(options: Parameters<typeof createCache>[0] = {}) {
  const clock = manualClock()
  const cache = createCache({ clock, tiers: [memoryTier({ clock })], ...options })
  return { clock, cache }
}

function deferred<T>() {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

describe('createCache getOrSet', () => {
  it('runs the factory once for 1,000 concurrent callers on a cold key', async () => {
    const { cache } = setup()
    const gate = deferred<string>()
    const factory = vi.fn(() => gate.promise)
    const calls = Array.from({ length: 1_000 }, () => cache.getOrSet('cold', factory))
    gate.resolve('value')
    const values = await Promise.all(calls)
    expect(factory).toHaveBeenCalledTimes(1)
    expect(new Set(values)).toEqual(new Set(['value']))
    expect(cache.getSync('cold')).toBe('value')
  })

  it('serves a cached value without calling the factory until the ttl passes', async () => {
    const { cache, clock } = setup()
    const factory = vi.fn(async () => 'v')
    await cache.getOrSet('k', factory, { ttl: 1_000 })
    clock.advance(999)
    await cache.getOrSet('k', factory, { ttl: 1_000 })
    expect(factory).toHaveBeenCalledTimes(1)
    clock.advance(1)
    await cache.getOrSet('k', factory, { ttl: 1_000 })
    expect(factory).toHaveBeenCalledTimes(2)
  })

  it('serves the stale value within grace when the factory fails, and wraps the error otherwise', async () => {
    const { cache, clock } = setup({ grace: 5_000 })
    await cache.getOrSet('k', () => 'old', { ttl: 1_000 })
    clock.advance(2_000)
    const errors: unknown[] = []
    cache.on('error', ({ error }) => errors.push(error))
    expect(await cache.getOrSet('k', () => Promise.reject(new Error('boom')))).toBe('old')
    expect(errors).toHaveLength(1)
    clock.advance(5_000)
    const failure = cache.getOrSet('k', () => Promise.reject(new Error('boom')))
    await expect(failure).rejects.toBeInstanceOf(FactoryError)
    await expect(failure).rejects.toMatchObject({ code: 'MX_CACHE_FACTORY_ERROR' })
  })

  it('returns the stale value at the soft timeout and stores the fresh one when it arrives', async () => {
    const { cache, clock } = setup({ grace: 60_000, timeouts: { soft: 5 } })
    await cache.getOrSet('k', () => 'old', { ttl: 1_000 })
    clock.advance(1_500)
    const gate = deferred<string>()
    expect(await cache.getOrSet('k', () => gate.promise)).toBe('old')
    const stored = new Promise((resolve) => cache.on('set', resolve))
    gate.resolve('new')
    await stored
    expect(cache.getSync('k')).toBe('new')
  })

  it('rejects with MX_CACHE_FACTORY_TIMEOUT at the hard timeout when nothing stale exists', async () => {
    const { cache } = setup({ timeouts: { hard: 5 } })
    const never = new Promise<string>(() => {})
    const result = cache.getOrSet('k', () => never)
    await expect(result).rejects.toBeInstanceOf(FactoryTimeoutError)
    await expect(result).rejects.toMatchObject({
      code: 'MX_CACHE_FACTORY_TIMEOUT',
      message: 'factory for key "k" timed out after 5 ms',
    })
  })

  it('lets the factory change the ttl and tags, or skip caching', async () => {
    const { cache, clock } = setup()
    await cache.getOrSet('short', (ctx) => {
      ctx.setTtl(100)
      ctx.setTags(['doc'])
      return 1
    })
    clock.advance(100)
    expect(cache.getSync('short')).toBeUndefined()
    await cache.getOrSet('tagged', (ctx) => {
      ctx.setTags(['doc'])
      return 2
    })
    await cache.invalidate({ tags: ['doc'] })
    expect(cache.getSync('tagged')).toBeUndefined()
    const skipped = await cache.getOrSet('skipped', (ctx) => {
      ctx.skip()
      return 3
    })
    expect(skipped).toBe(3)
    expect(await cache.has('skipped')).toBe(false)
  })

  it('lets the factory set a grace with the ttl; one refresh runs while callers get the stale value', async () => {
    const { cache, clock } = setup()
    await cache.getOrSet('graced', (ctx) => {
      ctx.setTtl(100, 50)
      return 'old'
    })
    clock.advance(120)
    const refresh = deferred<string>()
    const stale = cache.getOrSet('graced', () => refresh.promise, { timeouts: { soft: 1 } })
    expect(await stale).toBe('old')
    // While that refresh runs, later callers get the stale value without starting another.
    const again = vi.fn(() => 'other')
    expect(await cache.getOrSet('graced', again, { timeouts: { soft: 1 } })).toBe('old')
    expect(again).not.toHaveBeenCalled()
    refresh.resolve('new')
    await vi.waitFor(() => expect(cache.getSync('graced')).toBe('new'))
    clock.advance(160)
    expect(await cache.getOrSet('graced', () => 'newest', { timeouts: { soft: 1 } })).toBe('new')
    clock.advance(60_000)
    expect(await cache.getOrSet('graced', () => 'newest', { timeouts: { soft: 1 } })).toBe('newest')
    await expect(
      cache.getOrSet('bad', (ctx) => {
        ctx.setTtl(10, -1)
        return 1
      }),
    ).rejects.toMatchObject({ code: 'MX_CACHE_FACTORY_ERROR' })
  })

  it('does not cache a factory result that an invalidation made obsolete while it ran', async () => {
    const { cache } = setup()
    const gates = [deferred<string>(), deferred<string>(), deferred<string>()]
    const runs = gates.map((gate, i) =>
      cache.getOrSet(`k${i}`, () => gate.promise, { tags: ['t'] }),
    )
    await cache.invalidate({ keys: ['k0'] })
    await cache.invalidate({ tags: ['t'] })
    gates[0]?.resolve('zero')
    gates[1]?.resolve('one')
    expect(await runs[0]).toBe('zero')
    expect(await runs[1]).toBe('one')
    expect(cache.getSync('k0')).toBeUndefined()
    expect(cache.getSync('k1')).toBeUndefined()
    const late = cache.getOrSet('k3', () => gates[2]?.promise as Promise<string>)
    await cache.set('k3', 'newer')
    gates[2]?.resolve('older')
    expect(await late).toBe('older')
    expect(cache.getSync('k3')).toBe('newer')
  })

  it('does not cache a background refresh invalidated after the soft timeout answered', async () => {
    const { cache, clock } = setup({ grace: 60_000, timeouts: { soft: 5 } })
    await cache.getOrSet('k', () => 'old', { ttl: 1_000 })
    clock.advance(1_500)
    const gate = deferred<string>()
    expect(await cache.getOrSet('k', () => gate.promise)).toBe('old')
    await cache.invalidate({ keys: ['k'] })
    const errors: unknown[] = []
    cache.on('error', ({ error }) => errors.push(error))
    gate.resolve('refreshed')
    await gate.promise
    await new Promise((resolve) => setImmediate(resolve))
    expect(cache.getSync('k')).toBeUndefined()
    expect(errors).toEqual([])
  })

  it('spreads expiries with jitter, never past the ttl', async () => {
    const { cache, clock } = setup({ jitter: 0.5 })
    for (let i = 0; i < 50; i++) await cache.set(`k${i}`, i, { ttl: 1_000 })
    clock.advance(500)
    const alive = Array.from({ length: 50 }, (_, i) => cache.getSync(`k${i}`)).filter(
      (v) => v !== undefined,
    )
    expect(alive.length).toBe(50)
    clock.advance(499)
    const later = Array.from({ length: 50 }, (_, i) => cache.getSync(`k${i}`)).filter(
      (v) => v !== undefined,
    )
    expect(later.length).toBeLessThan(50)
    clock.advance(1)
    expect(
      Array.from({ length: 50 }, (_, i) => cache.getSync(`k${i}`)).every((v) => v === undefined),
    ).toBe(true)
  })
})

describe('createCache basic operations', () => {
  it('gets, sets, deletes and checks keys, including undefined-free misses', async () => {
    const { cache } = setup()
    expect(await cache.get('a')).toBeUndefined()
    await cache.set('a', { n: 1 })
    expect(await cache.get('a')).toEqual({ n: 1 })
    expect(await cache.has('a')).toBe(true)
    await cache.delete('a')
    expect(await cache.has('a')).toBe(false)
  })

  it('reads and writes several keys at once', async () => {
    const { cache } = setup()
    await cache.setMany([
      { key: 'a', value: 1 },
      { key: 'b', value: 2, ttl: 10 },
    ])
    expect(await cache.getMany(['a', 'b', 'c'])).toEqual([1, 2, undefined])
  })

  it('invalidates by keys, tags, glob pattern and dependency', async () => {
    const { cache } = setup()
    await cache.set('doc:1', 1, { tags: ['docs'] })
    await cache.set('doc:2', 2, { dependsOn: 'file:/a.md' })
    await cache.set('doc:3', 3)
    await cache.set('img:1', 4, { dependsOn: ['file:/a.md', 'file:/b.md'] })
    await cache.invalidate({ dependsOn: 'file:/b.md' })
    expect(cache.getSync('img:1')).toBeUndefined()
    expect(cache.getSync('doc:2')).toBe(2)
    await cache.invalidate({ tags: ['docs'] })
    expect(cache.getSync('doc:1')).toBeUndefined()
    await cache.invalidate({ pattern: 'doc:*' })
    expect(cache.getSync('doc:2')).toBeUndefined()
    expect(cache.getSync('doc:3')).toBeUndefined()
    await cache.set('x', 1)
    await cache.invalidate({ keys: ['x'] })
    expect(cache.getSync('x')).toBeUndefined()
  })

  it('isolates namespaces, including keys that look like namespace paths', async () => {
    const { cache } = setup({ namespace: 'meta' })
    const sub = cache.namespace('sub')
    await cache.set('sub:k', 'parent')
    await sub.set('k', 'child')
    expect(cache.getSync('sub:k')).toBe('parent')
    expect(sub.getSync('k')).toBe('child')
    await sub.clear()
    expect(sub.getSync('k')).toBeUndefined()
    expect(cache.getSync('sub:k')).toBe('parent')
    await sub.set('t', 1, { tags: ['x'] })
    await cache.invalidate({ tags: ['x'] })
    expect(sub.getSync('t')).toBe(1)
  })

  it('memoizes a function with wrap, keyed by its arguments', async () => {
    const { cache } = setup()
    const add = vi.fn(async (a: number, b: number) => a + b)
    const memo = cache.wrap(add, { key: (a, b) => `add:${a}:${b}` })
    expect(await memo(1, 2)).toBe(3)
    expect(await memo(1, 2)).toBe(3)
    expect(await memo(2, 2)).toBe(4)
    expect(add).toHaveBeenCalledTimes(2)
    async function multiply(a: number, b: number) {
      return a * b
    }
    await cache.wrap(multiply)(5, 5)
    expect(cache.getSync(keyOf('multiply', 5, 5))).toBe(25)
  })

  it('warms from entries or a loader, and re-warms on an interval until stopped', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    try {
      const { cache } = setup()
      const first = await cache.warm([{ key: 'a', value: 1 }])
      expect(first.count).toBe(1)
      let version = 0
      const handle = await cache.warm(() => [{ key: 'v', value: ++version }], { interval: 1_000 })
      expect(cache.getSync('v')).toBe(1)
      const stored = new Promise((resolve) => cache.on('set', resolve))
      await vi.advanceTimersByTimeAsync(1_000)
      await stored
      expect(cache.getSync('v')).toBe(2)
      handle.stop()
      await vi.advanceTimersByTimeAsync(5_000)
      expect(cache.getSync('v')).toBe(2)
      await cache.close()
    } finally {
      vi.useRealTimers()
    }
  })

  it('counts hits and misses per tier and samples lookup latency', async () => {
    const { cache } = setup()
    await cache.getOrSet('a', () => 1)
    cache.getSync('a')
    await cache.get('a')
    await cache.get('b')
    const stats = cache.stats()
    expect(stats.hits).toBe(2)
    expect(stats.misses).toBe(2)
    expect(stats.factoryRuns).toBe(1)
    expect(stats.tiers[0]).toMatchObject({ name: 'memory', hits: 2 })
    expect(stats.latency.samples).toBeGreaterThan(0)
  })

  it('emits hit, miss, set and evict events; on() returns an unsubscribe', async () => {
    const clock = manualClock()
    const cache = createCache({ clock, tiers: [memoryTier({ maxEntries: 1, clock })] })
    const seen: string[] = []
    const offs = (['hit', 'miss', 'set', 'evict'] as const).map((event) =>
      cache.on(event, () => seen.push(event)),
    )
    await cache.getOrSet('a', () => 1)
    await cache.get('a')
    await cache.set('b', 2)
    for (const off of offs) off()
    await cache.get('zzz')
    expect(seen).toEqual(['miss', 'set', 'hit', 'evict', 'set'])
  })

  it('sends the metrics sink and the diagnostics channel what happened', async () => {
    const records: string[] = []
    const { cache } = setup({ metrics: { record: (name) => records.push(name) } })
    const traced: unknown[] = []
    const onStart = (message: unknown) => traced.push(message)
    subscribe('tracing:mx:cache:factory:start', onStart)
    try {
      await cache.getOrSet('a', () => 1)
    } finally {
      unsubscribe('tracing:mx:cache:factory:start', onStart)
    }
    expect(traced).toMatchObject([{ key: 'a' }])
    expect(records).toContain('mx_cache_factory_ms')
    expect(records).toContain('mx_cache_lookup_ms')
  })

  it('rejects calls after close with MX_CACHE_CLOSED', async () => {
    const { cache } = setup()
    await cache.set('a', 1)
    await cache.close()
    expect(() => cache.getSync('a')).toThrow(CacheClosedError)
    await expect(cache.get('a')).rejects.toBeInstanceOf(CacheClosedError)
    await expect(cache.getOrSet('a', () => 2)).rejects.toMatchObject({ code: 'MX_CACHE_CLOSED' })
    await expect(cache.set('a', 1)).rejects.toMatchObject({ code: 'MX_CACHE_CLOSED' })
  })

  it('shrinks memory tiers on demand', async () => {
    const { cache } = setup()
    for (let i = 0; i < 10; i++) await cache.set(`k${i}`, i)
    expect(cache.shrink(0.3)).toBe(3)
    expect(cache.getSync('k0')).toBeUndefined()
    expect(cache.getSync('k9')).toBe(9)
  })
})
