import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { describe, expect, it } from 'vitest'
import {
  createResourcePool,
  DoubleReleaseError,
  type Lease,
  PoolDrainedError,
  type ResourcePool,
} from '../src/index'
import { flush, forceGc } from './helpers/manual-clock'

interface Conn {
  id: number
}

/** A pool factory of connections numbered from 0; `destroy` logs ids into `destroyed`. */
function connections(destroyed: number[] = []) {
  let next = 0
  return {
    create: async (): Promise<Conn> => ({ id: next++ }),
    destroy: async (conn: Conn) => {
      destroyed.push(conn.id)
    },
  }
}

/** A promise with its settle functions outside. */
function deferred<T>() {
  let resolve: (value: T) => void = () => {}
  let reject: (error: unknown) => void = () => {}
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

describe('createResourcePool: use() on an idle resource', () => {
  it('resolves with the value of an async fn and returns the resource to idle', async () => {
    const pool = createResourcePool({ ...connections(), max: 1 })
    pool.release(await pool.acquire())
    await expect(pool.use(async (conn) => `conn ${conn.id}`)).resolves.toBe('conn 0')
    expect(pool.stats()).toMatchObject({ idle: 1, borrowed: 0, acquired: 2, released: 2 })
  })

  it('resolves with the value of a sync fn and returns the resource to idle', async () => {
    const pool = createResourcePool({ ...connections(), max: 1 })
    pool.release(await pool.acquire())
    await expect(pool.use((conn) => conn.id + 41)).resolves.toBe(41)
    expect(pool.stats()).toMatchObject({ idle: 1, borrowed: 0, released: 2 })
  })

  it('settles through a thenable that is not a Promise', async () => {
    const pool = createResourcePool({ ...connections(), max: 1 })
    pool.release(await pool.acquire())
    const thenable = {
      // biome-ignore lint/suspicious/noThenProperty: the point is a hand-made thenable
      then(resolve: (value: string) => void) {
        resolve('from thenable')
      },
    }
    await expect(pool.use(() => thenable as unknown as Promise<string>)).resolves.toBe(
      'from thenable',
    )
    expect(pool.stats()).toMatchObject({ idle: 1, borrowed: 0 })
  })

  it('rejects with DoubleReleaseError when a sync fn already released the resource', async () => {
    const pool = createResourcePool({ ...connections(), max: 1 })
    pool.release(await pool.acquire())
    const error = await pool
      .use((conn) => {
        pool.release(conn)
        return conn.id
      })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DoubleReleaseError)
    expect((error as DoubleReleaseError).code).toBe('MX_MEMORY_DOUBLE_RELEASE')
    expect(pool.stats()).toMatchObject({ idle: 1, borrowed: 0, released: 2 })
  })
})

describe('createResourcePool: use() after waiting for a resource', () => {
  /** A pool of one connection, held, with a `use()` queued behind it running `fn`. */
  async function queuedUse<R>(fn: (conn: Conn, pool: ResourcePool<Conn>) => R | Promise<R>) {
    const pool = createResourcePool({ ...connections(), max: 1 })
    const held = await pool.acquire()
    const result = pool
      .use((conn) => fn(conn, pool))
      .then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      )
    await flush()
    expect(pool.stats().waiting).toBe(1)
    pool.release(held)
    return { pool, outcome: await result }
  }

  it('resolves with the value of a sync fn and releases the resource', async () => {
    const { pool, outcome } = await queuedUse((conn) => conn.id + 1)
    expect(outcome).toEqual({ value: 1 })
    expect(pool.stats()).toMatchObject({ idle: 1, borrowed: 0, acquired: 2, released: 2 })
  })

  it('rejects with the error a sync fn throws and releases the resource', async () => {
    const { pool, outcome } = await queuedUse(() => {
      throw new Error('malformed document')
    })
    expect(outcome).toEqual({ error: new Error('malformed document') })
    expect(pool.stats()).toMatchObject({ idle: 1, borrowed: 0, released: 2 })
  })

  it('rejects with the reason of an async fn and releases the resource', async () => {
    const { pool, outcome } = await queuedUse(async () => {
      throw new Error('parse failed')
    })
    expect(outcome).toEqual({ error: new Error('parse failed') })
    expect(pool.stats()).toMatchObject({ idle: 1, borrowed: 0, released: 2 })
  })

  it('rejects with DoubleReleaseError when a sync fn already released the resource', async () => {
    const { pool, outcome } = await queuedUse((conn, self) => {
      self.release(conn)
      return conn.id
    })
    expect((outcome as { error: unknown }).error).toBeInstanceOf(DoubleReleaseError)
    expect(pool.stats()).toMatchObject({ idle: 1, borrowed: 0, released: 2 })
  })

  it('settles through a thenable that is not a Promise', async () => {
    const { pool, outcome } = await queuedUse(
      () =>
        ({
          // biome-ignore lint/suspicious/noThenProperty: the point is a hand-made thenable
          then(resolve: (value: string) => void) {
            resolve('late thenable')
          },
        }) as unknown as Promise<string>,
    )
    expect(outcome).toEqual({ value: 'late thenable' })
    expect(pool.stats()).toMatchObject({ idle: 1, borrowed: 0 })
  })
})

describe('createResourcePool: resources that cannot carry a tag', () => {
  it('lends, takes back and destroys primitive resources', async () => {
    let next = 100
    const destroyed: number[] = []
    const pool = createResourcePool<number>({
      create: () => next++,
      destroy: (handle) => {
        destroyed.push(handle)
      },
      max: 2,
    })
    const a = await pool.acquire()
    const b = await pool.acquire()
    expect([a, b]).toEqual([100, 101])
    expect(pool.leaks(0)).toHaveLength(2)
    pool.release(a)
    expect(() => pool.release(a)).toThrow(DoubleReleaseError)
    expect(() => pool.release(999)).toThrow(DoubleReleaseError)
    await pool.destroy(b)
    expect(destroyed).toEqual([101])
    expect(() => pool.release(b)).toThrow(DoubleReleaseError)
    expect(pool.stats()).toMatchObject({ size: 1, idle: 1, borrowed: 0, destroyed: 1 })
    expect(await pool.acquire()).toBe(100)
  })

  it('lends, takes back and destroys frozen objects', async () => {
    let next = 0
    const destroyed: number[] = []
    const pool = createResourcePool({
      create: () => Object.freeze({ id: next++ }),
      destroy: (conn: { readonly id: number }) => {
        destroyed.push(conn.id)
      },
      max: 2,
    })
    const a = await pool.acquire()
    const b = await pool.acquire()
    expect(Object.getOwnPropertySymbols(a)).toEqual([])
    pool.release(a)
    expect(() => pool.release(a)).toThrow(DoubleReleaseError)
    await pool.destroy(b)
    expect(() => pool.release(b)).toThrow(DoubleReleaseError)
    expect(destroyed).toEqual([1])
    expect(pool.stats()).toMatchObject({ size: 1, idle: 1, borrowed: 0, destroyed: 1 })
    await pool.drain()
    expect(destroyed).toEqual([1, 0])
  })

  it('lends, takes back and destroys function resources', async () => {
    const destroyed: string[] = []
    let next = 0
    const pool = createResourcePool({
      create: () => {
        const name = `worker ${next++}`
        return Object.assign(() => name, { label: name })
      },
      destroy: (worker: (() => string) & { label: string }) => {
        destroyed.push(worker.label)
      },
      max: 1,
    })
    const worker = await pool.acquire()
    expect(worker()).toBe('worker 0')
    expect(pool.stats().borrowed).toBe(1)
    await pool.destroy(worker)
    expect(() => pool.release(worker)).toThrow(DoubleReleaseError)
    expect(destroyed).toEqual(['worker 0'])
    const replacement = await pool.acquire()
    expect(replacement()).toBe('worker 1')
  })
})

describe('createResourcePool: failures and draining', () => {
  it('counts a destroy that throws and reports it as a destroyError event', async () => {
    const pool = createResourcePool({
      create: async () => ({ id: 1 }),
      destroy: async () => {
        throw new Error('socket already closed')
      },
      max: 1,
    })
    const errors: unknown[] = []
    pool.on('destroyError', (error) => errors.push(error))
    await pool.destroy(await pool.acquire())
    await flush()
    expect(errors).toEqual([new Error('socket already closed')])
    expect(pool.stats()).toMatchObject({ destroyed: 1, destroyErrors: 1, size: 0 })
    await expect(pool.drain()).resolves.toBeUndefined()
  })

  it('stops calling a listener once it unsubscribes', async () => {
    const pool = createResourcePool({
      create: async () => {
        throw new Error('no binary')
      },
      max: 1,
    })
    const errors: unknown[] = []
    const off = pool.on('createError', (error) => errors.push(error))
    await pool.acquire().catch(() => {})
    off()
    await pool.acquire().catch(() => {})
    expect(errors).toHaveLength(1)
    expect(pool.stats().createErrors).toBe(2)
  })

  it('does not retry filling min when the factory fails with nobody waiting', async () => {
    let calls = 0
    const pool = createResourcePool({
      create: async () => {
        calls++
        throw new Error('database down')
      },
      min: 1,
      max: 2,
    })
    const errors: unknown[] = []
    pool.on('createError', (error) => errors.push(error))
    await flush()
    expect(calls).toBe(1)
    expect(errors).toEqual([new Error('database down')])
    expect(pool.stats()).toMatchObject({ size: 0, creating: 0, createErrors: 1 })
  })

  it('treats a validate that throws as a failed validation', async () => {
    const destroyed: number[] = []
    const pool = createResourcePool({
      ...connections(destroyed),
      validate: (conn: Conn) => {
        if (conn.id === 0) throw new Error('ping failed')
        return true
      },
      max: 1,
    })
    pool.release(await pool.acquire())
    const next = await pool.acquire()
    expect(next.id).toBe(1)
    await flush()
    expect(destroyed).toEqual([0])
    expect(pool.stats()).toMatchObject({ validationFailures: 1, size: 1, borrowed: 1 })
  })

  it('destroys a resource that passes validation after drain() began, without counting a failure', async () => {
    const destroyed: number[] = []
    const check = deferred<boolean>()
    let validations = 0
    const pool = createResourcePool({
      ...connections(destroyed),
      validate: () => {
        validations++
        return check.promise
      },
      max: 1,
    })
    pool.release(await pool.acquire())
    const waiter = pool.acquire().catch((error: unknown) => error)
    await flush()
    expect(validations).toBe(1)
    expect(pool.stats().creating).toBe(1) // creating + validating
    const drained = pool.drain()
    expect(await waiter).toBeInstanceOf(PoolDrainedError)
    check.resolve(true)
    await drained
    expect(destroyed).toEqual([0])
    expect(pool.stats()).toMatchObject({ size: 0, validationFailures: 0, destroyed: 1 })
  })

  it('destroys a resource whose creation finishes after drain() began', async () => {
    const destroyed: number[] = []
    const made = deferred<Conn>()
    const pool = createResourcePool<Conn>({
      create: () => made.promise,
      destroy: (conn) => {
        destroyed.push(conn.id)
      },
      max: 1,
    })
    const waiter = pool.acquire().catch((error: unknown) => error)
    await flush()
    expect(pool.stats().creating).toBe(1)
    let drained = false
    const draining = pool.drain().then(() => (drained = true))
    expect(await waiter).toBeInstanceOf(PoolDrainedError)
    await flush()
    expect(drained).toBe(false)
    made.resolve({ id: 5 })
    await draining
    expect(destroyed).toEqual([5])
    expect(pool.stats()).toMatchObject({ size: 0, created: 1, destroyed: 1, idle: 0 })
  })

  it('does not refill a slot freed by destroy() while draining', async () => {
    const destroyed: number[] = []
    const pool = createResourcePool({ ...connections(destroyed), min: 1, max: 1 })
    const conn = await pool.acquire()
    const drained = pool.drain()
    await pool.destroy(conn)
    await drained
    await flush()
    expect(destroyed).toEqual([0])
    expect(pool.stats()).toMatchObject({ size: 0, created: 1, creating: 0 })
  })

  it('resolves every drain() call, the later ones without restarting the drain', async () => {
    const destroyed: number[] = []
    const pool = createResourcePool({ ...connections(destroyed), max: 2 })
    const conn = await pool.acquire()
    pool.release(await pool.acquire())
    const first = pool.drain()
    const second = pool.drain()
    let settled = 0
    void first.then(() => settled++)
    void second.then(() => settled++)
    await flush()
    expect(settled).toBe(0)
    expect(destroyed).toEqual([1])
    pool.release(conn)
    await Promise.all([first, second])
    expect(settled).toBe(2)
    expect(destroyed).toEqual([1, 0])
    await expect(pool.drain()).resolves.toBeUndefined()
  })

  it('refuses at once a caller whose signal is already aborted', async () => {
    const pool = createResourcePool({ ...connections(), max: 1 })
    await pool.acquire()
    const error = await pool
      .acquire({ signal: AbortSignal.abort(new Error('client went away')) })
      .catch((e: unknown) => e)
    expect(error).toEqual(new Error('client went away'))
    expect(pool.stats()).toMatchObject({ waiting: 0, timeouts: 0, refused: 0 })
  })
})

describe('createResourcePool: long queues', () => {
  it('serves more than a thousand queued callers in FIFO order', async () => {
    const pool = createResourcePool({ ...connections(), max: 1 })
    const held = await pool.acquire()
    const order: number[] = []
    const callers = Array.from({ length: 1100 }, (_, i) =>
      pool.acquire().then((conn) => {
        order.push(i)
        pool.release(conn)
      }),
    )
    await flush()
    expect(pool.stats().waiting).toBe(1100)
    pool.release(held)
    await Promise.all(callers)
    expect(order).toEqual(Array.from({ length: 1100 }, (_, i) => i))
    expect(pool.stats()).toMatchObject({ waiting: 0, idle: 1, acquired: 1101, released: 1101 })
    // The queue still works after being compacted.
    const again = await pool.acquire()
    const next = pool.acquire()
    pool.release(again)
    expect(await next).toBe(again)
  })
})

describe('createResourcePool: leaks', () => {
  it('publishes a borrowed resource collected without release on mx:memory:pool:leak', async () => {
    const pool = createResourcePool({ ...connections(), max: 1, captureStacks: true })
    const emitted: Lease[] = []
    pool.on('leak', (lease) => emitted.push(lease))
    // Other pools of this file drop borrowed resources too: keep only this pool's lease.
    const published: Lease[] = []
    const listener = (message: unknown) => {
      if ((message as Lease).stack?.includes('abandonConnection')) published.push(message as Lease)
    }
    subscribe('mx:memory:pool:leak', listener)
    try {
      await (async function abandonConnection() {
        await pool.acquire()
      })()
      for (let attempt = 0; attempt < 50 && published.length === 0; attempt++) {
        forceGc()
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
    } finally {
      unsubscribe('mx:memory:pool:leak', listener)
    }
    expect(published).toHaveLength(1)
    expect(published[0]).toBe(emitted[0])
    expect(pool.stats()).toMatchObject({ collectedWithoutRelease: 1, borrowed: 0, size: 0 })
  })
})
