import { durationOption } from '../duration'
import { InvalidOptionError, SinkFailedError } from '../errors'
import { checkKnownKeys, describeValue, systemClock } from '../kernel'
import type { Clock, Duration, Notification, Sink } from '../types'

export interface WebhookSinkOptions {
  url: string | URL
  /** Extra attempts after the first failure. Default 3. */
  retries?: number
  /** Per-attempt timeout. Default `'10s'`. */
  timeout?: Duration
  /** Exponential backoff between attempts: `initial * factor^n`, capped at `max`. */
  backoff?: { initial?: Duration; max?: Duration; factor?: number }
  headers?: Record<string, string>
  /** `externalURL` field of the body. Default `''`. */
  externalURL?: string
  /** Injected fetch; default the global one. */
  fetch?: typeof fetch
  /** Clock for the per-attempt timeout and the backoff waits. Default the system clock. */
  clock?: Clock
  /** Waits between attempts. Default a timer on `clock` that honours `signal`. */
  delay?: (ms: number, signal: AbortSignal) => Promise<void>
  name?: string
}

// The keys the options and `backoff` take (`headers` are the caller's, unchecked): `satisfies`
// makes the compiler keep both lists complete.
const WEBHOOK_SINK_OPTIONS = Object.keys({
  url: true,
  retries: true,
  timeout: true,
  backoff: true,
  headers: true,
  externalURL: true,
  fetch: true,
  clock: true,
  delay: true,
  name: true,
} satisfies Record<keyof WebhookSinkOptions, true>)
const BACKOFF_OPTIONS = Object.keys({ initial: true, max: true, factor: true } satisfies Record<
  keyof NonNullable<WebhookSinkOptions['backoff']>,
  true
>)

const ZERO_TIME = '0001-01-01T00:00:00Z'

/** The Alertmanager webhook body (version 4) for a notification. */
export function alertmanagerPayload(notification: Notification, externalURL = '') {
  return {
    version: '4',
    groupKey: notification.groupKey,
    truncatedAlerts: 0,
    status: notification.status,
    receiver: notification.receiver,
    groupLabels: notification.groupLabels,
    commonLabels: notification.commonLabels,
    commonAnnotations: notification.commonAnnotations,
    externalURL,
    alerts: notification.alerts.map((alert) => ({
      status: alert.status,
      labels: alert.labels,
      annotations: alert.annotations,
      startsAt: new Date(alert.startsAt).toISOString(),
      endsAt: alert.endsAt > 0 ? new Date(alert.endsAt).toISOString() : ZERO_TIME,
      generatorURL: '',
      fingerprint: alert.fingerprint,
    })),
  }
}

function sleep(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason)
    const timer = clock.setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clock.clearTimeout(timer)
      reject(signal.reason)
    }
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

class RetryableError extends Error {}

/**
 * A sink that POSTs an Alertmanager-compatible JSON body. Network errors, timeouts, 429 and
 * 5xx are retried with exponential backoff; other 4xx fail at once. Each attempt is cut by
 * `timeout` through an AbortSignal.
 */
export function webhookSink(options: WebhookSinkOptions): Sink {
  if (typeof options === 'object' && options !== null) {
    checkKnownKeys(options, WEBHOOK_SINK_OPTIONS, 'webhookSink()')
    const { backoff } = options
    if (typeof backoff === 'object' && backoff !== null) {
      checkKnownKeys(backoff, BACKOFF_OPTIONS, 'webhookSink()', 'backoff')
    }
  }
  let url: URL
  try {
    const given: unknown = options?.url
    // String() of a null-prototype object throws: only strings and URLs are parsed.
    url = new URL(typeof given === 'string' || given instanceof URL ? given : '')
  } catch {
    throw new InvalidOptionError(
      'url',
      `webhookSink url must be an absolute URL, got ${describeValue(options?.url)}`,
    )
  }
  const retries = options.retries ?? 3
  if (typeof retries !== 'number' || !Number.isInteger(retries) || retries < 0) {
    throw new InvalidOptionError(
      'retries',
      `webhookSink retries must be a non-negative integer, got ${describeValue(retries)}`,
    )
  }
  const timeoutMs = durationOption('timeout', options.timeout ?? '10s')
  const initialMs = durationOption('backoff.initial', options.backoff?.initial ?? '500ms')
  const maxMs = durationOption('backoff.max', options.backoff?.max ?? '30s')
  const factor = options.backoff?.factor ?? 2
  if (typeof factor !== 'number' || !(factor >= 1)) {
    throw new InvalidOptionError(
      'backoff.factor',
      `webhookSink backoff.factor must be >= 1, got ${describeValue(factor)}`,
    )
  }
  const doFetch = options.fetch ?? globalThis.fetch
  const clock = options.clock ?? systemClock
  const delay = options.delay ?? ((ms: number, signal: AbortSignal) => sleep(clock, ms, signal))
  const name = options.name ?? `webhook ${url.host}`

  async function attempt(body: string, signal: AbortSignal): Promise<void> {
    // The attempt's timeout runs on `clock` (a test's manual clock included), not on real time.
    const timeout = new AbortController()
    const timer =
      timeoutMs > 0
        ? clock.setTimeout(
            () =>
              timeout.abort(new DOMException(`timed out after ${timeoutMs} ms`, 'TimeoutError')),
            timeoutMs,
          )
        : undefined
    let response: Response
    try {
      response = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...options.headers },
        body,
        signal: timer === undefined ? signal : AbortSignal.any([signal, timeout.signal]),
      })
      // Drain the body so the connection can be reused.
      await response.arrayBuffer().catch(() => undefined)
    } catch (error) {
      if (signal.aborted) throw error
      const reason = timeout.signal.aborted
        ? `timed out after ${timeoutMs} ms`
        : String((error as Error)?.message ?? error)
      throw new RetryableError(reason, { cause: error })
    } finally {
      if (timer !== undefined) clock.clearTimeout(timer)
    }
    if (response.ok) return
    const message = `HTTP ${response.status}`
    if (response.status === 429 || response.status >= 500) throw new RetryableError(message)
    throw new SinkFailedError(name, 0, `sink ${name}: ${message}`, {
      context: { status: response.status },
    })
  }

  return {
    name,
    async send(notification, signal) {
      const body = JSON.stringify(alertmanagerPayload(notification, options.externalURL))
      let wait = initialMs
      for (let attemptNo = 1; ; attemptNo++) {
        try {
          await attempt(body, signal)
          return
        } catch (error) {
          if (error instanceof SinkFailedError) {
            throw new SinkFailedError(name, attemptNo, error.message, { context: error.context })
          }
          if (signal.aborted || attemptNo > retries) {
            throw new SinkFailedError(
              name,
              attemptNo,
              `sink ${name}: gave up after ${attemptNo} attempt(s): ${(error as Error).message}`,
              { cause: error },
            )
          }
        }
        await delay(Math.min(wait, maxMs), signal)
        wait *= factor
      }
    },
  }
}
