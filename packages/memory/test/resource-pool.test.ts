import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { describe, expect, it } from 'vitest'
import {
  AcquireTimeoutError,
  createResourcePool,
  DoubleReleaseError,
  MaxWaitingError,
  PoolDrainedError,
  ResourceCreateError,
} from '../src/index'
import { flush, manualClock } from './helpers/manual-clock'

interface Parser {
  id: number
  healthy: boolean
}

/** The `create` and `destroy` options of a pool of parsers; `destroy` logs ids into `destroyed`. */
function parsers(destroyed: number[] = []) {
  let next = 0
  return {
    create: async (): Promise<Parser> => ({ id: next++, healthy: true }),
    destroy: async (parser: Parser) => {
      destroyed.push(parser.id)
    },
  }
}

describe('createResourcePool', () => {
  it('serves waiters in FIFO order as resources come back', async () => {
    const factory = parsers()
    const pool = createResourcePool({ ...factory, max: 1 })
    const held = await pool.acquire()
    const order: string[] = []
    const waiting = ['a', 'b', 'c'].map((name) =>
      pool.acquire().then((parser) => {
        order.push(name)
        return parser
      }),
    )
    await flush()
    expect(pool.stats().waiting).toBe(3)
    pool.release(held)
    const a = await waiting[0]
    const late = pool.acquire().then(() => order.push('late'))
    pool.release(a as Parser)
    pool.release((await waiting[1]) as Parser)
    pool.release((await waiting[2]) as Parser)
    await late
    expect(order).toEqual(['a', 'b', 'c', 'late'])
  })

  it('rejects with MX_MEMORY_ACQUIRE_TIMEOUT once acquireTimeout has passed', async () => {
    const clock = manualClock()
    const pool = createResourcePool({ ...parsers(), max: 1, acquireTimeout: '2s', clock })
    await pool.acquire()
    const waiter = pool.acquire()
    const outcome = waiter.catch((error: unknown) => error)
    clock.advance(1999)
    await flush()
    expect(pool.stats().waiting).toBe(1)
    clock.advance(1)
    const error = (await outcome) as AcquireTimeoutError
    expect(error).toBeInstanceOf(AcquireTimeoutError)
    expect(error.code).toBe('MX_MEMORY_ACQUIRE_TIMEOUT')
    expect(error.message).toBe('acquire() timed out after 2000ms')
    expect(pool.stats()).toMatchObject({ waiting: 0, timeouts: 1 })
  })

  it('publishes acquire timeouts on the mx:memory:pool:acquire-timeout channel', async () => {
    const clock = manualClock()
    const pool = createResourcePool({ ...parsers(), max: 1, acquireTimeout: 10, clock })
    const seen: unknown[] = []
    const listener = (message: unknown) => seen.push(message)
    subscribe('mx:memory:pool:acquire-timeout', listener)
    try {
      await pool.acquire()
      const waiter = pool.acquire().catch(() => 'timed out')
      clock.advance(10)
      expect(await waiter).toBe('timed out')
    } finally {
      unsubscribe('mx:memory:pool:acquire-timeout', listener)
    }
    expect(seen).toEqual([{ timeout: 10, waiting: 0 }])
  })

  it('times out each waiter at its own deadline', async () => {
    const clock = manualClock()
    const pool = createResourcePool({ ...parsers(), max: 1, acquireTimeout: 1000, clock })
    await pool.acquire()
    const first = pool.acquire().catch((error: unknown) => error)
    clock.advance(600)
    const second = pool.acquire().catch((error: unknown) => error)
    clock.advance(400)
    expect(await first).toBeInstanceOf(AcquireTimeoutError)
    await flush()
    expect(pool.stats().waiting).toBe(1)
    clock.advance(600)
    expect(await second).toBeInstanceOf(AcquireTimeoutError)
  })

  it('gives a resource released after its waiter timed out to the next caller, never leaking it', async () => {
    const clock = manualClock()
    const pool = createResourcePool({ ...parsers(), max: 1, acquireTimeout: 100, clock })
    const held = await pool.acquire()
    const timedOut = pool.acquire().catch((error: unknown) => error)
    clock.advance(100)
    expect(await timedOut).toBeInstanceOf(AcquireTimeoutError)
    pool.release(held)
    expect(pool.stats()).toMatchObject({ size: 1, idle: 1, borrowed: 0, waiting: 0 })
    expect(await pool.acquire()).toBe(held)
  })

  it('skips a waiter that aborted while queued behind others', async () => {
    const pool = createResourcePool({ ...parsers(), max: 1 })
    const held = await pool.acquire()
    const controller = new AbortController()
    const first = pool.acquire()
    const aborted = pool.acquire({ signal: controller.signal }).catch(() => 'aborted')
    const third = pool.acquire()
    controller.abort()
    expect(await aborted).toBe('aborted')
    pool.release(held)
    pool.release(await first)
    expect(await third).toBe(held)
    expect(pool.stats()).toMatchObject({ borrowed: 1, waiting: 0, idle: 0 })
  })

  it('keeps a resource whose creation finished after its waiter timed out', async () => {
    const clock = manualClock()
    let finish: (parser: Parser) => void = () => {}
    const pool = createResourcePool<Parser>({
      create: () => new Promise<Parser>((resolve) => (finish = resolve)),
      max: 1,
      acquireTimeout: 50,
      clock,
    })
    const timedOut = pool.acquire().catch((error: unknown) => error)
    await flush()
    expect(pool.stats().creating).toBe(1)
    clock.advance(50)
    expect(await timedOut).toBeInstanceOf(AcquireTimeoutError)
    const late = { id: 7, healthy: true }
    finish(late)
    await flush()
    expect(pool.stats()).toMatchObject({ size: 1, idle: 1, borrowed: 0, creating: 0 })
    expect(await pool.acquire()).toBe(late)
  })

  it('refuses callers beyond maxWaiting', async () => {
    const pool = createResourcePool({ ...parsers(), max: 1, maxWaiting: 1 })
    await pool.acquire()
    void pool.acquire().catch(() => {})
    const refused = await pool.acquire().catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(MaxWaitingError)
    expect((refused as MaxWaitingError).code).toBe('MX_MEMORY_MAX_WAITING')
    expect((refused as Error).message).toBe(
      'acquire() refused: 1 callers are already waiting (maxWaiting)',
    )
    expect(pool.stats().refused).toBe(1)
  })

  it('with maxWaiting 0, still serves callers from idle or new resources', async () => {
    const pool = createResourcePool({
      ...parsers(),
      validate: () => true,
      max: 2,
      maxWaiting: 0,
    })
    const first = await pool.acquire() // created
    pool.release(first)
    expect(await pool.acquire()).toBe(first) // idle, validated
    await pool.acquire() // created
    await expect(pool.acquire()).rejects.toBeInstanceOf(MaxWaitingError)
  })

  it('validates idle resources on borrow and replaces the ones that fail', async () => {
    const destroyed: number[] = []
    const pool = createResourcePool({
      ...parsers(destroyed),
      validate: (parser: Parser) => parser.healthy,
      max: 2,
    })
    const parser = await pool.acquire()
    pool.release(parser)
    parser.healthy = false
    const next = await pool.acquire()
    expect(next).not.toBe(parser)
    await flush()
    expect(destroyed).toEqual([parser.id])
    expect(pool.stats()).toMatchObject({ validationFailures: 1, size: 1, borrowed: 1 })
  })

  it('evicts resources idle for longer than idleTimeout down to min', async () => {
    const clock = manualClock()
    const destroyed: number[] = []
    const pool = createResourcePool({
      ...parsers(destroyed),
      min: 1,
      max: 3,
      idleTimeout: '1s',
      clock,
    })
    const borrowed = await Promise.all([pool.acquire(), pool.acquire(), pool.acquire()])
    for (const parser of borrowed) pool.release(parser)
    expect(pool.stats().idle).toBe(3)
    clock.advance(999)
    expect(pool.stats().idle).toBe(3)
    clock.advance(1)
    await flush()
    expect(pool.stats()).toMatchObject({ idle: 1, size: 1, destroyed: 2 })
    expect(destroyed).toHaveLength(2)
  })

  it('fills min resources at start and after a destroy', async () => {
    const pool = createResourcePool({ ...parsers(), min: 2, max: 4 })
    await flush()
    expect(pool.stats()).toMatchObject({ idle: 2, created: 2 })
    const parser = await pool.acquire()
    await pool.destroy(parser)
    await flush()
    expect(pool.stats()).toMatchObject({ size: 2, idle: 2, destroyed: 1, created: 3 })
  })

  it('lists resources held longer than leakThreshold with the stack of the acquire', async () => {
    const clock = manualClock()
    const pool = createResourcePool({
      ...parsers(),
      max: 3,
      leakThreshold: '10s',
      captureStacks: true,
      clock,
    })
    async function loadSectionTree() {
      return pool.acquire()
    }
    await loadSectionTree()
    clock.advance(5000)
    await pool.acquire()
    clock.advance(6000)
    const leaks = pool.leaks()
    expect(leaks).toHaveLength(1)
    expect(leaks[0]?.heldFor).toBe(11_000)
    expect(leaks[0]?.stack).toContain('loadSectionTree')
    expect(pool.leaks('1s')).toHaveLength(2)
  })

  it('reports a borrowed resource collected without release and frees its slot', async () => {
    const pool = createResourcePool({ ...parsers(), max: 1, captureStacks: true })
    const reported = new Promise<{ stack: string | undefined }>((resolve) =>
      pool.on('leak', resolve),
    )
    await (async function forgetToRelease() {
      await pool.acquire()
    })()
    const { forceGc } = await import('./helpers/manual-clock')
    let lease: { stack: string | undefined } | undefined
    void reported.then((value) => (lease = value))
    for (let attempt = 0; attempt < 50 && lease === undefined; attempt++) {
      forceGc()
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    expect(lease?.stack).toContain('forgetToRelease')
    expect(pool.stats()).toMatchObject({ collectedWithoutRelease: 1, borrowed: 0 })
    const replacement = await pool.acquire()
    expect(replacement).toBeDefined()
    expect(pool.stats().size).toBe(1)
  })

  it('throws on a double release', async () => {
    const pool = createResourcePool({ ...parsers(), max: 1 })
    const parser = await pool.acquire()
    pool.release(parser)
    expect(() => pool.release(parser)).toThrow(DoubleReleaseError)
    expect(() => pool.release({ id: 99, healthy: true })).toThrow(
      'release() called for a resource that is not borrowed from this pool (released twice or never acquired)',
    )
  })

  it('rejects the oldest waiter when the factory fails', async () => {
    const pool = createResourcePool({
      create: async () => {
        throw new Error('parser binary missing')
      },
      max: 1,
    })
    const errors: unknown[] = []
    pool.on('createError', (error) => errors.push(error))
    const error = await pool.acquire().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ResourceCreateError)
    expect((error as ResourceCreateError).cause).toEqual(new Error('parser binary missing'))
    expect(errors).toHaveLength(1)
    expect(pool.stats()).toMatchObject({ size: 0, createErrors: 1 })
  })

  it('stops waiting when the signal aborts', async () => {
    const pool = createResourcePool({ ...parsers(), max: 1 })
    await pool.acquire()
    const controller = new AbortController()
    const waiting = pool.acquire({ signal: controller.signal }).catch((error: unknown) => error)
    controller.abort(new Error('request cancelled'))
    expect(await waiting).toEqual(new Error('request cancelled'))
    expect(pool.stats().waiting).toBe(0)
  })

  it('use() releases the resource whether fn resolves or throws', async () => {
    const pool = createResourcePool({ ...parsers(), max: 1 })
    await expect(pool.use(async (parser) => parser.id)).resolves.toBe(0)
    await expect(
      pool.use(() => {
        throw new Error('bad doc')
      }),
    ).rejects.toThrow('bad doc')
    await expect(pool.use(async () => Promise.reject(new Error('async bad')))).rejects.toThrow(
      'async bad',
    )
    expect(pool.stats()).toMatchObject({ borrowed: 0, idle: 1, acquired: 3, released: 3 })
  })

  it('use() rejects with DoubleReleaseError when fn already released the resource', async () => {
    const pool = createResourcePool({ ...parsers(), max: 1 })
    await expect(
      pool.use(async (parser) => {
        pool.release(parser)
        return parser.id
      }),
    ).rejects.toBeInstanceOf(DoubleReleaseError)
    expect(pool.stats()).toMatchObject({ borrowed: 0, idle: 1 })
  })

  it('use() waits FIFO behind earlier callers when every resource is busy', async () => {
    const pool = createResourcePool({ ...parsers(), max: 1 })
    const order: number[] = []
    await Promise.all(
      [1, 2, 3, 4].map((n) =>
        pool.use(async () => {
          await Promise.resolve()
          order.push(n)
        }),
      ),
    )
    expect(order).toEqual([1, 2, 3, 4])
    expect(pool.stats()).toMatchObject({ size: 1, created: 1, acquired: 4, released: 4 })
  })

  it('drain() rejects waiters, waits for borrowed resources and destroys everything', async () => {
    const destroyed: number[] = []
    const pool = createResourcePool({ ...parsers(destroyed), max: 2 })
    const a = await pool.acquire()
    const b = await pool.acquire()
    pool.release(b)
    const [c] = await Promise.all([pool.acquire()])
    const waiter = pool.acquire().catch((error: unknown) => error)
    let drained = false
    const draining = pool.drain().then(() => (drained = true))
    expect(await waiter).toBeInstanceOf(PoolDrainedError)
    await expect(pool.acquire()).rejects.toMatchObject({ code: 'MX_MEMORY_POOL_DRAINED' })
    await flush()
    expect(drained).toBe(false)
    pool.release(a)
    pool.release(c as Parser)
    await draining
    expect(drained).toBe(true)
    expect(destroyed.sort()).toEqual([0, 1])
    expect(pool.stats()).toMatchObject({ size: 0, borrowed: 0, idle: 0 })
  })

  it('shrink() destroys idle resources down to the number asked', async () => {
    const pool = createResourcePool({ ...parsers(), max: 4 })
    const all = await Promise.all([1, 2, 3].map(() => pool.acquire()))
    for (const parser of all) pool.release(parser)
    expect(await pool.shrink(1)).toBe(2)
    expect(pool.stats()).toMatchObject({ idle: 1, size: 1 })
  })

  it('validates its options with exact messages', () => {
    const { create } = parsers()
    expect(() => createResourcePool({ create: undefined as never })).toThrow(
      'create must be a function, got undefined',
    )
    expect(() => createResourcePool({ create, max: 0 })).toThrow(
      'max must be a positive integer, got 0',
    )
    expect(() => createResourcePool({ create, min: 3, max: 2 })).toThrow(
      'min must not exceed max (2), got 3',
    )
    expect(() => createResourcePool({ create, acquireTimeout: -5 })).toThrow(
      "acquireTimeout must be a positive duration in milliseconds or a string such as '500ms' or '5m', got -5",
    )
    expect(() => createResourcePool({ create, maxWaiting: 1.5 })).toThrow(
      'maxWaiting must be a non-negative integer, got 1.5',
    )
  })
})
