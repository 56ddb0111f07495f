import type { EventEmitter } from 'eventemitter3'
import type { EngineEvents } from './api'
import type { EngineContext } from './context'
import { syncGauges } from './report'
import type { AlertView } from './types'

/** How often (ms) gauges are synced and alert rules evaluated while documents complete. */
const METRICS_INTERVAL_MS = 1000
/** Documents between two RSS samples for the report's peak RSS. */
const RSS_EVERY = 128

/**
 * What the engine watches as documents complete: the peak RSS for the report (sampled every
 * `RSS_EVERY` documents), the gauges and the alert rules (every `METRICS_INTERVAL_MS`), and the
 * alerts firing, each announced once as an `alert` event when it starts firing.
 */
export class EngineHealth {
  /** The alerts firing at the last evaluation. */
  firing: AlertView[] = []
  private lastEvaluation = Number.NEGATIVE_INFINITY
  private documentsSinceRss = 0
  private peakRss = process.memoryUsage.rss()

  constructor(
    private readonly ctx: EngineContext,
    private readonly emitter: EventEmitter<EngineEvents>,
  ) {}

  /** The highest RSS seen so far, this process's or the memory slot's, sampled now. */
  sampleRss(): number {
    const memory = this.ctx.slots.memory?.stats?.().peakRss ?? 0
    this.peakRss = Math.max(this.peakRss, process.memoryUsage.rss(), memory)
    return this.peakRss
  }

  /** After each document: an RSS sample and an alert evaluation when they are due. */
  afterDocument(): void {
    if (++this.documentsSinceRss >= RSS_EVERY) {
      this.documentsSinceRss = 0
      this.sampleRss()
    }
    if (this.ctx.clock.now() - this.lastEvaluation >= METRICS_INTERVAL_MS) {
      this.lastEvaluation = this.ctx.clock.now()
      syncGauges(this.ctx)
      // An evaluation failure never fails a document.
      if (this.ctx.slots.alerts) this.evaluateAlerts().catch(() => {})
    }
  }

  /** Evaluates the alert rules now; resolves the alerts firing. */
  readonly evaluateAlerts = async (): Promise<AlertView[]> => {
    const { ctx } = this
    const alerts = ctx.slots.alerts
    if (!alerts) return []
    this.lastEvaluation = ctx.clock.now()
    this.sampleRss()
    syncGauges(ctx)
    await alerts.evaluate()
    const before = new Set(this.firing.map((a) => a.rule))
    this.firing = alerts
      .active()
      .filter((a) => a.state === 'firing')
      .map(({ rule, state, value }) => ({ rule, state, value }))
    for (const alert of this.firing) if (!before.has(alert.rule)) this.emitter.emit('alert', alert)
    return this.firing
  }
}
