import { setMaxListeners } from 'node:events'
import type { ExtractManyOptions, ExtractProgress, ExtractResult, SourceDocument } from './api'
import { AbortedError } from './errors'
import type { PressureGate } from './slots/memory'

type Extract = (doc: SourceDocument, signal: AbortSignal) => Promise<ExtractResult>

function iteratorOf<T>(source: Iterable<T> | AsyncIterable<T>): AsyncIterator<T> | Iterator<T> {
  const asyncIterator = (source as AsyncIterable<T>)[Symbol.asyncIterator]
  if (typeof asyncIterator === 'function') return asyncIterator.call(source)
  return (source as Iterable<T>)[Symbol.iterator]()
}

/**
 * Streams documents from `source` through `extract` with at most `maxInFlight` documents pulled
 * and not yet yielded (real backpressure: the source is pulled only as results are consumed).
 * While the memory gate is closed (critical pressure) nothing new is pulled while anything is in
 * flight; what is in flight completes and is yielded, so nothing is dropped. When nothing is left
 * in flight and pressure stays critical (freed heap is not always returned to the OS), documents
 * go one at a time: the run slows down to its smallest footprint instead of stalling forever.
 */
export async function* extractStream(
  extract: Extract,
  source: Iterable<SourceDocument> | AsyncIterable<SourceDocument>,
  options: ExtractManyOptions & { maxInFlight: number },
  gate: PressureGate,
): AsyncGenerator<ExtractResult> {
  const { ordered = true, maxInFlight, signal, onProgress } = options
  const controller = new AbortController()
  // One abort listener per document in flight: as many as maxInFlight, on purpose.
  setMaxListeners(0, controller.signal)
  const iterator = iteratorOf(source)
  const ready = new Map<number, ExtractResult>()
  const queue: ExtractResult[] = []
  const progress: ExtractProgress = {
    started: 0,
    completed: 0,
    failed: 0,
    inFlight: 0,
    paused: gate.paused,
  }
  let nextYield = 0
  let sourceDone = false
  let fatal: { error: unknown } | undefined
  // Wake-up of the loop: set by completions, the gate and the signal; never lost between checks.
  let changed = false
  let wake: (() => void) | undefined
  const notify = () => {
    changed = true
    const resolve = wake
    wake = undefined
    resolve?.()
  }
  const waitForChange = () =>
    changed
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          wake = resolve
        })
  const report = () => {
    progress.paused = gate.paused
    onProgress?.({ ...progress })
  }
  const unsubscribe = gate.subscribe(notify)
  const onAbort = () => {
    controller.abort(signal?.reason)
    notify()
  }
  signal?.addEventListener('abort', onAbort, { once: true })

  const start = (doc: SourceDocument, index: number) => {
    progress.started++
    progress.inFlight++
    extract(doc, controller.signal).then(
      (result) => {
        progress.completed++
        if (!result.ok) progress.failed++
        if (ordered) ready.set(index, result)
        else queue.push(result)
        notify()
      },
      (error: unknown) => {
        fatal ??= { error }
        notify()
      },
    )
  }

  try {
    while (true) {
      changed = false
      if (signal?.aborted) throw new AbortedError({ cause: signal.reason })
      if (fatal) throw fatal.error
      let yielded = 0
      while (!sourceDone && progress.inFlight < (gate.paused ? 1 : maxInFlight)) {
        const next = await iterator.next()
        if (next.done) {
          sourceDone = true
          break
        }
        start(next.value, progress.started)
        report()
        if (signal?.aborted) break
      }
      if (ordered) {
        let result = ready.get(nextYield)
        while (result !== undefined) {
          ready.delete(nextYield++)
          progress.inFlight--
          yielded++
          report()
          yield result
          result = ready.get(nextYield)
        }
      } else {
        while (queue.length > 0) {
          progress.inFlight--
          yielded++
          report()
          yield queue.shift() as ExtractResult
        }
      }
      if (sourceDone && progress.inFlight === 0) return
      if (yielded === 0) await waitForChange()
    }
  } finally {
    unsubscribe()
    signal?.removeEventListener('abort', onAbort)
    controller.abort()
    if (!sourceDone) await iterator.return?.()
  }
}
