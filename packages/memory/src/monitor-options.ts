import { totalmem } from 'node:os'
import { getHeapStatistics } from 'node:v8'
import { systemClock } from './clock'
import { InvalidOptionError } from './errors'
import { checkClock, checkKnownKeys } from './kernel'
import type { MemoryMonitorOptions, MemoryReading } from './monitor-types'
import { parseDuration, parseSize, requireOptions, requireRatio } from './units'

/** The real reader: `rss()` skips the heap walk of `memoryUsage()`; heap stats are cheap. */
function readProcessMemory(): MemoryReading {
  const heap = getHeapStatistics()
  return {
    rss: process.memoryUsage.rss(),
    heapUsed: heap.used_heap_size,
    heapTotal: heap.total_heap_size,
    heapLimit: heap.heap_size_limit,
    external: heap.external_memory ?? 0,
  }
}

/** The cgroup memory limit when there is a real one, else the machine's memory. */
function defaultBudget(): number {
  const total = totalmem()
  const constrained = process.constrainedMemory?.() ?? 0
  return constrained > 0 && constrained < total ? constrained : total
}

// The keys the options take: `satisfies` makes the compiler keep both lists complete.
const MONITOR_OPTIONS = Object.keys({
  budget: true,
  interval: true,
  levels: true,
  hysteresis: true,
  autoStart: true,
  gcStats: true,
  readMemory: true,
  clock: true,
} satisfies Record<keyof MemoryMonitorOptions, true>)
const LEVELS = Object.keys({ moderate: true, critical: true } satisfies Record<
  keyof NonNullable<MemoryMonitorOptions['levels']>,
  true
>)

/** Validates the monitor's options and fills in defaults. */
export function resolveMonitorOptions(options: MemoryMonitorOptions) {
  requireOptions(options, 'createMemoryMonitor()')
  checkKnownKeys(options, MONITOR_OPTIONS, 'createMemoryMonitor()')
  if (typeof options.levels === 'object' && options.levels !== null) {
    checkKnownKeys(options.levels, LEVELS, 'createMemoryMonitor()', 'levels')
  }
  const budget =
    options.budget === undefined ? defaultBudget() : parseSize(options.budget, 'budget')
  const interval = parseDuration(options.interval ?? 1000, 'interval')
  const moderate = requireRatio(options.levels?.moderate ?? 0.7, 'levels.moderate')
  const critical = requireRatio(options.levels?.critical ?? 0.85, 'levels.critical')
  if (critical <= moderate) {
    throw new InvalidOptionError(
      'levels.critical',
      `levels.critical must be above levels.moderate (${moderate}), got ${critical}`,
    )
  }
  const hysteresis = requireRatio(options.hysteresis ?? 0.05, 'hysteresis', true)
  if (hysteresis >= moderate) {
    throw new InvalidOptionError(
      'hysteresis',
      `hysteresis must be below levels.moderate (${moderate}), got ${hysteresis}`,
    )
  }
  if (options.readMemory !== undefined && typeof options.readMemory !== 'function') {
    throw new InvalidOptionError('readMemory', 'readMemory must be a function')
  }
  if (options.clock !== undefined) checkClock(options.clock)
  return {
    budget,
    interval,
    /** Usage ratio at which each level starts, indexed by rank. */
    thresholds: [0, moderate, critical],
    hysteresis,
    clock: options.clock ?? systemClock,
    read: options.readMemory ?? readProcessMemory,
  }
}
