import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { TransferListItem } from 'node:worker_threads'
import type { WireError } from './task'

/** An Error in this thread from a worker's serialised one, keeping `name`, `stack` and `code`. */
export function rehydrate(wire: WireError): Error {
  const error = new Error(wire.message) as Error & { code?: unknown }
  error.name = wire.name
  if (wire.stack) error.stack = wire.stack
  if (wire.code !== undefined) error.code = wire.code
  return error
}

function ownBuffer(value: unknown): ArrayBuffer | undefined {
  if (value instanceof ArrayBuffer) return value
  // Only a view that spans its whole buffer is transferred: a slice of a larger buffer (such as
  // Node's pooled small Buffers) is cloned instead, so no unrelated bytes move.
  if (ArrayBuffer.isView(value) && value.buffer instanceof ArrayBuffer) {
    if (value.byteOffset === 0 && value.byteLength === value.buffer.byteLength) return value.buffer
  }
  return undefined
}

/** The transfer list for `run(input, { transfer })`. */
export function transferList(
  input: unknown,
  transfer: boolean | readonly TransferListItem[] | undefined,
): TransferListItem[] {
  if (!transfer) return []
  if (transfer !== true) return [...transfer]
  const direct = ownBuffer(input)
  if (direct) return [direct]
  if (typeof input !== 'object' || input === null) return []
  const list: TransferListItem[] = []
  for (const value of Object.values(input)) {
    const buffer = ownBuffer(value)
    if (buffer && !list.includes(buffer)) list.push(buffer)
  }
  return list
}

/**
 * The worker entry shipped in dist, in its CommonJS build. From the source tree (tests run
 * `src/`), it is the built file in `../dist`, since worker threads cannot load TypeScript.
 *
 * CommonJS because piscina loads it with `require()` first: on Node 20.19+ that `require()` of
 * the ESM build goes through Node's require(esm), and a thread terminated while it is loading
 * (a pool closed or a thread replaced right after it started) aborted the whole process
 * (`IsGraphAsync must be used on an instantiated module`). The task modules themselves are
 * still loaded with `import()`, ESM or not.
 */
export function runtimePath(base: string): string {
  const candidates = [new URL('./runtime.cjs', base), new URL('../dist/runtime.cjs', base)]
  const found = candidates.find((url) => existsSync(fileURLToPath(url)))
  if (!found)
    throw new Error(`@mx/workers runtime not found next to ${base}; build the package first`)
  return found.href
}
