import { Delivery } from './delivery'
import { ManagerStoppedError } from './errors'
import { Evaluator } from './evaluation'
import { ManagerEvents } from './manager-events'
import { managerSettings } from './manager-options'
import { managerState } from './manager-state'
import type { AlertManager, AlertManagerOptions, EvaluationResult } from './manager-types'
import { NotificationScheduler } from './notification-scheduler'
import { SilenceStore } from './silences'
import { toAlert } from './state'
import type { AlertState } from './types'

const ACTIVE = new Set<AlertState>(['pending', 'firing', 'nodata', 'error'])

/**
 * Creates an in-process alert manager: rules evaluated against `source.snapshot()`, alert
 * states with `for`/`keepFiringFor`/hysteresis/flap detection, Alertmanager-style grouping,
 * inhibition and silences, and delivery to sinks that never block evaluation.
 */
export function createAlertManager(options: AlertManagerOptions): AlertManager {
  const settings = managerSettings(options)
  const { clock, intervalMs, records, dispatcher, inhibitor } = settings
  const silences = new SilenceStore()
  const events = new ManagerEvents()
  const delivery = new Delivery(
    options.sinks ?? [],
    {
      delivered: (n, sink) => events.emit('notification', n, sink),
      failed: (error, n, sink) => events.emit('sinkError', error, n, sink),
    },
    settings.maxQueuedNotifications,
  )
  const state = managerState(options.stateFile, clock, records, silences, dispatcher, (error) =>
    events.emit('stateError', error),
  )
  const scheduler = new NotificationScheduler({
    clock,
    records,
    dispatcher,
    inhibitor,
    silences,
    delivery,
    persist: state.persist,
  })
  const evaluator = new Evaluator({
    source: options.source,
    clock,
    records,
    snapshotTimeoutMs: settings.snapshotTimeoutMs,
    historyLimit: settings.historyLimit,
    events,
    scheduler,
    state,
  })

  let stopped = false
  let started = false
  let evalTimer: unknown
  let running: Promise<EvaluationResult> | undefined

  // Evaluations run one at a time, each after the previous one settled, even if it failed.
  function evaluate(): Promise<EvaluationResult> {
    if (stopped) return Promise.reject(new ManagerStoppedError('evaluate'))
    const previous = running
    const next = (previous ? previous.catch(() => undefined) : Promise.resolve()).then(() =>
      evaluator.run(),
    )
    running = next
    void next
      .finally(() => {
        if (running === next) running = undefined
      })
      .catch(() => undefined)
    return next
  }

  // Each tick is timed from its start, so a slow evaluation does not push the schedule back.
  function tick(): Promise<unknown> {
    evalTimer = undefined
    if (stopped) return Promise.resolve()
    const startedAt = clock.now()
    return (
      evaluate()
        // Evaluator.run catches rule and source failures itself; this is a last resort.
        .catch((error) => events.emit('stateError', error))
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
      const silence = silences.add(input, clock.now())
      state.persist()
      return silence
    },
    expireSilence(id) {
      const expired = silences.expire(id, clock.now())
      if (expired) state.persist()
      return expired
    },
    silences: () => silences.list(clock.now()),
    active: () => records.filter((r) => ACTIVE.has(r.overlay ?? r.phase)).map(toAlert),
    alerts: () => records.map(toAlert),
    history: () => evaluator.history(),
    on: (event, listener) => events.on(event, listener),
    async stop(stopOptions = {}) {
      if (stopped) return
      stopped = true
      if (evalTimer !== undefined) clock.clearTimeout(evalTimer)
      evalTimer = undefined
      scheduler.stop()
      await running?.catch(() => undefined)
      await delivery.drainAll(stopOptions.abortDeliveries === true)
      await state.idle()
      await delivery.close()
      events.removeAllListeners()
    },
  }
}
