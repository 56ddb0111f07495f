import { seededRandom } from '@mx/testkit'
import { describe, expect, it } from 'vitest'
import { createResourcePool } from '../src/index'
import { flush, manualClock } from './helpers/manual-clock'

interface Conn {
  id: number
  healthy: boolean
}

/**
 * Random interleavings of acquire, release, destroy, abort, timeouts, failing factories and
 * failing validation, checked against the pool's invariants after every step.
 */
async function simulate(seed: number, steps: number) {
  const next = seededRandom(seed)
  const clock = manualClock()
  let nextId = 0
  const alive = new Set<number>()
  const pool = createResourcePool<Conn>({
    create: async () => {
      await Promise.resolve()
      if (next() < 0.1) throw new Error('connect failed')
      const conn = { id: nextId++, healthy: true }
      alive.add(conn.id)
      return conn
    },
    destroy: (conn) => {
      expect(alive.delete(conn.id)).toBe(true) // destroyed exactly once
    },
    validate: (conn) => conn.healthy,
    min: 1,
    max: 3,
    acquireTimeout: 100,
    idleTimeout: 500,
    maxWaiting: 5,
    clock,
  })
  const held = new Set<Conn>()
  let pending = 0
  const controllers: AbortController[] = []

  for (let step = 0; step < steps; step++) {
    const action = next()
    if (action < 0.4) {
      const controller = new AbortController()
      controllers.push(controller)
      pending++
      pool.acquire({ signal: controller.signal }).then(
        (conn) => {
          pending--
          expect(held.has(conn)).toBe(false) // never lent twice at once
          held.add(conn)
        },
        () => {
          pending--
        },
      )
    } else if (action < 0.65 && held.size > 0) {
      const conn = [...held][Math.floor(next() * held.size)] as Conn
      held.delete(conn)
      if (next() < 0.2) conn.healthy = false
      if (next() < 0.15) await pool.destroy(conn)
      else pool.release(conn)
    } else if (action < 0.75 && controllers.length > 0) {
      controllers.splice(Math.floor(next() * controllers.length), 1)[0]?.abort()
    } else {
      clock.advance(Math.floor(next() * 150))
    }
    await flush(20)
    const stats = pool.stats()
    expect(stats.size).toBeLessThanOrEqual(3)
    expect(stats.borrowed).toBe(held.size)
    expect(stats.waiting).toBe(pending)
    // maxWaiting bounds callers waiting for a release; a few more may await a new resource.
    expect(stats.waiting).toBeLessThanOrEqual(5 + 3)
    expect(stats.idle + stats.borrowed + stats.creating).toBe(stats.size)
  }

  // Waiters still queued may be served by the releases: keep releasing until all settle.
  for (let round = 0; round < 20 && (held.size > 0 || pending > 0); round++) {
    for (const conn of held) pool.release(conn)
    held.clear()
    clock.advance(200)
    await flush(20)
  }
  expect(pending).toBe(0)
  expect(held.size).toBe(0)
  const draining = pool.drain()
  await flush(20)
  await draining
  expect(pool.stats()).toMatchObject({ size: 0, borrowed: 0, idle: 0, waiting: 0 })
  expect(alive.size).toBe(0) // every resource created was destroyed: none leaked
  return pool.stats()
}

describe('createResourcePool under random interleavings', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) {
    it(`keeps its invariants and leaks nothing (seed ${seed})`, async () => {
      const stats = await simulate(seed, 600)
      expect(stats.acquired).toBeGreaterThan(20)
      expect(stats.timeouts + stats.refused).toBeGreaterThan(0)
    })
  }
})
