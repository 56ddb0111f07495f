import { DoubleReleaseError, ForeignReleaseError, InvalidOptionError } from './errors'
import { resolveObjectPoolOptions } from './object-pool-options'
import { isThenable } from './thenable'
import type { ObjectPool, ObjectPoolOptions, ObjectPoolStats } from './types'

const BORROWED = 1
const IDLE = 2
const DROPPED = 3

type State = typeof BORROWED | typeof IDLE | typeof DROPPED

/**
 * A bounded, synchronous pool of reusable objects (buffers, scratch arrays, builders) that
 * keeps hot paths from allocating. `acquire()` never blocks: when no object is idle it creates
 * one; `release()` resets the object and keeps it unless `max` objects are already idle.
 *
 * Each object is tagged with a pool-private symbol holding its state, which makes double and
 * foreign releases detectable at the cost of one property store (a `Set` would cost ~10× more).
 * Non-extensible objects fall back to a `WeakMap`.
 */
export function createObjectPool<T extends object>(options: ObjectPoolOptions<T>): ObjectPool<T> {
  const { max, preallocate } = resolveObjectPoolOptions(options)

  const create = options.create
  const reset = options.reset
  const tag = Symbol('mx.objectPool.state')
  const frozenStates = new WeakMap<T, State>()
  const free: (T | undefined)[] = []
  let idle = 0
  let borrowed = 0
  let created = 0
  let reused = 0
  let dropped = 0

  const stateOf = (object: T): State | undefined => {
    const state = (object as Record<symbol, State | undefined>)[tag]
    return state === undefined ? frozenStates.get(object) : state
  }
  const setState = (object: T, state: State): void => {
    const tagged = object as Record<symbol, State | undefined>
    if (tagged[tag] !== undefined) {
      tagged[tag] = state
    } else {
      frozenStates.set(object, state)
    }
  }
  const make = (state: State): T => {
    const object = create()
    if (object === null || (typeof object !== 'object' && typeof object !== 'function')) {
      throw new InvalidOptionError('create', `create must return an object, got ${typeof object}`)
    }
    created++
    if (Object.isExtensible(object)) {
      Object.defineProperty(object, tag, { value: state, writable: true, enumerable: false })
    } else {
      frozenStates.set(object, state)
    }
    return object
  }

  for (let i = 0; i < preallocate; i++) free[idle++] = make(IDLE)

  const acquire = (): T => {
    if (idle > 0) {
      borrowed++
      const object = free[--idle] as T
      free[idle] = undefined
      setState(object, BORROWED)
      reused++
      return object
    }
    const object = make(BORROWED)
    borrowed++
    return object
  }

  const release = (object: T): void => {
    const state = object === null || typeof object !== 'object' ? undefined : stateOf(object)
    if (state !== BORROWED) {
      if (state === undefined) throw new ForeignReleaseError()
      throw new DoubleReleaseError()
    }
    borrowed--
    if (idle >= max) {
      setState(object, DROPPED)
      dropped++
      return
    }
    if (reset !== undefined) {
      try {
        reset(object)
      } catch (error) {
        // A half-reset object must never be handed out again.
        setState(object, DROPPED)
        dropped++
        throw error
      }
    }
    setState(object, IDLE)
    free[idle++] = object
  }

  const use = <R>(fn: (object: T) => R): R => {
    const object = acquire()
    let result: R
    try {
      result = fn(object)
    } catch (error) {
      release(object)
      throw error
    }
    if (isThenable(result)) {
      return Promise.resolve(result).finally(() => release(object)) as R
    }
    release(object)
    return result
  }

  const stats = (): ObjectPoolStats => ({ idle, borrowed, created, reused, dropped, max })

  const clear = (): void => {
    for (let i = 0; i < idle; i++) {
      setState(free[i] as T, DROPPED)
      free[i] = undefined
    }
    idle = 0
    free.length = 0
  }

  return { acquire, release, use, stats, clear }
}
