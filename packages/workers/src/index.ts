export type { ErrorContext, FailureReason, MxErrorOptions } from './errors'
export {
  AbortedError,
  InvalidOptionError,
  isMxError,
  MissingPeerError,
  MxError,
  PoolClosedError,
  QueueFullError,
  TaskCrashedError,
  TaskInputError,
  TaskModuleError,
  TaskTimeoutError,
} from './errors'
export { createPool } from './pool'
export type { PathInput } from './task'
export { defineTask, fromPath } from './task'
export type {
  BackoffOptions,
  BatchOptions,
  Clock,
  CloseOptions,
  MapOptions,
  MapProgress,
  MapResult,
  Percentiles,
  Pool,
  PoolEvents,
  PoolOptions,
  PoolStats,
  Priority,
  QuarantineEvent,
  RecycleOptions,
  RestartReason,
  RetryOptions,
  RunOptions,
  TaskContext,
  TaskDefinition,
  TaskFailure,
  TaskFunction,
  WorkerStats,
} from './types'
