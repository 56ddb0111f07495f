import { pressureChannel } from './channels'
import { TypedEmitter } from './emitter'
import { type GcObserver, observeGc } from './gc-stats'
import type { resolveMonitorOptions } from './monitor-options'
import type {
  GcStats,
  MemoryMonitorEvents,
  MemoryMonitorStats,
  MemoryReading,
  PressureChange,
  PressureLevel,
  PressureSource,
} from './monitor-types'
import { PressureHandlers } from './pressure-handlers'
import type { Size } from './types'
import { parseSize } from './units'

const BY_RANK: PressureLevel[] = ['normal', 'moderate', 'critical']

type ResolvedOptions = ReturnType<typeof resolveMonitorOptions>

/**
 * The state of one memory monitor: the last reading and the level it gave, the bytes
 * consumers accounted, the counters, and the sampling timer. A sample that changes the level
 * queues the pressure handlers' run behind the runs already queued.
 */
export class MonitorState {
  readonly budget: number
  readonly #interval: number
  readonly #thresholds: number[]
  readonly #hysteresis: number
  readonly #clock: ResolvedOptions['clock']
  readonly #read: ResolvedOptions['read']
  readonly events = new TypedEmitter<MemoryMonitorEvents>()
  readonly handlers = new PressureHandlers((error, change) => {
    this.handlerErrors++
    this.events.emit('handlerError', error, change)
  })
  readonly consumers = new Map<string, number>()
  accounted = 0
  rank = 0
  ratio = 0
  source: PressureSource = 'rss'
  reading: MemoryReading = { rss: 0, heapUsed: 0, heapTotal: 0, heapLimit: 0, external: 0 }
  peakRss = 0
  samples = 0
  levelChanges = 0
  handlerErrors = 0
  sampleErrors = 0
  #timer: unknown
  running = false
  #gc: GcObserver | undefined
  #gcFinal: GcStats | undefined
  // Handler runs are chained so a fall and a rise are handled in the order they happened.
  queue: Promise<void> = Promise.resolve()

  constructor(options: ResolvedOptions) {
    this.budget = options.budget
    this.#interval = options.interval
    this.#thresholds = options.thresholds
    this.#hysteresis = options.hysteresis
    this.#clock = options.clock
    this.#read = options.read
  }

  level(): PressureLevel {
    return BY_RANK[this.rank] as PressureLevel
  }

  #measure(): void {
    // Called as a plain function, as the reader was before it was kept on this object.
    const read = this.#read
    const raw = read()
    const reading: MemoryReading = {
      rss: raw.rss,
      heapUsed: raw.heapUsed ?? 0,
      heapTotal: raw.heapTotal ?? 0,
      heapLimit: raw.heapLimit ?? 0,
      external: raw.external ?? 0,
    }
    this.reading = reading
    if (reading.rss > this.peakRss) this.peakRss = reading.rss
    this.ratio = reading.rss / this.budget
    this.source = 'rss'
    if (reading.heapLimit > 0 && reading.heapUsed / reading.heapLimit > this.ratio) {
      this.ratio = reading.heapUsed / reading.heapLimit
      this.source = 'heap'
    }
    if (this.accounted / this.budget > this.ratio) {
      this.ratio = this.accounted / this.budget
      this.source = 'accounted'
    }
  }

  /** Rises straight to the highest level reached; falls only past a threshold minus hysteresis. */
  #nextRank(): number {
    const thresholds = this.#thresholds
    let up = 0
    for (let r = 2; r > 0; r--) {
      if (this.ratio >= (thresholds[r] as number)) {
        up = r
        break
      }
    }
    if (up > this.rank) return up
    let down = this.rank
    while (down > 0 && this.ratio < (thresholds[down] as number) - this.#hysteresis) down--
    return down
  }

  sample(): MemoryMonitorStats {
    this.#measure()
    this.samples++
    const next = this.#nextRank()
    if (next !== this.rank) {
      const change: PressureChange = {
        level: BY_RANK[next] as PressureLevel,
        previous: BY_RANK[this.rank] as PressureLevel,
        ratio: this.ratio,
        source: this.source,
        reading: this.reading,
        at: this.#clock.now(),
      }
      const from = this.rank
      this.rank = next
      this.levelChanges++
      this.events.emit('level', change)
      if (pressureChannel.hasSubscribers) pressureChannel.publish(change)
      this.queue = this.queue.then(() => this.handlers.run(change, from, next))
    }
    return this.stats()
  }

  stats(): MemoryMonitorStats {
    return {
      level: BY_RANK[this.rank] as PressureLevel,
      ratio: this.ratio,
      source: this.source,
      budget: this.budget,
      reading: { ...this.reading },
      peakRss: this.peakRss,
      accounted: this.accounted,
      consumers: Object.fromEntries(this.consumers),
      available: Math.max(0, this.budget - Math.max(this.reading.rss, this.accounted)),
      samples: this.samples,
      levelChanges: this.levelChanges,
      handlerErrors: this.handlerErrors,
      sampleErrors: this.sampleErrors,
      gc: this.#gc?.stats() ?? this.#gcFinal,
    }
  }

  /** Sets the bytes `consumer` holds; 0 forgets the consumer. */
  account(consumer: string, bytes: Size): void {
    const value = parseSize(bytes, 'bytes', true)
    this.accounted += value - (this.consumers.get(consumer) ?? 0)
    if (value === 0) this.consumers.delete(consumer)
    else this.consumers.set(consumer, value)
  }

  #tick = (): void => {
    this.#timer = undefined
    if (!this.running) return
    try {
      this.sample()
    } catch (error) {
      // A failing reader must not crash the process from a timer; the next tick retries.
      this.sampleErrors++
      this.events.emit('sampleError', error)
    }
    if (this.running) this.#timer = this.#clock.setTimeout(this.#tick, this.#interval)
  }

  /** Starts sampling (a first sample now, then one per interval); `gcStats` observes GC too. */
  start(gcStats: boolean): void {
    if (this.running) return
    this.running = true
    if (gcStats && this.#gc === undefined) this.#gc = observeGc()
    this.#tick()
  }

  stop(): void {
    this.running = false
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer)
    this.#timer = undefined
    if (this.#gc !== undefined) {
      this.#gcFinal = this.#gc.stats()
      this.#gc.stop()
      this.#gc = undefined
    }
  }
}
