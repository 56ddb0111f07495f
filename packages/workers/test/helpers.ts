import type { Pool, PoolOptions } from '../src/index'
import { createPool } from '../src/index'

export const taskModule = new URL('./fixtures/task.mjs', import.meta.url)

/** A pool on the fixture task; closes without drain after the test. */
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
