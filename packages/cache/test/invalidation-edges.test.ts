import { channel } from 'node:diagnostics_channel'
import { expectInvalidOption, rejected, thrown } from '@mx/testkit'
import { afterEach, describe, expect, it, vi } from 'vitest'
import {
  type Bus,
  type BusMessage,
  createCache,
  InvalidOptionError,
  memoryTier,
  redisBus,
} from '../src/index'
import { manualClock } from '../src/test-suite'

function gate(): { promise: Promise<void>; open(): void } {
  let open = () => {}
  const promise = new Promise<void>((resolve) => {
    open = resolve
  })
  return { promise, open }
}

/** Starts `getOrSet(key)` with a factory that waits for `release`; resolves once it runs. */
async function running(cache: ReturnType<typeof createCache>, key: string) {
  const release = gate()
  const started = gate()
  const result = cache.getOrSet(key, async () => {
    started.open()
    await release.promise
    return `computed ${key}`
  })
  await started.promise
  return { result, release: release.open }
}

describe('invalidations while a factory runs', () => {
  it('clear() makes the running result obsolete: returned to the caller, not cached', async () => {
    const cache = createCache({ namespace: 'ns' })
    const flight = await running(cache, 'k')
    await cache.clear()
    flight.release()
    expect(await flight.result).toBe('computed k')
    expect(cache.getSync('k')).toBeUndefined()
    await cache.close()
  })

  it('a pattern supersedes the running factories whose key it matches, and only those', async () => {
    const cache = createCache()
    const matching = await running(cache, 'user:1')
    const other = await running(cache, 'order:1')
    await cache.invalidate({ pattern: 'user:*' })
    matching.release()
    other.release()
    expect(await matching.result).toBe('computed user:1')
    expect(await other.result).toBe('computed order:1')
    expect(cache.getSync('user:1')).toBeUndefined()
    expect(cache.getSync('order:1')).toBe('computed order:1')
    await cache.close()
  })

  it('refuses a pattern that is not a string', async () => {
    const cache = createCache()
    expectInvalidOption(
      await rejected(() => cache.invalidate({ pattern: 42 as unknown as string })),
      InvalidOptionError,
      'pattern',
      'pattern must be a string, got 42',
    )
    await cache.close()
  })

  it('publishes each invalidation on the mx:cache:invalidate diagnostics channel', async () => {
    const cache = createCache()
    const seen: unknown[] = []
    const onMessage = (message: unknown) => seen.push(message)
    channel('mx:cache:invalidate').subscribe(onMessage)
    try {
      await cache.invalidate({ keys: ['a'] })
      await cache.invalidate({ tags: ['t'] })
    } finally {
      channel('mx:cache:invalidate').unsubscribe(onMessage)
    }
    expect(seen).toEqual([
      { op: 'keys', keys: ['a'] },
      { op: 'tags', tags: ['t'] },
    ])
    await cache.close()
  })
})

/** An in-process bus (a user may bring their own); `failures` says which calls throw. */
function localBus(failures: { publishThrows?: boolean; closeRejects?: boolean } = {}): Bus & {
  sent: BusMessage[]
} {
  const sent: BusMessage[] = []
  return {
    sent,
    publish(message) {
      if (failures.publishThrows) throw new Error('bus publish threw')
      sent.push(message)
      return Promise.resolve()
    },
    subscribe: () => Promise.resolve(() => {}),
    close: () =>
      failures.closeRejects ? Promise.reject(new Error('bus close')) : Promise.resolve(),
  }
}

describe('a bus that fails', () => {
  it('reports a publish that throws synchronously and still invalidates locally', async () => {
    const cache = createCache({ bus: localBus({ publishThrows: true }) })
    const errors: string[] = []
    cache.on('error', ({ operation }) => errors.push(operation))
    await cache.set('k', 1)
    await cache.delete('k')
    expect(cache.getSync('k')).toBeUndefined()
    expect(errors).toEqual(['bus.publish', 'bus.publish'])
    await cache.close()
  })

  it('reports a bus whose close rejects, and closes all the same', async () => {
    const cache = createCache({ bus: localBus({ closeRejects: true }) })
    const errors: string[] = []
    cache.on('error', ({ operation }) => errors.push(operation))
    await cache.close()
    expect(errors).toEqual(['bus.close'])
    expect(() => cache.getSync('k')).toThrow(expect.objectContaining({ code: 'MX_CACHE_CLOSED' }))
  })

  it('refuses an empty bus channel', () => {
    expectInvalidOption(
      thrown(() => redisBus({ url: 'redis://127.0.0.1:1', channel: '' })),
      InvalidOptionError,
      'channel',
      'channel must be a non-empty string',
    )
  })
})

describe('warm timers and close', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('close() stops a warm interval that was never stopped', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    const clock = manualClock()
    const cache = createCache({ clock, tiers: [memoryTier({ clock })] })
    let loads = 0
    const handle = await cache.warm(
      () => {
        loads++
        return [{ key: 'k', value: loads }]
      },
      { interval: 1_000 },
    )
    expect(handle.count).toBe(1)
    await cache.close()
    vi.advanceTimersByTime(10_000)
    expect(loads).toBe(1)
    handle.stop()
  })

  it('stop() on a handle without an interval does nothing', async () => {
    const cache = createCache()
    const handle = await cache.warm([{ key: 'k', value: 1 }])
    handle.stop()
    expect(handle.count).toBe(1)
    expect(cache.getSync('k')).toBe(1)
    await cache.close()
  })

  it('an interval over plain entries is refused (there is nothing to re-run), before anything is written', async () => {
    const cache = createCache()
    expectInvalidOption(
      await rejected(() => cache.warm([{ key: 'k', value: 1 }], { interval: 1_000 })),
      InvalidOptionError,
      'interval',
      'interval needs a loader function to re-run',
    )
    expect(cache.getSync('k')).toBeUndefined()
    await cache.close()
  })

  it('setMany of no entries writes and publishes nothing', async () => {
    const bus = localBus()
    const cache = createCache({ bus })
    const sets: string[] = []
    cache.on('set', ({ key }) => sets.push(key))
    await cache.setMany([])
    expect(bus.sent).toEqual([])
    expect(sets).toEqual([])
    await cache.close()
  })
})
