// The public types of `createMemoryMonitor()`, exported from the package index.
import type { GcKind } from './kernel'
import type { Clock, Duration, Size, Unsubscribe } from './types'

export type PressureLevel = 'normal' | 'moderate' | 'critical'

/** One memory reading, in bytes. Only `rss` is required from an injected reader. */
export interface MemoryReading {
  rss: number
  heapUsed: number
  heapTotal: number
  /** V8's heap size limit: the heap OOMs here whatever the budget says. */
  heapLimit: number
  external: number
}

export interface MemoryMonitorOptions {
  /** Bytes the process may use. Default: the cgroup limit if any, else total system memory. */
  budget?: Size
  /** Time between samples. Default `'1s'`. */
  interval?: Duration
  /** Usage ratios (of the budget) at which each level starts. Default 0.7 and 0.85. */
  levels?: { moderate?: number; critical?: number }
  /** How far below a level's threshold usage must fall to leave it. Default 0.05. */
  hysteresis?: number
  /** Start sampling on creation. Default true. */
  autoStart?: boolean
  /** Observe GC pauses with a `PerformanceObserver`. Default true. */
  gcStats?: boolean
  /** Replaces the real reader (`process.memoryUsage.rss()` + `v8.getHeapStatistics()`). */
  readMemory?: () => Partial<MemoryReading> & { rss: number }
  clock?: Clock
}

/** What drove the usage ratio: resident memory, the V8 heap, or bytes accounted by consumers. */
export type PressureSource = 'rss' | 'heap' | 'accounted'

export interface PressureChange {
  level: PressureLevel
  previous: PressureLevel
  /** Usage ratio that caused the change. */
  ratio: number
  source: PressureSource
  reading: MemoryReading
  at: number
}

/**
 * Runs when pressure reaches its level. It may be async, and may return (or resolve to) a
 * relief function, run when pressure falls back below the level.
 */
export type PressureHandler = (change: PressureChange) => unknown

export interface PressureHandlerOptions {
  /** Higher runs first (e.g. shrink caches at 10 before pausing intake at 0). Default 0. */
  priority?: number
}

export interface GcStats {
  count: number
  /** Total pause time, milliseconds. */
  totalPause: number
  maxPause: number
  byKind: Record<GcKind, { count: number; pause: number }>
}

export interface MemoryMonitorStats {
  level: PressureLevel
  ratio: number
  source: PressureSource
  budget: number
  reading: MemoryReading
  peakRss: number
  /** Sum of the bytes consumers reported with `account()`. */
  accounted: number
  consumers: Record<string, number>
  /** Budget left: budget minus the larger of rss and accounted bytes (never negative). */
  available: number
  samples: number
  levelChanges: number
  handlerErrors: number
  /** Timer samples whose memory reader threw. */
  sampleErrors: number
  gc: GcStats | undefined
}

export interface MemoryMonitorEvents {
  /** The level changed (up or down). Never emitted for samples that keep the level. */
  level: (change: PressureChange) => void
  handlerError: (error: unknown, change: PressureChange) => void
  /** The memory reader threw during a timer sample; the next sample retries. */
  sampleError: (error: unknown) => void
}

export interface MemoryMonitor {
  level(): PressureLevel
  /** Takes one sample now (also what the interval timer does). */
  sample(): MemoryMonitorStats
  onPressure(
    level: Exclude<PressureLevel, 'normal'>,
    handler: PressureHandler,
    options?: PressureHandlerOptions,
  ): Unsubscribe
  /** Sets the bytes `consumer` holds (0 removes it); counts against the budget. */
  account(consumer: string, bytes: Size): void
  stats(): MemoryMonitorStats
  /** Resolves when the pressure handlers started so far have finished. */
  idle(): Promise<void>
  start(): void
  stop(): void
  on<E extends keyof MemoryMonitorEvents>(event: E, listener: MemoryMonitorEvents[E]): Unsubscribe
}
