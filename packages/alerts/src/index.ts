export type { DefaultRulesOptions, QueueGrowthOptions, ThresholdRuleOptions } from './default-rules'
export { defaultRules } from './default-rules'
export { formatDuration, parseDuration } from './duration'
export type { ErrorContext, MxErrorOptions } from './errors'
export {
  DuplicateRuleError,
  DurationInvalidError,
  ExprFailedError,
  InvalidOptionError,
  isMxError,
  ManagerStoppedError,
  MxError,
  RuleInvalidError,
  SilenceInvalidError,
  SinkFailedError,
  StateFileError,
  TemplateInvalidError,
} from './errors'
export { systemClock } from './kernel'
export { createAlertManager } from './manager'
export { notificationChannel, transitionChannel } from './manager-events'
export type {
  AlertManager,
  AlertManagerEvents,
  AlertManagerOptions,
  EvaluationResult,
} from './manager-types'
export type {
  PrometheusAlertingRule,
  PrometheusRules,
  PrometheusRulesOptions,
} from './prometheus-rules'
export { toPrometheusRules } from './prometheus-rules'
export { validateRules } from './rules'
export type { CallbackSinkOptions } from './sinks/callback'
export { callbackSink } from './sinks/callback'
export type { ConsoleSinkOptions } from './sinks/console'
export { consoleSink } from './sinks/console'
export type { FileSinkOptions } from './sinks/file'
export { fileSink } from './sinks/file'
export type { WebhookSinkOptions } from './sinks/webhook'
export { alertmanagerPayload, webhookSink } from './sinks/webhook'
export type { CompiledTemplate, TemplateData } from './template'
export { compileTemplate } from './template'
export type {
  Alert,
  AlertState,
  Clock,
  ComparisonOp,
  Duration,
  ErrorMapping,
  ExprContext,
  FlapOptions,
  InhibitRule,
  Labels,
  Matcher,
  MetricSample,
  MetricsSnapshot,
  MetricsSource,
  NoDataMapping,
  Notification,
  NotifiedAlert,
  RouteOptions,
  Rule,
  Silence,
  SilenceInput,
  Sink,
  Transition,
} from './types'
