import { getHeapStatistics } from 'node:v8'
import type { EngineReport } from './api'
import type { EngineContext } from './context'
import type { AlertView, PressureLevelName } from './types'

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
  syncGauges(ctx)
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
    memory: { peakRss, level: (slots.memory?.level() ?? 'normal') as PressureLevelName },
    alerts,
    pressure: { ...stats.pressure },
    degraded: stats.degraded,
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
  return metrics
}

/** The engine's running totals, by the counter name they take in the profiler. */
function engineCounters(ctx: EngineContext): Record<string, number> {
  const { stats } = ctx
  return {
    'documents.ok': stats.ok,
    'documents.failed': stats.failed,
    'elements.extracted': stats.extracted,
    'elements.reused': stats.reused,
    'cache.document.hits': stats.documentHits,
    'cache.document.misses': stats.documentMisses,
  }
}

/**
 * Writes the engine's ratios into the profiler's gauges and advances its counters by what
 * happened since the last sync, when the profiler has them. Called about once a second while
 * documents complete, and by `report()`.
 */
export function syncGauges(ctx: EngineContext): void {
  const { profiler } = ctx.slots
  if (profiler?.gauge) {
    for (const [name, value] of Object.entries(engineGauges(ctx))) profiler.gauge(name).set(value)
  }
  if (profiler?.counter) {
    const { synced } = ctx.stats
    for (const [name, value] of Object.entries(engineCounters(ctx))) {
      // Registered even at zero: a hit ratio needs both its hits and its misses counter.
      const counter = profiler.counter(name)
      const delta = value - (synced[name] ?? 0)
      if (delta > 0) counter.inc(delta)
      synced[name] = value
    }
  }
}
