import { checkKnownKeys, checkOptionsObject } from '../kernel'
import type { Notification, Sink } from '../types'

export interface ConsoleSinkOptions {
  /** Where lines go. Default `console.log`. */
  log?: (line: string) => void
  /** Turns a notification into a line. Default: status, group and each alert's summary. */
  format?: (notification: Notification) => string
  name?: string
}

// The keys the options take: `satisfies` makes the compiler keep the list complete.
const CONSOLE_SINK_OPTIONS = Object.keys({ log: true, format: true, name: true } satisfies Record<
  keyof ConsoleSinkOptions,
  true
>)

function defaultFormat(notification: Notification): string {
  const alerts = notification.alerts.map((alert) => {
    const summary = alert.annotations.summary ?? alert.annotations.description
    return `${alert.labels.alertname ?? alert.fingerprint} ${alert.status}${summary ? `: ${summary}` : ''}`
  })
  return `[${notification.status.toUpperCase()}] ${notification.groupKey} ${alerts.join('; ')}`
}

/** A sink that prints one line per notification. */
export function consoleSink(options: ConsoleSinkOptions = {}): Sink {
  checkOptionsObject(options, 'options', 'consoleSink()')
  checkKnownKeys(options, CONSOLE_SINK_OPTIONS, 'consoleSink()')
  const log = options.log ?? ((line: string) => console.log(line))
  const format = options.format ?? defaultFormat
  return {
    name: options.name ?? 'console',
    async send(notification) {
      log(format(notification))
    },
  }
}
