import { setMaxListeners } from 'node:events'
import { AbortedError } from './errors'
import { checkMapOptions } from './run-options'
import type { MapOptions, MapProgress, MapResult, RunOptions } from './types'

/** The pool's callback-style `run()`: `map()` needs no promise per item. */
export type MapSubmit<I, O> = (
  input: I,
  options: RunOptions,
  resolve: (value: O) => void,
  reject: (error: Error) => void,
) => void

/**
 * The default `maxInFlight`: two batches per thread at the pool's current adaptive batch size,
 * so tiny items keep every thread fed while large ones (a batch of one) are not piled up.
 */
export function defaultInFlight(threads: number, batchSize: number): number {
  return threads * 2 * Math.max(1, batchSize)
}

/**
 * Streams `source` through the pool. It pulls a new input only while fewer than `maxInFlight`
 * inputs are pulled-but-not-yielded, so a huge generator never piles up in memory; results
 * come in input order (`ordered`, default) or completion order.
 */
export async function* createMap<I, O>(
  submit: MapSubmit<I, O>,
  inFlightLimit: () => number,
  source: Iterable<I> | AsyncIterable<I>,
  options: MapOptions<I> = {},
): AsyncGenerator<MapResult<O>> {
  checkMapOptions(options)
  const ordered = options.ordered !== false
  const fixedInFlight = options.maxInFlight
  const maxInFlight = () => fixedInFlight ?? inFlightLimit()
  const outer = options.signal
  if (outer?.aborted) throw new AbortedError({ cause: outer.reason })
  const controller = new AbortController()
  // Every in-flight run listens on this one signal.
  setMaxListeners(0, controller.signal)
  const onAbort = () => {
    controller.abort(outer?.reason)
    wake()
  }
  outer?.addEventListener('abort', onAbort, { once: true })
  const isAsync = Symbol.asyncIterator in source
  const iterator = isAsync
    ? (source as AsyncIterable<I>)[Symbol.asyncIterator]()
    : (source as Iterable<I>)[Symbol.iterator]()
  const progress: MapProgress = { started: 0, completed: 0, failed: 0, inFlight: 0 }
  const byIndex = new Map<number, MapResult<O>>()
  const arrived: MapResult<O>[] = []
  let nextIndex = 0
  let exhausted = false
  let waiter: (() => void) | undefined
  function wake(): void {
    const resolve = waiter
    waiter = undefined
    resolve?.()
  }
  const runOptions = {
    signal: controller.signal,
    priority: options.priority,
    timeout: options.timeout,
    transfer: options.transfer,
  }

  const deliver = (result: MapResult<O>) => {
    if (controller.signal.aborted) return
    if (result.ok) progress.completed++
    else progress.failed++
    if (ordered) byIndex.set(result.index, result)
    else arrived.push(result)
    options.onProgress?.({ ...progress })
    wake()
  }

  const start = (input: I) => {
    const index = progress.started++
    progress.inFlight++
    const key = options.key?.(input, index)
    const resolve = (value: O) => deliver({ index, ok: true, value })
    const reject = (error: Error) => deliver({ index, ok: false, error })
    try {
      submit(input, key === undefined ? runOptions : { ...runOptions, key }, resolve, reject)
    } catch (error) {
      reject(error as Error)
    }
  }

  const fill = async () => {
    while (!exhausted && progress.inFlight < maxInFlight() && !controller.signal.aborted) {
      const step = isAsync
        ? await (iterator as AsyncIterator<I>).next()
        : (iterator as Iterator<I>).next()
      if (step.done) exhausted = true
      else start(step.value)
    }
  }

  try {
    while (true) {
      await fill()
      if (controller.signal.aborted) throw new AbortedError({ cause: controller.signal.reason })
      let result = ordered ? byIndex.get(nextIndex) : arrived.shift()
      while (result !== undefined) {
        if (ordered) {
          byIndex.delete(nextIndex)
          nextIndex++
        }
        progress.inFlight--
        yield result
        if (controller.signal.aborted) throw new AbortedError({ cause: controller.signal.reason })
        // Refill as soon as capacity frees, so workers never starve while we yield.
        if (progress.inFlight < maxInFlight() / 2) await fill()
        result = ordered ? byIndex.get(nextIndex) : arrived.shift()
      }
      if (exhausted && progress.inFlight === 0) return
      await new Promise<void>((resolve) => {
        waiter = resolve
      })
    }
  } finally {
    outer?.removeEventListener('abort', onAbort)
    // Stops what is still queued or running when the consumer breaks out early.
    if (!controller.signal.aborted) controller.abort(new Error('map() consumer stopped'))
    if (!exhausted) await iterator.return?.()
  }
}
