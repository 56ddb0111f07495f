import {
  type Alert,
  type AlertManager,
  callbackSink,
  type MetricsSnapshot,
  type Notification,
} from '../src/index'
import { manualClock } from '../src/testing'

/** A metrics source whose values the test sets by hand. */
export function scriptedSource(initial: Record<string, number | undefined> = {}) {
  const values = new Map(Object.entries(initial))
  return {
    set(name: string, value: number | undefined) {
      values.set(name, value)
    },
    snapshot(): MetricsSnapshot {
      return { metrics: Object.fromEntries(values) }
    },
  }
}

/** A sink that records notifications. */
export function recordingSink(name = 'recorder') {
  const received: Notification[] = []
  return { received, sink: callbackSink((n) => void received.push(n), { name }) }
}

/** Records every state event of a manager as "rule:state". */
export function recordEvents(manager: AlertManager) {
  const events: string[] = []
  for (const event of [
    'pending',
    'firing',
    'resolved',
    'inactive',
    'nodata',
    'error',
    'flapping',
    'stable',
  ] as const) {
    manager.on(event, (alert: Alert) => void events.push(`${alert.rule}:${event}`))
  }
  return events
}

export { manualClock }
