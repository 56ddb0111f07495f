import { channel } from 'node:diagnostics_channel'
import EventEmitter from 'eventemitter3'
import { Delivery } from './delivery'
import { Dispatcher, routeSettings } from './dispatcher'
import { durationOption } from './duration'
import {
  ExprFailedError,
  InvalidOptionError,
  ManagerStoppedError,
  RuleInvalidError,
} from './errors'
import { Inhibitor } from './inhibit'
import { describeValue, positiveInteger, systemClock } from './kernel'
import type {
  AlertManager,
  AlertManagerEvents,
  AlertManagerOptions,
  EvaluationResult,
} from './manager-types'
import { persistRecord, StateFile } from './persistence'
import { compileRules, flapSettings } from './rules'
import { SilenceStore } from './silences'
import { type AlertRecord, newRecord, notified, type Outcome, render, step, toAlert } from './state'
import type { AlertState, Labels, MetricsSnapshot, Notification, Transition } from './types'

type AlertEvent =
  | 'pending'
  | 'firing'
  | 'resolved'
  | 'inactive'
  | 'nodata'
  | 'error'
  | 'flapping'
  | 'stable'

/** Every state change, as a `Transition`, for any tool listening on diagnostics_channel. */
export const transitionChannel = channel('mx:alerts:transition')
/** Every notification handed to the sinks. */
export const notificationChannel = channel('mx:alerts:notification')

const NO_DATA: Outcome = { kind: 'nodata' }

const ACTIVE = new Set<AlertState>(['pending', 'firing', 'nodata', 'error'])

function checkClock(clock: unknown): void {
  const candidate = clock as Record<string, unknown> | null
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.now !== 'function' ||
    typeof candidate.setTimeout !== 'function' ||
    typeof candidate.clearTimeout !== 'function'
  ) {
    throw new InvalidOptionError(
      'clock',
      `clock must be an object with now(), setTimeout() and clearTimeout() functions, got ${describeValue(clock)}`,
    )
  }
}

/**
 * Creates an in-process alert manager: rules evaluated against `source.snapshot()`, alert
 * states with `for`/`keepFiringFor`/hysteresis/flap detection, Alertmanager-style grouping,
 * inhibition and silences, and delivery to sinks that never block evaluation.
 */
export function createAlertManager(options: AlertManagerOptions): AlertManager {
  if (!options || typeof options.source?.snapshot !== 'function') {
    throw new InvalidOptionError('source', 'source must be an object with a snapshot() method')
  }
  if (options.clock !== undefined) checkClock(options.clock)
  const clock = options.clock ?? systemClock
  const intervalMs = durationOption('interval', options.interval ?? '10s')
  if (intervalMs <= 0) throw new InvalidOptionError('interval', 'interval must be greater than 0')
  let defaultFlap: ReturnType<typeof flapSettings>
  try {
    defaultFlap = flapSettings(options.flap, 'flap')
  } catch (error) {
    if (error instanceof RuleInvalidError) throw new InvalidOptionError(error.field, error.message)
    throw error
  }
  const records = compileRules(options.rules, defaultFlap).map(newRecord)
  const dispatcher = new Dispatcher(routeSettings(options.route))
  const inhibitor = new Inhibitor(options.inhibit ?? [])
  const silenceStore = new SilenceStore()
  const snapshotTimeoutMs = durationOption('snapshotTimeout', options.snapshotTimeout ?? '30s')
  const historyLimit = positiveInteger('historyLimit', options.historyLimit, 1000)
  const history: Transition[] = []
  const emitter = new EventEmitter()
  const emit = <E extends keyof AlertManagerEvents>(event: E, ...args: AlertManagerEvents[E]) => {
    if (emitter.listenerCount(event) === 0) return
    try {
      emitter.emit(event, ...args)
    } catch {
      // A throwing listener must not break evaluation or delivery.
    }
  }
  const emitAlert = (event: AlertEvent, record: AlertRecord) => {
    if (emitter.listenerCount(event) > 0) emit(event, toAlert(record))
  }
  const delivery = new Delivery(
    options.sinks ?? [],
    {
      delivered: (n, sink) => emit('notification', n, sink),
      failed: (error, n, sink) => emit('sinkError', error, n, sink),
    },
    positiveInteger('maxQueuedNotifications', options.maxQueuedNotifications, 1000),
  )

  let stopped = false
  let started = false
  let evalTimer: unknown
  let dispatchTimer: unknown
  let dispatchAt: number | undefined
  let running: Promise<EvaluationResult> | undefined

  const stateFile = options.stateFile
    ? new StateFile(options.stateFile, (error) => emit('stateError', error))
    : undefined
  const restored = stateFile?.restore(clock.now(), records, silenceStore, dispatcher)
  const persist = () =>
    stateFile?.save(() => {
      const now = clock.now()
      return {
        version: 1,
        savedAt: now,
        alerts: records.filter((r) => r.phase !== 'inactive' || r.overlay).map(persistRecord),
        silences: silenceStore.list(now),
        groups: dispatcher.export(),
      }
    })

  function muted(now: number) {
    let firing: Labels[] | undefined
    return (labels: Labels) => {
      if (silenceStore.isSilenced(labels, now)) return true
      if (inhibitor.empty) return false
      firing ??= records.filter((r) => r.phase === 'firing').map((r) => r.labels)
      return inhibitor.inhibited(labels, firing)
    }
  }

  function flushGroups(now: number): Notification[] {
    const due = dispatcher.nextDeadline()
    const sent = due !== undefined && due <= now ? dispatcher.flush(now, muted(now)) : []
    for (const notification of sent) {
      if (notificationChannel.hasSubscribers) notificationChannel.publish(notification)
      delivery.enqueue(notification)
    }
    scheduleDispatch()
    return sent
  }

  function scheduleDispatch(): void {
    const at = stopped ? undefined : dispatcher.nextDeadline()
    if (at === dispatchAt) return
    if (dispatchTimer !== undefined) clock.clearTimeout(dispatchTimer)
    dispatchTimer = undefined
    dispatchAt = at
    if (at === undefined) return
    dispatchTimer = clock.setTimeout(() => {
      dispatchTimer = undefined
      dispatchAt = undefined
      if (stopped) return
      if (flushGroups(clock.now()).length > 0) persist()
    }, at - clock.now())
  }

  function onTransition(
    record: AlertRecord,
    from: AlertState,
    to: AlertState,
    snapshot: MetricsSnapshot,
    now: number,
  ) {
    if ((to === 'pending' || to === 'firing') && (from === 'inactive' || from === 'resolved')) {
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
    history.push(transition)
    if (transitionChannel.hasSubscribers) transitionChannel.publish(transition)
    // Trim in batches so a burst of transitions does not shift the array once per entry.
    if (history.length >= historyLimit * 2) history.splice(0, history.length - historyLimit)
    if (!record.flapping) route(record, from, to, now)
    emitAlert(to, record)
    return transition
  }

  function route(record: AlertRecord, from: AlertState, to: AlertState, now: number) {
    if (to === 'firing' && from !== 'firing') dispatcher.upsert(notified(record), now)
    else if (to === 'resolved') dispatcher.upsert(notified(record), now)
  }

  function exprFailed(record: AlertRecord, reason: string, cause?: unknown): Outcome {
    const message = `rule "${record.rule.name}": expr failed: ${reason}`
    emit('exprError', new ExprFailedError(record.rule.name, message, { cause }))
    return { kind: 'error', error: message }
  }

  function takeSnapshot(): MetricsSnapshot | Promise<MetricsSnapshot> {
    const pending = options.source.snapshot()
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

  async function runEvaluation(): Promise<EvaluationResult> {
    await restored
    const now = clock.now()
    let snapshot: MetricsSnapshot = { metrics: {} }
    let sourceError: string | undefined
    try {
      snapshot = await takeSnapshot()
    } catch (error) {
      sourceError = `source.snapshot() failed: ${(error as Error)?.message ?? String(error)}`
    }
    const transitions: Transition[] = []
    const valueOutcome = { kind: 'value' as const, value: 0 }
    for (const record of records) {
      let outcome: Outcome
      if (sourceError !== undefined) outcome = { kind: 'error', error: sourceError }
      else {
        try {
          const value = record.rule.read(snapshot, now)
          if (value === undefined || (typeof value === 'number' && Number.isNaN(value)))
            outcome = NO_DATA
          else if (typeof value === 'number') {
            valueOutcome.value = value
            outcome = valueOutcome
          } else
            outcome = exprFailed(
              record,
              `expr returned ${typeof value}, expected a number or undefined`,
            )
        } catch (error) {
          outcome = exprFailed(record, (error as Error)?.message ?? String(error), error)
        }
      }
      const result = step(record, outcome, now)
      if (result.from !== result.to)
        transitions.push(onTransition(record, result.from, result.to, snapshot, now))
      if (result.flapStarted) emitAlert('flapping', record)
      if (result.flapEnded) {
        // Held while flapping: now that it is stable, route whatever state it settled in.
        dispatcher.upsert(notified(record), now)
        emitAlert('stable', record)
      }
    }
    const notifications = flushGroups(now)
    persist()
    return { at: now, rules: records.length, transitions, notifications }
  }

  function evaluate(): Promise<EvaluationResult> {
    if (stopped) return Promise.reject(new ManagerStoppedError('evaluate'))
    const previous = running
    const next = (previous ? previous.catch(() => undefined) : Promise.resolve()).then(
      runEvaluation,
    )
    running = next
    void next
      .finally(() => {
        if (running === next) running = undefined
      })
      .catch(() => undefined)
    return next
  }

  function tick(): Promise<unknown> {
    evalTimer = undefined
    if (stopped) return Promise.resolve()
    const startedAt = clock.now()
    return (
      evaluate()
        // runEvaluation catches rule and source failures itself; this is a last resort.
        .catch((error) => emit('stateError', error))
        .finally(() => {
          if (!stopped)
            evalTimer = clock.setTimeout(tick, Math.max(0, startedAt + intervalMs - clock.now()))
        })
    )
  }

  return {
    start() {
      if (stopped) throw new ManagerStoppedError('start')
      if (started) return
      started = true
      evalTimer = clock.setTimeout(tick, 0)
    },
    evaluate,
    silence(input) {
      if (stopped) throw new ManagerStoppedError('silence')
      const silence = silenceStore.add(input, clock.now())
      persist()
      return silence
    },
    expireSilence(id) {
      const expired = silenceStore.expire(id, clock.now())
      if (expired) persist()
      return expired
    },
    silences: () => silenceStore.list(clock.now()),
    active: () => records.filter((r) => ACTIVE.has(r.overlay ?? r.phase)).map(toAlert),
    alerts: () => records.map(toAlert),
    history: () => history.slice(-historyLimit).map((t) => ({ ...t })),
    on(event, listener) {
      emitter.on(event, listener as (...args: unknown[]) => void)
      return () => {
        emitter.off(event, listener as (...args: unknown[]) => void)
      }
    },
    async stop(stopOptions = {}) {
      if (stopped) return
      stopped = true
      if (evalTimer !== undefined) clock.clearTimeout(evalTimer)
      if (dispatchTimer !== undefined) clock.clearTimeout(dispatchTimer)
      evalTimer = dispatchTimer = undefined
      await running?.catch(() => undefined)
      await delivery.drainAll(stopOptions.abortDeliveries === true)
      await stateFile?.idle()
      await delivery.close()
      emitter.removeAllListeners()
    },
  }
}
