import type { MetricSummary } from './kernel'

/** A duration: a number of milliseconds, or a string such as `'30s'`, `'5m'`, `'4h'`, `'1h30m'`. */
export type Duration = number | string

/** Label names to values, as in Prometheus. */
export type Labels = Record<string, string>

/**
 * One metric in a snapshot: a gauge/counter `value`, or a summary with count/sum/min/max and
 * percentiles. Rules address a field with a path such as `extract.duration.p95`.
 */
export type MetricSample = MetricSummary

/** What a metrics source returns: metrics by name (a bare number is read as `{ value }`). */
export interface MetricsSnapshot {
  metrics: Record<string, MetricSample | number | undefined>
}

/** Anything with a `snapshot()` method; a `@mx/profiler` instance fits structurally. */
export interface MetricsSource {
  snapshot(): MetricsSnapshot | Promise<MetricsSnapshot>
}

/** Comparison a rule applies between its value and its threshold. */
export type ComparisonOp = '>' | '>=' | '<' | '<=' | '==' | '!='

/** Context handed to an `expr` rule. */
export interface ExprContext {
  /** Current time of the manager's clock, in ms. */
  now: number
  /** Name of the rule being evaluated. */
  rule: string
}

/**
 * Where a rule goes when it has no value (`noData`) or its `expr` throws (`onError`):
 * its own `nodata`/`error` state, `alerting` (condition true), `ok` (condition false) or
 * `keepLast` (the previous outcome).
 */
export type NoDataMapping = 'nodata' | 'alerting' | 'ok' | 'keepLast'
export type ErrorMapping = 'error' | 'alerting' | 'ok' | 'keepLast'

/** Flap detection: `maxChanges` firing/resolved changes within `window` marks an alert flapping. */
export interface FlapOptions {
  /** Window over which state changes are counted. Default `'10m'`. */
  window?: Duration
  /** Number of changes within `window` that makes an alert flapping. Default 4. */
  maxChanges?: number
  /** A flapping alert is stable again after this long without a change. Default `'5m'`. */
  stableFor?: Duration
}

/** An alerting rule: a metric path or an `expr`, compared against a threshold. */
export interface Rule {
  /** Unique name; becomes the `alertname` label. */
  name: string
  /** Metric path in the snapshot, e.g. `cache.hitRatio` or `extract.duration.p95`. */
  metric?: string
  /** Computes the value from a snapshot; `undefined` means no data. Exclusive with `metric`. */
  expr?: (snapshot: MetricsSnapshot, context: ExprContext) => number | undefined
  op: ComparisonOp
  threshold: number
  /** Hysteresis: once pending/firing, the alert stays active until the value crosses this. */
  resolveThreshold?: number
  /** How long the condition must hold before pending becomes firing. Default 0. */
  for?: Duration
  /** How long a firing alert keeps firing after the condition stops. Default 0. */
  keepFiringFor?: Duration
  severity?: string
  labels?: Labels
  /** Templates rendered on activation, e.g. `'hit ratio {{ $value }} for {{ $labels.team }}'`. */
  annotations?: Record<string, string>
  noData?: NoDataMapping
  onError?: ErrorMapping
  /** Overrides the manager's flap detection for this rule; `false` disables it. */
  flap?: FlapOptions | false
}

/** States an alert can be in. */
export type AlertState = 'inactive' | 'pending' | 'firing' | 'resolved' | 'nodata' | 'error'

/** One alert: the live state of one rule. */
export interface Alert {
  rule: string
  fingerprint: string
  state: AlertState
  labels: Labels
  annotations: Record<string, string>
  /** Last value seen, if any. */
  value: number | undefined
  /** When the condition started holding (pending since), ms. */
  activeAt: number | undefined
  firedAt: number | undefined
  resolvedAt: number | undefined
  /** When the condition stopped holding while `keepFiringFor` keeps the alert firing. */
  keepFiringSince: number | undefined
  flapping: boolean
  /** Message of the last evaluation error, in the `error` state. */
  error: string | undefined
  lastEvaluatedAt: number | undefined
}

/** One state change, as kept in `history()`. */
export interface Transition {
  rule: string
  from: AlertState
  to: AlertState
  at: number
  value: number | undefined
}

/** One alert inside a notification (Alertmanager's alert shape, times in ms). */
export interface NotifiedAlert {
  status: 'firing' | 'resolved'
  labels: Labels
  annotations: Record<string, string>
  startsAt: number
  /** 0 while firing. */
  endsAt: number
  fingerprint: string
  value: number | undefined
}

/** What sinks receive: one group of alerts, Alertmanager-style. */
export interface Notification {
  receiver: string
  status: 'firing' | 'resolved'
  groupKey: string
  groupLabels: Labels
  commonLabels: Labels
  commonAnnotations: Record<string, string>
  alerts: NotifiedAlert[]
  /** When the notification was produced, ms. */
  timestamp: number
}

/** Contract every sink implements; `send` rejects on failure and honours `signal`. */
export interface Sink {
  readonly name: string
  send(notification: Notification, signal: AbortSignal): Promise<void>
  close?(): Promise<void>
}

/** Time and timers, injected so tests drive everything without sleeping (the one mx `Clock`). */
export type { Clock } from './kernel'

/** Grouping and timing of notifications, as Alertmanager's route. */
export interface RouteOptions {
  /** Label names to group by; `['...']` groups by all labels. Default `['alertname']`. */
  groupBy?: string[]
  /** Wait before the first notification of a new group. Default `'30s'`. */
  groupWait?: Duration
  /** Wait before notifying about changes in a group already notified. Default `'5m'`. */
  groupInterval?: Duration
  /** Re-send an unchanged firing group after this long. Default `'4h'`. */
  repeatInterval?: Duration
  /** Send notifications for resolved alerts. Default true. */
  sendResolved?: boolean
  /** Receiver name put in notifications. Default `'default'`. */
  receiver?: string
}

/** A label matcher: `=`, `!=`, `=~` (regex, fully anchored), `!~`. */
export interface Matcher {
  name: string
  value: string
  op?: '=' | '!=' | '=~' | '!~'
}

/** Inhibition: firing alerts matching `source` mute alerts matching `target` with equal labels. */
export interface InhibitRule {
  source: Labels | Matcher[]
  target: Labels | Matcher[]
  equal?: string[]
}

export interface SilenceInput {
  matchers: Matcher[] | Labels
  /** Default: now. */
  startsAt?: number | Date
  endsAt: number | Date
  comment?: string
  createdBy?: string
}

export interface Silence {
  id: string
  matchers: Matcher[]
  startsAt: number
  endsAt: number
  comment: string
  createdBy: string
}
