export type {
  CostOptions,
  DocumentContext,
  ElementContext,
  Engine,
  EngineClock,
  EngineEvents,
  EngineOptions,
  ExtractFailure,
  ExtractManyOptions,
  ExtractOptions,
  Extractor,
  ExtractorElement,
  ExtractorSource,
  ExtractProgress,
  ExtractResult,
  ExtractStats,
  ExtractSuccess,
  LevelName,
  MaybePromise,
  RanIn,
  ResolvedSlots,
  SlimResult,
  SlotOption,
  SourceDocument,
} from './api'
export { createEngine } from './engine'
export type { DocumentErrorCode, ErrorContext, MxErrorOptions } from './errors'
export {
  AbortedError,
  CircuitOpenError,
  DocumentError,
  EngineClosedError,
  ExtractError,
  ExtractTimeoutError,
  InputError,
  InvalidOptionError,
  isMxError,
  MxError,
  ParseError,
  WorkerCrashError,
} from './errors'
export { defineExtractor } from './extractor'
export type { LevelPreset } from './levels'
export { levels } from './levels'
export type { LogFn, LoggerSlot } from './logging/logger'
export { metadataFields, metadataJson } from './metadata-json'
export type {
  ErrorPattern,
  ErrorPatterns,
  ErrorPatternsOptions,
  PatternError,
} from './patterns'
export { createErrorPatterns, errorTemplate, OTHER_TEMPLATE } from './patterns'
export type { QueueConnectionOptions } from './queue/connection'
export type { ExtractViaQueueOptions } from './queue/produce'
export { extractViaQueue } from './queue/produce'
export type { QueueServer, ServeQueueOptions } from './queue/serve'
export { serveQueue } from './queue/serve'
export type { EngineReport, StageTiming } from './report'
export { nonRetryable } from './resilience/codes'
export type {
  BreakerChange,
  BreakerOptions,
  BreakerRateOptions,
  BreakerState,
  Degraded,
  FailureInfo,
  FallbackOn,
  ResilienceReport,
  RetryBackoffOptions,
  RetryOptions,
} from './resilience/types'
export type {
  AlertRule,
  AlertSink,
  AlertsSettings,
  CacheSettings,
  MemorySettings,
  WorkersSettings,
} from './slot-settings'
export type {
  AlertsSlot,
  AlertView,
  CacheSlot,
  IncrementalSlot,
  IncrementalSpec,
  MemorySlot,
  PressureLevelName,
  ProfilerSlot,
  TrackedElement,
  WorkerBatch,
  WorkerBatchResult,
  WorkersSlot,
} from './types'
export { workerTaskUrl } from './worker-url'
