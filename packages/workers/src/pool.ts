import { EventEmitter } from 'eventemitter3'
import type { MapSubmit } from './map'
import { createMap, defaultInFlight } from './map'
import { resolveOptions } from './options'
import { probeTaskModule, taskUrl } from './probe'
import { Scheduler } from './scheduler'
import { Slot } from './slot'
import { poolStats } from './stats'
import type { CloseOptions, Pool, PoolEvents, PoolOptions, RunOptions } from './types'
import { runtimePath } from './wire'

/**
 * Creates a pool of worker threads running the task module's `defineTask` function, with
 * adaptive micro-batching, priority lanes, affinity, hard timeouts, crash recovery and recycling.
 * Throws `InvalidOptionError` for bad options and `TaskModuleError` for a bad task module.
 *
 * The work is in `Scheduler` (queue, batches, counters), `outcomes.ts` (what a thread's answer
 * does) and `retry.ts` (the retry policy); this is the public facade over them.
 */
export function createPool<I = unknown, O = unknown>(options: PoolOptions): Pool<I, O> {
  const opts = resolveOptions(options)
  const module = taskUrl(opts.task)
  const runtime = runtimePath(import.meta.url)
  const emitter = new EventEmitter<PoolEvents>()
  const onThreadError = (error: Error, slot: Slot) => emitter.emit('error', error, slot.id)
  const slots = Array.from(
    { length: opts.threads },
    (_, id) => new Slot(id, runtime, opts, onThreadError),
  )
  // The threads start loading while the probe checks the task module, not after it.
  try {
    probeTaskModule(module, opts.probe)
  } catch (error) {
    for (const slot of slots) void slot.destroy().catch(() => undefined)
    throw error
  }
  const s = new Scheduler(opts, module, slots, emitter)
  let closing: Promise<void> | undefined

  const run = (input: unknown, runOptions: RunOptions = {}): Promise<unknown> =>
    new Promise((resolve, reject) => s.submit(input, runOptions, resolve, reject))

  return {
    threads: opts.threads,
    run: run as Pool<I, O>['run'],
    map: (source, mapOptions) =>
      createMap(
        s.submit as MapSubmit<I, O>,
        () => defaultInFlight(opts.threads, opts.batching ? s.batchSize : 1),
        source,
        mapOptions,
      ),
    stats: () => poolStats(s),
    on(event, listener) {
      emitter.on(event, listener as never)
      return () => {
        emitter.off(event, listener as never)
      }
    },
    close(closeOptions: CloseOptions = {}) {
      closing ??= s.shutdown(closeOptions.drain !== false)
      return closing
    },
  }
}
