import { EventEmitter } from 'eventemitter3'
import type {
  Engine,
  EngineEvents,
  EngineOptions,
  ExtractManyOptions,
  Extractor,
  ExtractResult,
  SlimResult,
} from './api'
import { type EngineContext, EngineStats } from './context'
import { CostModel } from './cost'
import { flushWorkers } from './document-task'
import { EngineClosedError } from './errors'
import { extractDocument } from './extract'
import { extractStream } from './extract-many'
import { checkExtractor, loadExtractor, moduleHref } from './extractor'
import { EngineHealth } from './health'
import { checkKnownKeys, checkOptionsObject } from './kernel'
import { levels } from './levels'
import { watchCache } from './logging/cache-events'
import { checkCorrelationId } from './logging/correlation'
import { EngineLogs } from './logging/trace'
import { checkOptions } from './options'
import {
  alertMetrics,
  buildReport,
  profilerCounters,
  profilerDurations,
  syncGauges,
} from './report'
import { Resilience } from './resilience/chain'
import { checkRetry } from './resilience/options'
import { type RetryPolicy, retryPolicy } from './resilience/retry'
import { PressureGate, SHRINK_FRACTION } from './slots/memory'
import { resolveSlots } from './slots/resolve'

// The keys `extractMany` options take: `satisfies` makes the compiler keep the list complete.
const EXTRACT_MANY_OPTIONS = Object.keys({
  ordered: true,
  maxInFlight: true,
  signal: true,
  onProgress: true,
  retry: true,
} satisfies Record<keyof ExtractManyOptions, true>)

/** `extractMany(source, options)`: its keys checked, and its `retry` checked and resolved. */
function manyRetry(options: ExtractManyOptions): RetryPolicy | undefined {
  checkOptionsObject(options, 'options', 'extractMany()')
  checkKnownKeys(options, EXTRACT_MANY_OPTIONS, 'extractMany()')
  if (options.retry === undefined) return undefined
  checkRetry(options.retry, 'extractMany()')
  return retryPolicy(options.retry as Parameters<typeof retryPolicy>[0])
}

/**
 * The engine's shared state, before its slots are resolved (`slots`, `resilience` and `logs`
 * are set right after): the extractor (loaded on first use when it is a module), the cost
 * model, the clock, the stats and the event callback.
 */
function engineContext(
  options: EngineOptions,
  source: unknown,
  href: string | undefined,
  emit: EngineContext['emit'],
): EngineContext {
  const clock = options.clock ?? performance
  let loading: Promise<Extractor> | undefined
  const ctx: EngineContext = {
    extractor: undefined,
    extractorKey: '',
    href,
    load: () => {
      loading ??= (
        href === undefined ? Promise.resolve(source as Extractor) : loadExtractor(href)
      ).then((extractor) => {
        ctx.extractor = extractor
        ctx.extractorKey = `${extractor.name}@${extractor.version}`
        return extractor
      })
      return loading
    },
    slots: undefined as never,
    cost: new CostModel(options.cost),
    clock,
    timeout: options.timeout,
    chunkSize: options.chunkSize ?? 512,
    workerStore: undefined,
    seenIds: undefined,
    storeWrites: false,
    stats: new EngineStats(clock.now()),
    resilience: undefined as never,
    logs: undefined as never,
    recordDuration: undefined,
    counters: undefined,
    emit,
  }
  return ctx
}

/**
 * The gate of `extractMany`'s intake on the memory slot: at critical pressure it pauses intake
 * (counted) and shrinks the cache; every change is an engine `pressure` event.
 */
function pressureGate(ctx: EngineContext, emitter: EventEmitter<EngineEvents>): PressureGate {
  const { slots } = ctx
  return new PressureGate(slots.memory, (change) => {
    if (change.level === 'critical') {
      ctx.stats.pressure.pauses++
      if (slots.cache?.shrink) {
        slots.cache.shrink(SHRINK_FRACTION)
        ctx.stats.pressure.shrinks++
      }
    }
    emitter.emit('pressure', change)
  })
}

/** `engine.relate()`: the extractor's corpus step over the documents that succeeded. */
async function relate(ctx: EngineContext, results: Iterable<SlimResult>): Promise<unknown> {
  const extractor = ctx.extractor ?? (await ctx.load())
  if (!extractor.relate) return undefined
  const docs: Array<{ id: string; metadata: unknown }> = []
  for (const result of results)
    if (result.ok) docs.push({ id: result.id, metadata: result.metadata })
  return extractor.relate(docs)
}

/**
 * Creates an engine: the extractor plus the slots of `level`, where explicit slot options win
 * (an object of the slot's interface, `false` for off, `true` for the engine-built default).
 * Options are checked up front and throw `InvalidOptionError` naming the option.
 */
export function createEngine<D = unknown, M = unknown>(options: EngineOptions): Engine<D, M> {
  const { level } = checkOptions(options)
  const emitter = new EventEmitter<EngineEvents>()
  // A list is a fallback chain (resilience/chain.ts): the primary is the first.
  const source = Array.isArray(options.extractor) ? options.extractor[0] : options.extractor
  const isModule = source instanceof URL || typeof source === 'string'
  const href = isModule ? moduleHref(source) : undefined
  const ctx = engineContext(options, source, href, (event, ...args) => {
    if (event === 'document') health.afterDocument()
    ;(emitter.emit as (event: string, ...args: unknown[]) => boolean)(event, ...args)
  })
  let closed = false
  ctx.resilience = new Resilience(options, ctx)
  const health = new EngineHealth(ctx, emitter)
  const { evaluateAlerts } = health
  if (href === undefined) {
    const extractor = checkExtractor(source, 'extractor')
    ctx.extractor = extractor
    ctx.extractorKey = `${extractor.name}@${extractor.version}`
  }
  const { slots, owned, workerStore } = resolveSlots(options, levels[level], {
    isModule,
    extractorKey: () => ctx.extractorKey,
    metrics: () => alertMetrics(ctx),
  })
  ctx.slots = slots
  ctx.logs = new EngineLogs(slots.logger)
  const unwatchCache = slots.logger ? watchCache(slots.cache, slots.logger) : undefined
  // Only an engine-built cache has a store: the workers never open what is behind an injected one.
  ctx.workerStore = workerStore
  if (slots.cache && !ctx.workerStore && slots.workers?.runDocument) ctx.seenIds = new Set()
  ctx.counters = profilerCounters(ctx)
  profilerDurations(ctx)
  const gate = pressureGate(ctx, emitter)

  function assertOpen(): void {
    if (closed) throw new EngineClosedError()
  }

  async function close(): Promise<void> {
    if (closed) return
    closed = true
    gate.close()
    unwatchCache?.()
    // The last entries the worker threads took for the disk tier are committed before they stop.
    await flushWorkers(ctx)
    emitter.removeAllListeners()
    // Engine-built slots only, last built first; injected slots belong to the caller.
    for (const closeSlot of owned.reverse()) await closeSlot()
  }

  return {
    slots,
    extract(doc, extractOptions) {
      // Not an async function: the warm path costs one promise, not two.
      if (closed) return Promise.reject(new EngineClosedError())
      const correlationId =
        extractOptions === undefined ? undefined : checkCorrelationId(extractOptions)
      if (correlationId instanceof Error) return Promise.reject(correlationId)
      // Fallback extractors (modules) are loaded before a first document needs them.
      if (!ctx.resilience.ready) {
        return ctx.resilience
          .load()
          .then(() => extractDocument(ctx, doc, undefined, correlationId)) as Promise<
          ExtractResult<D, M>
        >
      }
      return extractDocument(ctx, doc, undefined, correlationId) as Promise<ExtractResult<D, M>>
    },
    async *extractMany(source, manyOptions = {}) {
      assertOpen()
      // This run's retry replaces the engine's (checked like createEngine's).
      const retry = manyRetry(manyOptions)
      await ctx.load()
      await ctx.resilience.load()
      // Four documents per thread by default: a thread that finishes one finds the next already
      // queued, so the round trip to this thread never leaves it idle (16 at least).
      const maxInFlight =
        manyOptions.maxInFlight ??
        options.maxInFlight ??
        Math.max(16, 4 * (slots.workers?.threads ?? 1))
      const stream = extractStream(
        (doc, signal) => extractDocument(ctx, doc, signal, undefined, retry),
        source,
        { ...manyOptions, maxInFlight },
        gate,
      )
      yield* stream as AsyncIterable<ExtractResult<D, M>>
      // What the worker threads stored during this run is committed before it ends, so the next
      // run (of this engine or of another process) finds every document it extracted.
      await flushWorkers(ctx)
      if (slots.alerts) await evaluateAlerts().catch(() => [])
    },
    relate: (results) => relate(ctx, results),
    report: () => {
      // the profiler's gauges are otherwise synced at most once a second, after a document
      syncGauges(ctx)
      return buildReport(ctx, health.firing, health.sampleRss())
    },
    evaluateAlerts,
    async ready() {
      await ctx.load()
      await ctx.resilience.load()
    },
    on(event, listener) {
      emitter.on(event, listener as never)
      return () => emitter.off(event, listener as never)
    },
    close,
    [Symbol.asyncDispose]: close,
  }
}
