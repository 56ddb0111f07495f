import { afterEach } from 'vitest'
import type { Pool, PoolOptions, RestartReason } from '../src/index'
import { createPool } from '../src/index'

export const taskModule = new URL('./fixtures/task.mjs', import.meta.url)

/** A pool on the fixture task, two threads unless `options` say otherwise. */
export function fixturePool(options: Omit<PoolOptions, 'task'> = {}): Pool<unknown, unknown> {
  return createPool({ task: taskModule, threads: 2, ...options })
}

/** Resolves with the rejection of `promise` (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await promise
  } catch (error) {
    return error as Error & { code?: string }
  }
  throw new Error('expected a rejection')
}

/**
 * For a test file whose tests each use one pool: `open(options)` makes a fixture pool and
 * `track(pool)` adopts any other; either is closed, without draining, after the test.
 */
export function poolPerTest() {
  let current: Pool<unknown, unknown> | undefined
  afterEach(async () => {
    await current?.close({ drain: false })
    current = undefined
  })
  const track = <P extends Pool<unknown, unknown>>(pool: P): P => {
    current = pool
    return pool
  }
  return { open: (options: Omit<PoolOptions, 'task'> = {}) => track(fixturePool(options)), track }
}

/** The reasons of the pool's thread restarts, as they happen. */
export function restarts(target: Pool<unknown, unknown>): RestartReason[] {
  const reasons: RestartReason[] = []
  target.on('restart', ({ reason }) => reasons.push(reason))
  return reasons
}
