import { getHeapStatistics } from 'node:v8'
import type { EngineContext, EngineCounters } from './context'
import type { ErrorPattern } from './patterns'
import type { ResilienceReport } from './resilience/types'
import type { AlertView, PressureLevelName } from './types'

/** Milliseconds of one stage over recent samples. */
export interface StageTiming {
  count: number
  p50: number
  p95: number
}

export interface EngineReport {
  documents: { ok: number; failed: number; total: number; perSecond: number }
  elements: { total: number; extracted: number; reused: number }
  /** Milliseconds per document and stage, over recent samples. */
  stages: {
    parse: StageTiming
    elements: StageTiming
    document: StageTiming
    cache: StageTiming
    total: StageTiming
  }
  cache?: {
    documentHits: number
    documentMisses: number
    hitRatio: number
    tiers: Array<{ name: string; hits: number; misses: number; hitRatio: number }>
  }
  ranIn: { inline: number; workers: number; none: number }
  errors: Record<string, number>
  /** Failures grouped by message template, most frequent first (see README). */
  errorPatterns: ErrorPattern[]
  memory: { peakRss: number; level: PressureLevelName }
  alerts: AlertView[]
  /** Memory-pressure pauses of `extractMany` intake and shrinks of the cache. */
  pressure: { pauses: number; shrinks: number }
  /** Cache reads or writes that failed; the documents were computed without them. */
  degraded: number
  /** Retries, fallbacks and circuit breakers. */
  resilience: ResilienceReport
  elapsedMs: number
}

function ratio(hits: number, misses: number): number {
  const total = hits + misses
  return total === 0 ? 0 : hits / total
}

/** Builds `engine.report()` from the engine's counters and its slots. */
export function buildReport(
  ctx: EngineContext,
  alerts: AlertView[],
  peakRss: number,
): EngineReport {
  const { stats, slots } = ctx
  const elapsedMs = ctx.clock.now() - stats.startedAt
  const total = stats.ok + stats.failed
  const report: EngineReport = {
    documents: {
      ok: stats.ok,
      failed: stats.failed,
      total,
      perSecond: elapsedMs > 0 ? (total * 1000) / elapsedMs : 0,
    },
    elements: { total: stats.elements, extracted: stats.extracted, reused: stats.reused },
    stages: {
      parse: stats.stages.parse.summary(),
      elements: stats.stages.elements.summary(),
      document: stats.stages.document.summary(),
      cache: stats.stages.cache.summary(),
      total: stats.stages.total.summary(),
    },
    ranIn: { ...stats.ranIn },
    errors: { ...stats.errors },
    errorPatterns: stats.patterns.list(),
    memory: { peakRss, level: (slots.memory?.level() ?? 'normal') as PressureLevelName },
    alerts,
    pressure: { ...stats.pressure },
    degraded: stats.degraded,
    resilience: ctx.resilience.report(),
    elapsedMs,
  }
  if (slots.cache) {
    const cacheStats = slots.cache.stats?.()
    report.cache = {
      documentHits: stats.documentHits,
      documentMisses: stats.documentMisses,
      hitRatio: cacheStats ? cacheStats.hitRatio : ratio(stats.documentHits, stats.documentMisses),
      tiers: (cacheStats?.tiers ?? []).map(({ name, hits, misses, hitRatio }) => ({
        name,
        hits,
        misses,
        hitRatio,
      })),
    }
  }
  return report
}

/**
 * The metrics the default alert rules read, computed from the engine's counters and merged over
 * the profiler's own snapshot: `cache.hitRatio`, `extract.errorRate`, `memory.heapUsedRatio`
 * (and `extract.duration.p95` from the profiler's `extract.duration` histogram).
 */
export function alertMetrics(ctx: EngineContext): { metrics: Record<string, unknown> } {
  return { metrics: { ...ctx.slots.profiler?.snapshot?.().metrics, ...engineGauges(ctx) } }
}

/** The ratios the engine computes from its own counters (absent while there is no data). */
export function engineGauges(ctx: EngineContext): Record<string, number> {
  const { stats, slots } = ctx
  const metrics: Record<string, number> = {}
  const total = stats.ok + stats.failed
  if (total > 0) metrics['extract.errorRate'] = stats.failed / total
  const cacheStats = slots.cache?.stats?.()
  const lookups = stats.documentHits + stats.documentMisses
  if (cacheStats && cacheStats.hits + cacheStats.misses > 0)
    metrics['cache.hitRatio'] = cacheStats.hitRatio
  else if (lookups > 0) metrics['cache.hitRatio'] = ratio(stats.documentHits, stats.documentMisses)
  const heap = getHeapStatistics()
  metrics['memory.heapUsedRatio'] = heap.used_heap_size / heap.heap_size_limit
  // `breaker.open`: extractors whose circuit breaker is open or half-open (with breakers only).
  Object.assign(metrics, ctx.resilience.gauges())
  // work waiting for a worker thread (with a pool that reports it)
  const pool = slots.workers as { stats?: () => { queueDepth?: unknown } | undefined } | undefined
  const queueDepth = pool?.stats?.()?.queueDepth
  if (typeof queueDepth === 'number') metrics['workers.queueDepth'] = queueDepth
  return metrics
}

/**
 * Writes the engine's ratios into the profiler's gauges, when it has gauges: those of
 * `engineGauges`, and each cache tier's hit ratio (`cache.tier.hitRatio{tier}`).
 */
export function syncGauges(ctx: EngineContext): void {
  const { profiler } = ctx.slots
  if (!profiler?.gauge) return
  for (const [name, value] of Object.entries(engineGauges(ctx))) profiler.gauge(name).set(value)
  for (const tier of ctx.slots.cache?.stats?.().tiers ?? []) {
    if (tier.hits + tier.misses === 0) continue
    profiler.gauge('cache.tier.hitRatio', { labels: { tier: tier.name } }).set(tier.hitRatio)
  }
}

/**
 * The profiler's counters the engine keeps live (documents, elements, document-cache hits and
 * misses), when the profiler has `counter()`. Made up front: a hit ratio needs both counters
 * registered, even at zero.
 */
export function profilerCounters(ctx: EngineContext): EngineCounters | undefined {
  const { profiler } = ctx.slots
  if (!profiler?.counter) return undefined
  const counter = (name: string) => (profiler.counter as NonNullable<typeof profiler.counter>)(name)
  return {
    ok: counter('documents.ok'),
    failed: counter('documents.failed'),
    extracted: counter('elements.extracted'),
    reused: counter('elements.reused'),
    documentHits: counter('cache.document.hits'),
    documentMisses: counter('cache.document.misses'),
  }
}

/**
 * Routes the engine's timings to the profiler: `extract.duration` and each stage's
 * `extract.stage.duration{stage}`, as histograms in ms when the profiler makes histograms, so a
 * fleet's dashboard reads p50/p99 per stage; else as plain records.
 */
export function profilerDurations(ctx: EngineContext): void {
  const { profiler } = ctx.slots
  if (!profiler) return
  const histogram = profiler.histogram?.('extract.duration', {
    unit: 'milliseconds',
    help: 'Time from submitting a document to its result, cache hits and failures included',
  })
  ctx.recordDuration = histogram
    ? (ms) => histogram.record(ms)
    : (ms) => profiler.record('extract.duration', ms)
  // each stage's timings too, labelled, so a fleet's dashboard reads p50/p99 per stage
  for (const stage of ['parse', 'elements', 'document', 'cache'] as const) {
    const handle = profiler.histogram?.('extract.stage.duration', {
      unit: 'milliseconds',
      help: 'Time of one stage of a document (parse, elements, document, cache lookup)',
      labels: { stage },
    })
    ctx.stats.stages[stage].sink = handle
      ? (ms) => handle.record(ms)
      : (ms) => profiler.record('extract.stage.duration', ms, { stage })
  }
}
