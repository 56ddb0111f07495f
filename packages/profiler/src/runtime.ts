import {
  type EventLoopUtilization,
  type IntervalHistogram,
  monitorEventLoopDelay,
  PerformanceObserver,
  performance,
} from 'node:perf_hooks'
import { GC_KINDS } from './kernel'
import type { Registry } from './metrics'
import type { RuntimeSnapshot } from './types'

export interface RuntimeCollector {
  /** Reads the collectors, updates the runtime gauges in the registry and returns the values. */
  read(): RuntimeSnapshot
  stop(): void
}

/**
 * Starts the runtime collectors: event-loop delay (`monitorEventLoopDelay`), event-loop
 * utilization, GC pauses by kind (a `gc` PerformanceObserver) and memory. Pauses go into the
 * `runtime.gc.pause.seconds{kind}` histogram; the rest into `runtime.*` gauges on each `read()`.
 */
export function startRuntimeCollector(registry: Registry, resolutionMs = 10): RuntimeCollector {
  const delay: IntervalHistogram = monitorEventLoopDelay({ resolution: resolutionMs })
  delay.enable()
  const startElu: EventLoopUtilization = performance.eventLoopUtilization()
  const gc = new Map<string, { count: number; totalMs: number; maxMs: number }>()
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const detail = (entry as { detail?: { kind?: number } }).detail
      const kind = GC_KINDS[detail?.kind ?? -1] ?? 'other'
      const stats = gc.get(kind) ?? { count: 0, totalMs: 0, maxMs: 0 }
      stats.count++
      stats.totalMs += entry.duration
      stats.maxMs = Math.max(stats.maxMs, entry.duration)
      gc.set(kind, stats)
      registry
        .get('histogram', 'runtime.gc.pause.seconds', {
          labels: { kind },
          help: 'GC pause in seconds by kind',
        })
        .record(entry.duration / 1000)
    }
  })
  observer.observe({ entryTypes: ['gc'] })

  const gauge = (name: string, help: string) => registry.get('gauge', name, { help })
  const gauges = {
    delayP50: gauge('runtime.eventloop.delay.p50.seconds', 'Event-loop delay median in seconds'),
    delayP99: gauge('runtime.eventloop.delay.p99.seconds', 'Event-loop delay p99 in seconds'),
    delayMax: gauge('runtime.eventloop.delay.max.seconds', 'Event-loop delay maximum in seconds'),
    elu: gauge('runtime.eventloop.utilization', 'Event-loop utilization ratio since start'),
    rss: gauge('runtime.memory.rss.bytes', 'Resident set size in bytes'),
    heapUsed: gauge('runtime.memory.heap.used.bytes', 'V8 heap used in bytes'),
    heapTotal: gauge('runtime.memory.heap.total.bytes', 'V8 heap total in bytes'),
    external: gauge('runtime.memory.external.bytes', 'Memory of C++ objects bound to JS in bytes'),
  }

  const ms = (ns: number) => (Number.isFinite(ns) ? ns / 1e6 : 0)

  return {
    read() {
      const count = delay.count
      const eventLoopDelay = {
        minMs: count ? ms(delay.min) : 0,
        meanMs: count ? ms(delay.mean) : 0,
        p50Ms: count ? ms(delay.percentile(50)) : 0,
        p99Ms: count ? ms(delay.percentile(99)) : 0,
        maxMs: count ? ms(delay.max) : 0,
      }
      const utilization = performance.eventLoopUtilization(startElu).utilization
      const memory = process.memoryUsage()
      gauges.delayP50.set(eventLoopDelay.p50Ms / 1000)
      gauges.delayP99.set(eventLoopDelay.p99Ms / 1000)
      gauges.delayMax.set(eventLoopDelay.maxMs / 1000)
      gauges.elu.set(utilization)
      gauges.rss.set(memory.rss)
      gauges.heapUsed.set(memory.heapUsed)
      gauges.heapTotal.set(memory.heapTotal)
      gauges.external.set(memory.external)
      return {
        eventLoopDelay,
        eventLoopUtilization: utilization,
        gc: Object.fromEntries([...gc].map(([kind, stats]) => [kind, { ...stats }])),
        memory: {
          rss: memory.rss,
          heapUsed: memory.heapUsed,
          heapTotal: memory.heapTotal,
          external: memory.external,
        },
      }
    },
    stop() {
      delay.disable()
      observer.disconnect()
    },
  }
}
