import { ExprFailedError } from './errors'
import { type Clock, describeValue } from './kernel'
import { type ManagerEvents, transitionChannel } from './manager-events'
import type { ManagerState } from './manager-state'
import type { EvaluationResult } from './manager-types'
import type { NotificationScheduler } from './notification-scheduler'
import { type AlertRecord, type Outcome, render, step } from './state'
import type { AlertState, MetricsSnapshot, MetricsSource, Transition } from './types'

const NO_DATA: Outcome = { kind: 'nodata' }

/** Text of whatever was thrown; String() itself throws for a null-prototype object. */
function reasonOf(error: unknown): string {
  const reason = (error as Error)?.message ?? error
  try {
    return String(reason)
  } catch {
    return describeValue(reason)
  }
}

/** What an evaluation reads, and where its transitions and notifications go. */
export interface EvaluatorDeps {
  source: MetricsSource
  clock: Clock
  records: AlertRecord[]
  snapshotTimeoutMs: number
  historyLimit: number
  events: ManagerEvents
  scheduler: NotificationScheduler
  state: ManagerState
}

/**
 * One evaluation: a snapshot of the source, each rule's value stepped through its state
 * machine, every transition recorded, published and routed, then due groups flushed and the
 * state saved. Rule and source failures become `error` outcomes, never rejections.
 */
export class Evaluator {
  private readonly transitions: Transition[] = []

  constructor(private readonly deps: EvaluatorDeps) {}

  /** The last `historyLimit` transitions, copied. */
  history(): Transition[] {
    return this.transitions.slice(-this.deps.historyLimit).map((t) => ({ ...t }))
  }

  async run(): Promise<EvaluationResult> {
    const { clock, records, events, scheduler, state } = this.deps
    await state.restored
    const now = clock.now()
    let snapshot: MetricsSnapshot = { metrics: {} }
    let sourceError: string | undefined
    try {
      snapshot = await this.takeSnapshot()
    } catch (error) {
      sourceError = `source.snapshot() failed: ${reasonOf(error)}`
    }
    const transitions: Transition[] = []
    // One object reused for every rule's value: step() reads it and keeps nothing of it.
    const valueOutcome = { kind: 'value' as const, value: 0 }
    for (const record of records) {
      const outcome: Outcome =
        sourceError !== undefined
          ? { kind: 'error', error: sourceError }
          : this.read(record, snapshot, now, valueOutcome)
      const result = step(record, outcome, now)
      if (result.from !== result.to)
        transitions.push(this.onTransition(record, result.from, result.to, snapshot, now))
      if (result.flapStarted) events.emitAlert('flapping', record)
      if (result.flapEnded) {
        // Held while flapping: now that it is stable, route whatever state it settled in.
        scheduler.update(record, now)
        events.emitAlert('stable', record)
      }
    }
    const notifications = scheduler.flush(now)
    state.persist()
    return { at: now, rules: records.length, transitions, notifications }
  }

  /** The rule's value as an outcome: a number, no data (undefined or NaN), or a failed expr. */
  private read(
    record: AlertRecord,
    snapshot: MetricsSnapshot,
    now: number,
    valueOutcome: { kind: 'value'; value: number },
  ): Outcome {
    try {
      const value = record.rule.read(snapshot, now)
      if (value === undefined || (typeof value === 'number' && Number.isNaN(value))) return NO_DATA
      if (typeof value === 'number') {
        valueOutcome.value = value
        return valueOutcome
      }
      return this.exprFailed(
        record,
        `expr returned ${typeof value}, expected a number or undefined`,
      )
    } catch (error) {
      return this.exprFailed(record, reasonOf(error), error)
    }
  }

  private exprFailed(record: AlertRecord, reason: string, cause?: unknown): Outcome {
    const message = `rule "${record.rule.name}": expr failed: ${reason}`
    this.deps.events.emit('exprError', new ExprFailedError(record.rule.name, message, { cause }))
    return { kind: 'error', error: message }
  }

  private onTransition(
    record: AlertRecord,
    from: AlertState,
    to: AlertState,
    snapshot: MetricsSnapshot,
    now: number,
  ): Transition {
    if ((to === 'pending' || to === 'firing') && (from === 'inactive' || from === 'resolved')) {
      // Labels taken from the metric are fixed when the alert becomes active, not on every step.
      const extra = record.rule.metricLabels(snapshot)
      if (extra) {
        record.labels = { ...extra, ...record.rule.labels }
        render(record)
      }
    }
    const transition: Transition = {
      rule: record.rule.name,
      from,
      to,
      at: now,
      value: record.value,
    }
    const history = this.transitions
    history.push(transition)
    if (transitionChannel.hasSubscribers) transitionChannel.publish(transition)
    // Trim in batches so a burst of transitions does not shift the array once per entry.
    const limit = this.deps.historyLimit
    if (history.length >= limit * 2) history.splice(0, history.length - limit)
    if (!record.flapping) this.deps.scheduler.route(record, from, to, now)
    this.deps.events.emitAlert(to, record)
    return transition
  }

  /** The source's snapshot; an async one is raced against `snapshotTimeout` (0: no limit). */
  private takeSnapshot(): MetricsSnapshot | Promise<MetricsSnapshot> {
    const { source, clock, snapshotTimeoutMs } = this.deps
    const pending = source.snapshot()
    if (!(pending instanceof Promise) || snapshotTimeoutMs === 0) return pending
    return new Promise((resolve, reject) => {
      const timer = clock.setTimeout(
        () => reject(new Error(`timed out after ${snapshotTimeoutMs} ms`)),
        snapshotTimeoutMs,
      )
      pending.then(
        (value) => {
          clock.clearTimeout(timer)
          resolve(value)
        },
        (error) => {
          clock.clearTimeout(timer)
          reject(error)
        },
      )
    })
  }
}
