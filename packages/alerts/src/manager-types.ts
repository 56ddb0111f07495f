import type { ExprFailedError } from './errors'
import type {
  Alert,
  Clock,
  Duration,
  FlapOptions,
  InhibitRule,
  MetricsSource,
  Notification,
  RouteOptions,
  Rule,
  Silence,
  SilenceInput,
  Sink,
  Transition,
} from './types'

/** Options of `createAlertManager`. */
export interface AlertManagerOptions {
  /** Where metrics come from; any `{ snapshot() }`. */
  source: MetricsSource
  rules: Rule[]
  route?: RouteOptions
  inhibit?: InhibitRule[]
  sinks?: Sink[]
  /** Evaluation interval once `start()`ed. Default `'10s'`. */
  interval?: Duration
  clock?: Clock
  /** JSON file where pending/firing state, silences and groups survive restarts. */
  stateFile?: string
  /** Default flap detection for every rule; `false` disables it. */
  flap?: FlapOptions | false
  /** Transitions kept by `history()`. Default 1000. */
  historyLimit?: number
  /**
   * How long an async `source.snapshot()` may take; past it every rule goes to its `onError`
   * state for this evaluation, so a hung source cannot stall the schedule. Default `'30s'`.
   */
  snapshotTimeout?: Duration
  /** Notifications queued per sink before the oldest is dropped. Default 1000. */
  maxQueuedNotifications?: number
}

/** Event name → payload. State events carry a detached `Alert`. */
export interface AlertManagerEvents {
  pending: [alert: Alert]
  firing: [alert: Alert]
  resolved: [alert: Alert]
  inactive: [alert: Alert]
  nodata: [alert: Alert]
  error: [alert: Alert]
  flapping: [alert: Alert]
  stable: [alert: Alert]
  notification: [notification: Notification, sink: string]
  sinkError: [error: unknown, notification: Notification, sink: string]
  stateError: [error: unknown]
  /** A rule's `expr` threw or returned a non-number; the rule is in its `onError` state. */
  exprError: [error: ExprFailedError]
}

/** Result of one evaluation. */
export interface EvaluationResult {
  at: number
  rules: number
  transitions: Transition[]
  notifications: Notification[]
}

export interface AlertManager {
  /** Evaluates every `interval` on the clock, first right away. */
  start(): void
  /** Evaluates every rule once now, then flushes due notification groups. */
  evaluate(): Promise<EvaluationResult>
  /** Adds a silence; returns it with its id. */
  silence(input: SilenceInput): Silence
  expireSilence(id: string): boolean
  silences(): Silence[]
  /** Alerts that are pending, firing, nodata or error. */
  active(): Alert[]
  /** Every alert, inactive ones included. */
  alerts(): Alert[]
  history(): Transition[]
  on<E extends keyof AlertManagerEvents>(
    event: E,
    listener: (...args: AlertManagerEvents[E]) => void,
  ): () => void
  /** Stops timers, waits for the running evaluation, pending deliveries and the state file. */
  stop(options?: { abortDeliveries?: boolean }): Promise<void>
}
