import { totalmem } from 'node:os'
import { getHeapStatistics } from 'node:v8'
import { pressureChannel } from './channels'
import { systemClock } from './clock'
import { TypedEmitter } from './emitter'
import { InvalidOptionError } from './errors'
import { type GcObserver, observeGc } from './gc-stats'
import { describeValue } from './kernel'
import type {
  GcStats,
  MemoryMonitor,
  MemoryMonitorEvents,
  MemoryMonitorOptions,
  MemoryMonitorStats,
  MemoryReading,
  PressureChange,
  PressureHandler,
  PressureLevel,
  PressureSource,
} from './types'
import { parseDuration, parseSize, requireClock, requireOptions, requireRatio } from './units'

const RANK: Record<PressureLevel, number> = { normal: 0, moderate: 1, critical: 2 }
const BY_RANK: PressureLevel[] = ['normal', 'moderate', 'critical']

interface Registration {
  level: Exclude<PressureLevel, 'normal'>
  handler: PressureHandler
  priority: number
  order: number
  /** Returned by the handler; runs when pressure falls below `level`. */
  relief: (() => void) | undefined
}

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

/**
 * Watches memory against a budget and turns it into three levels (normal, moderate, critical)
 * with hysteresis, so a process hovering at a threshold does not flap. Handlers registered with
 * `onPressure()` run in priority order when pressure rises to their level, and the function a
 * handler returns runs when pressure falls back below it.
 *
 * Usage is the largest of rss / budget, heap used / V8 heap limit and accounted bytes / budget:
 * a heap close to its limit is a crash in waiting even when rss looks small.
 */
export function createMemoryMonitor(options: MemoryMonitorOptions = {}): MemoryMonitor {
  requireOptions(options, 'createMemoryMonitor()')
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
  const thresholds = [0, moderate, critical]
  if (options.clock !== undefined) requireClock(options.clock)
  const clock = options.clock ?? systemClock
  const read = options.readMemory ?? readProcessMemory

  const events = new TypedEmitter<MemoryMonitorEvents>()
  const registrations: Registration[] = []
  const consumers = new Map<string, number>()
  let order = 0
  let accounted = 0
  let rank = 0
  let ratio = 0
  let source: PressureSource = 'rss'
  let reading: MemoryReading = { rss: 0, heapUsed: 0, heapTotal: 0, heapLimit: 0, external: 0 }
  let peakRss = 0
  let samples = 0
  let levelChanges = 0
  let handlerErrors = 0
  let sampleErrors = 0
  let timer: unknown
  let running = false
  let gc: GcObserver | undefined
  let gcFinal: GcStats | undefined
  // Handler runs are chained so a fall and a rise are handled in the order they happened.
  let queue: Promise<void> = Promise.resolve()

  const measure = (): void => {
    const raw = read()
    reading = {
      rss: raw.rss,
      heapUsed: raw.heapUsed ?? 0,
      heapTotal: raw.heapTotal ?? 0,
      heapLimit: raw.heapLimit ?? 0,
      external: raw.external ?? 0,
    }
    if (reading.rss > peakRss) peakRss = reading.rss
    ratio = reading.rss / budget
    source = 'rss'
    if (reading.heapLimit > 0 && reading.heapUsed / reading.heapLimit > ratio) {
      ratio = reading.heapUsed / reading.heapLimit
      source = 'heap'
    }
    if (accounted / budget > ratio) {
      ratio = accounted / budget
      source = 'accounted'
    }
  }

  /** Rises straight to the highest level reached; falls only past a threshold minus hysteresis. */
  const nextRank = (): number => {
    let up = 0
    for (let r = 2; r > 0; r--) {
      if (ratio >= (thresholds[r] as number)) {
        up = r
        break
      }
    }
    if (up > rank) return up
    let down = rank
    while (down > 0 && ratio < (thresholds[down] as number) - hysteresis) down--
    return down
  }

  const runHandlers = async (change: PressureChange, from: number, to: number): Promise<void> => {
    if (to < from) {
      for (const registration of registrations) {
        if (RANK[registration.level] > to && registration.relief !== undefined) {
          const relief = registration.relief
          registration.relief = undefined
          try {
            relief()
          } catch (error) {
            handlerErrors++
            events.emit('handlerError', error, change)
          }
        }
      }
      return
    }
    const due = registrations
      .filter((r) => RANK[r.level] > from && RANK[r.level] <= to)
      .sort((a, b) => b.priority - a.priority || RANK[a.level] - RANK[b.level] || a.order - b.order)
    for (const registration of due) {
      try {
        const relief = await registration.handler(change)
        if (typeof relief === 'function') registration.relief = relief as () => void
      } catch (error) {
        handlerErrors++
        events.emit('handlerError', error, change)
      }
    }
  }

  const sample = (): MemoryMonitorStats => {
    measure()
    samples++
    const next = nextRank()
    if (next !== rank) {
      const change: PressureChange = {
        level: BY_RANK[next] as PressureLevel,
        previous: BY_RANK[rank] as PressureLevel,
        ratio,
        source,
        reading,
        at: clock.now(),
      }
      const from = rank
      rank = next
      levelChanges++
      events.emit('level', change)
      if (pressureChannel.hasSubscribers) pressureChannel.publish(change)
      queue = queue.then(() => runHandlers(change, from, next))
    }
    return stats()
  }

  const tick = (): void => {
    timer = undefined
    if (!running) return
    try {
      sample()
    } catch (error) {
      // A failing reader must not crash the process from a timer; the next tick retries.
      sampleErrors++
      events.emit('sampleError', error)
    }
    if (running) timer = clock.setTimeout(tick, interval)
  }

  const stats = (): MemoryMonitorStats => ({
    level: BY_RANK[rank] as PressureLevel,
    ratio,
    source,
    budget,
    reading: { ...reading },
    peakRss,
    accounted,
    consumers: Object.fromEntries(consumers),
    available: Math.max(0, budget - Math.max(reading.rss, accounted)),
    samples,
    levelChanges,
    handlerErrors,
    sampleErrors,
    gc: gc?.stats() ?? gcFinal,
  })

  const monitor: MemoryMonitor = {
    level: () => BY_RANK[rank] as PressureLevel,
    sample,
    onPressure(level, handler, handlerOptions = {}) {
      if (level !== 'moderate' && level !== 'critical') {
        throw new InvalidOptionError(
          'level',
          `level must be 'moderate' or 'critical', got ${describeValue(level)}`,
        )
      }
      if (typeof handler !== 'function') {
        throw new InvalidOptionError('handler', `handler must be a function, got ${typeof handler}`)
      }
      requireOptions(handlerOptions, 'onPressure()')
      const priority: unknown = handlerOptions.priority ?? 0
      if (typeof priority !== 'number' || !Number.isFinite(priority)) {
        throw new InvalidOptionError(
          'priority',
          `priority must be a finite number, got ${describeValue(priority)}`,
        )
      }
      const registration: Registration = {
        level,
        handler,
        priority,
        order: order++,
        relief: undefined,
      }
      registrations.push(registration)
      return () => {
        const index = registrations.indexOf(registration)
        if (index >= 0) registrations.splice(index, 1)
      }
    },
    account(consumer, bytes) {
      const value = parseSize(bytes, 'bytes', true)
      accounted += value - (consumers.get(consumer) ?? 0)
      if (value === 0) consumers.delete(consumer)
      else consumers.set(consumer, value)
    },
    stats,
    idle: () => queue,
    start() {
      if (running) return
      running = true
      if (options.gcStats !== false && gc === undefined) gc = observeGc()
      tick()
    },
    stop() {
      running = false
      if (timer !== undefined) clock.clearTimeout(timer)
      timer = undefined
      if (gc !== undefined) {
        gcFinal = gc.stats()
        gc.stop()
        gc = undefined
      }
    },
    on: (event, listener) => events.on(event, listener),
  }
  if (options.autoStart !== false) monitor.start()
  return monitor
}
