import { describe, expect, it } from 'vitest'
import {
  createObjectPool,
  DoubleReleaseError,
  ForeignReleaseError,
  InvalidOptionError,
} from '../src/index'

const scratch = () => ({ items: [] as number[] })

describe('createObjectPool', () => {
  it('reuses released objects instead of creating new ones', () => {
    let made = 0
    const pool = createObjectPool({ create: () => ({ id: made++ }), max: 4 })
    const first = pool.acquire()
    pool.release(first)
    expect(pool.acquire()).toBe(first)
    expect(made).toBe(1)
    expect(pool.stats()).toMatchObject({ created: 1, reused: 1, borrowed: 1, idle: 0 })
  })

  it('resets an object when it is released', () => {
    const pool = createObjectPool({
      create: scratch,
      reset: (object) => {
        object.items.length = 0
      },
      max: 2,
    })
    const object = pool.acquire()
    object.items.push(1, 2, 3)
    pool.release(object)
    expect(pool.acquire().items).toEqual([])
  })

  it('keeps at most max idle objects and lets the rest go', () => {
    const pool = createObjectPool({ create: scratch, max: 2 })
    const objects = [pool.acquire(), pool.acquire(), pool.acquire()]
    for (const object of objects) pool.release(object)
    expect(pool.stats()).toMatchObject({ idle: 2, borrowed: 0, dropped: 1, created: 3 })
  })

  it('preallocates objects up front', () => {
    let made = 0
    const pool = createObjectPool({ create: () => ({ id: made++ }), max: 8, preallocate: 3 })
    expect(made).toBe(3)
    expect(pool.stats().idle).toBe(3)
  })

  it('detects a double release, even after the object was dropped', () => {
    const pool = createObjectPool({ create: scratch, max: 1 })
    const a = pool.acquire()
    const b = pool.acquire()
    pool.release(a)
    expect(() => pool.release(a)).toThrow(DoubleReleaseError)
    pool.release(b) // pool full: dropped
    expect(() => pool.release(b)).toThrow('release() called twice for the same object')
    expect(pool.stats()).toMatchObject({ idle: 1, borrowed: 0 })
  })

  it('refuses objects it did not create', () => {
    const pool = createObjectPool({ create: scratch, max: 1 })
    const other = createObjectPool({ create: scratch, max: 1 })
    expect(() => pool.release(scratch())).toThrow(ForeignReleaseError)
    expect(() => pool.release(other.acquire())).toThrow(
      'release() called with an object this pool did not create',
    )
  })

  it('tracks frozen objects too', () => {
    const pool = createObjectPool({ create: () => Object.freeze({ v: 1 }), max: 1 })
    const object = pool.acquire()
    pool.release(object)
    expect(() => pool.release(object)).toThrow(DoubleReleaseError)
    expect(pool.acquire()).toBe(object)
  })

  it('never hands out an object whose reset threw', () => {
    let fail = true
    const pool = createObjectPool({
      create: scratch,
      reset: () => {
        if (fail) throw new Error('reset failed')
      },
      max: 2,
    })
    const object = pool.acquire()
    expect(() => pool.release(object)).toThrow('reset failed')
    fail = false
    expect(pool.acquire()).not.toBe(object)
    expect(pool.stats().dropped).toBe(1)
  })

  it('use() releases after a sync function, a throw and an async function', async () => {
    const pool = createObjectPool({ create: scratch, max: 1 })
    expect(pool.use((o) => o.items.length)).toBe(0)
    expect(() =>
      pool.use(() => {
        throw new Error('boom')
      }),
    ).toThrow('boom')
    const pending = pool.use(async (o) => {
      await Promise.resolve()
      return o.items.length + 1
    })
    expect(pool.stats().borrowed).toBe(1)
    await expect(pending).resolves.toBe(1)
    expect(pool.stats()).toMatchObject({ borrowed: 0, idle: 1, created: 1 })
  })

  it('refuses null and primitives as foreign objects', () => {
    const pool = createObjectPool({ create: scratch, max: 1 })
    expect(() => pool.release(null as never)).toThrow(ForeignReleaseError)
    expect(() => pool.release(42 as never)).toThrow(
      'release() called with an object this pool did not create',
    )
    expect(pool.stats()).toMatchObject({ borrowed: 0, idle: 0 })
  })

  it('clear() drops every idle object, so releasing one again is a double release', () => {
    const pool = createObjectPool({ create: scratch, max: 3, preallocate: 2 })
    const borrowed = pool.acquire()
    const idle = pool.acquire()
    pool.release(idle)
    expect(pool.stats()).toMatchObject({ idle: 1, borrowed: 1, created: 2 })
    pool.clear()
    expect(pool.stats()).toMatchObject({ idle: 0, borrowed: 1 })
    expect(() => pool.release(idle)).toThrow(DoubleReleaseError)
    const fresh = pool.acquire()
    expect(fresh).not.toBe(idle)
    expect(pool.stats()).toMatchObject({ created: 3, reused: 2 })
    pool.release(borrowed)
    expect(pool.stats()).toMatchObject({ idle: 1, borrowed: 1 })
  })

  it('validates its options with exact messages', () => {
    expect(() => createObjectPool({ create: 'nope' as never, max: 1 })).toThrow(
      'create must be a function, got "nope"',
    )
    expect(() => createObjectPool({ create: scratch, max: 0 })).toThrow(
      'max must be a positive integer, got 0',
    )
    expect(() => createObjectPool({ create: scratch, max: -3 })).toThrow(InvalidOptionError)
    expect(() => createObjectPool({ create: scratch, max: 2, preallocate: 3 })).toThrow(
      'preallocate must not exceed max (2), got 3',
    )
    const bad = createObjectPool({ create: () => 5 as never, max: 1 })
    expect(() => bad.acquire()).toThrow('create must return an object, got number')
  })
})
