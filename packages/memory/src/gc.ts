import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { MxError } from './errors'

let cached: (() => void) | undefined

/**
 * Returns a function that runs a full, synchronous garbage collection, without needing
 * `--expose-gc` on the command line: the flag is switched on at runtime and the `gc` global
 * of a fresh V8 context is borrowed.
 */
export function getGc(): () => void {
  if (cached !== undefined) return cached
  const existing = (globalThis as { gc?: unknown }).gc
  if (typeof existing === 'function') {
    cached = () => (existing as () => void)()
    return cached
  }
  setFlagsFromString('--expose-gc')
  const gc = runInNewContext('gc') as unknown
  if (typeof gc !== 'function')
    throw new MxError('MX_MEMORY_GC_UNAVAILABLE', 'could not expose the garbage collector')
  cached = () => (gc as () => void)()
  return cached
}

/** Runs a full garbage collection now. */
export function forceGc(): void {
  getGc()()
}
