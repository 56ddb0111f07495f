import { type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks'
import { GC_KINDS } from './kernel'
import type { GcStats } from './monitor-types'

export interface GcObserver {
  stats(): GcStats
  stop(): void
}

/** Counts garbage collections and their pauses through a `PerformanceObserver` on `gc` entries. */
export function observeGc(): GcObserver {
  const stats: GcStats = {
    count: 0,
    totalPause: 0,
    maxPause: 0,
    byKind: {
      minor: { count: 0, pause: 0 },
      major: { count: 0, pause: 0 },
      incremental: { count: 0, pause: 0 },
      weakcb: { count: 0, pause: 0 },
    },
  }
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as (PerformanceEntry & {
      detail?: { kind?: number }
    })[]) {
      stats.count++
      stats.totalPause += entry.duration
      if (entry.duration > stats.maxPause) stats.maxPause = entry.duration
      const kind = GC_KINDS[entry.detail?.kind ?? -1]
      if (kind !== undefined) {
        stats.byKind[kind].count++
        stats.byKind[kind].pause += entry.duration
      }
    }
  })
  observer.observe({ entryTypes: ['gc'] })
  return {
    stats: () => ({
      ...stats,
      byKind: {
        minor: { ...stats.byKind.minor },
        major: { ...stats.byKind.major },
        incremental: { ...stats.byKind.incremental },
        weakcb: { ...stats.byKind.weakcb },
      },
    }),
    stop: () => observer.disconnect(),
  }
}
