import { describeValue, MxError, type MxErrorOptions } from './kernel'

// The kernel's (tooling/kernel, inlined at build time): one base class for every mx package.
export type { ErrorContext, MxErrorOptions } from './kernel'
export { InvalidOptionError, isMxError, MxError } from './kernel'

/** A rule is malformed: `rule` and `field` name the culprit (code `MX_ALERT_RULE_INVALID`). */
export class RuleInvalidError extends MxError {
  readonly rule: string
  readonly field: string

  constructor(rule: string, field: string, message: string, options: MxErrorOptions = {}) {
    super('MX_ALERT_RULE_INVALID', message, {
      ...options,
      context: { rule, field, ...options.context },
    })
    this.rule = rule
    this.field = field
  }
}

/** Two rules share a name (code `MX_ALERT_DUPLICATE_RULE`). */
export class DuplicateRuleError extends MxError {
  readonly rule: string
  readonly field = 'name'

  constructor(rule: string) {
    super('MX_ALERT_DUPLICATE_RULE', `rule "${rule}" is defined more than once`, {
      context: { rule, field: 'name' },
    })
    this.rule = rule
  }
}

/**
 * A template does not parse (code `MX_ALERT_TEMPLATE_INVALID`): an annotation of `rule`, or
 * (with `rule` empty) the `source` given to `compileTemplate()`.
 */
export class TemplateInvalidError extends MxError {
  readonly rule: string
  readonly field: string
  readonly position: number

  constructor(rule: string, field: string, position: number, reason: string) {
    super(
      'MX_ALERT_TEMPLATE_INVALID',
      `${rule ? `rule "${rule}": ` : ''}${field} is not a valid template at offset ${position}: ${reason}`,
      { context: { rule, field, position } },
    )
    this.rule = rule
    this.field = field
    this.position = position
  }
}

/** A duration is neither a non-negative number of ms nor a string like `'30s'` (code `MX_ALERT_DURATION_INVALID`). */
export class DurationInvalidError extends MxError {
  readonly field: string
  readonly value: unknown

  constructor(field: string, value: unknown) {
    super(
      'MX_ALERT_DURATION_INVALID',
      `${field} must be a non-negative duration such as 30s, 5m, 4h or a number of ms, got ${describeValue(value)}`,
      { context: { field, value } },
    )
    this.field = field
    this.value = value
  }
}

/** A rule's `expr` threw or returned a non-number (code `MX_ALERT_EXPR_FAILED`); only that rule goes to error. */
export class ExprFailedError extends MxError {
  readonly rule: string
  readonly field = 'expr'

  constructor(rule: string, message: string, options: MxErrorOptions = {}) {
    super('MX_ALERT_EXPR_FAILED', message, {
      ...options,
      context: { rule, field: 'expr', ...options.context },
    })
    this.rule = rule
  }
}

/** A silence is malformed (code `MX_ALERT_SILENCE_INVALID`). */
export class SilenceInvalidError extends MxError {
  readonly field: string

  constructor(field: string, message: string) {
    super('MX_ALERT_SILENCE_INVALID', message, { context: { field } })
    this.field = field
  }
}

/** A sink failed to deliver after its retries (code `MX_ALERT_SINK_FAILED`). */
export class SinkFailedError extends MxError {
  readonly sink: string
  readonly attempts: number

  constructor(sink: string, attempts: number, message: string, options: MxErrorOptions = {}) {
    super('MX_ALERT_SINK_FAILED', message, {
      ...options,
      context: { sink, attempts, ...options.context },
    })
    this.sink = sink
    this.attempts = attempts
  }
}

/** The state file could not be read or written (code `MX_ALERT_STATE_FILE`). */
export class StateFileError extends MxError {
  readonly path: string

  constructor(path: string, message: string, options: MxErrorOptions = {}) {
    super('MX_ALERT_STATE_FILE', message, { ...options, context: { path, ...options.context } })
    this.path = path
  }
}

/** The manager was used after `stop()` (code `MX_ALERT_MANAGER_STOPPED`). */
export class ManagerStoppedError extends MxError {
  constructor(operation: string) {
    super('MX_ALERT_MANAGER_STOPPED', `cannot ${operation}: the alert manager is stopped`, {
      context: { operation },
    })
  }
}
