import { MxError } from './kernel'

// The kernel's (tooling/kernel, inlined at build time): one base class for every mx package.
export type { ErrorContext, MxErrorOptions } from './kernel'
export { InvalidOptionError, isMxError, MxError } from './kernel'

/** A metric name is not `[a-zA-Z_:][a-zA-Z0-9_:.]*` (dots become `_` in Prometheus output). */
export class InvalidMetricNameError extends MxError {
  readonly metric: string

  constructor(metric: string, message: string) {
    super('MX_PROFILER_INVALID_METRIC_NAME', message, { context: { metric } })
    this.metric = metric
  }
}

/** A label name or value is invalid, or a metric is used with another set of label names. */
export class InvalidLabelError extends MxError {
  readonly metric: string
  readonly label: string

  constructor(metric: string, label: string, message: string) {
    super('MX_PROFILER_INVALID_LABEL', message, { context: { metric, label } })
    this.metric = metric
    this.label = label
  }
}

/** A metric name is already registered with another type (or maps to the same exposition name). */
export class MetricConflictError extends MxError {
  readonly metric: string

  constructor(metric: string, message: string) {
    super('MX_PROFILER_METRIC_CONFLICT', message, { context: { metric } })
    this.metric = metric
  }
}

/** A value recorded into a metric is invalid (NaN, infinite, or negative where not allowed). */
export class InvalidValueError extends MxError {
  readonly metric: string
  readonly value: number

  constructor(metric: string, value: number, message: string) {
    super('MX_PROFILER_INVALID_VALUE', message, { context: { metric, value } })
    this.metric = metric
    this.value = value
  }
}

/** A CPU or heap profile was requested while another one is running in this process. */
export class ProfileInProgressError extends MxError {
  constructor(kind: 'cpu' | 'heap') {
    super(
      'MX_PROFILER_PROFILE_IN_PROGRESS',
      `a ${kind} profile is already running in this process`,
      {
        context: { kind },
      },
    )
  }
}

/** A benchmark task threw; `task` names it and `cause` is what it threw. */
export class BenchTaskError extends MxError {
  readonly task: string

  constructor(task: string, cause: unknown) {
    super('MX_PROFILER_BENCH_TASK_FAILED', `benchmark task "${task}" threw: ${String(cause)}`, {
      cause,
      context: { task },
    })
    this.task = task
  }
}
