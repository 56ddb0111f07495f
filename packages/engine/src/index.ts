export type {
  CostOptions,
  DocumentContext,
  ElementContext,
  Engine,
  EngineEvents,
  EngineOptions,
  EngineReport,
  ExtractFailure,
  ExtractManyOptions,
  Extractor,
  ExtractorElement,
  ExtractProgress,
  ExtractResult,
  ExtractStats,
  ExtractSuccess,
  LevelName,
  MaybePromise,
  RanIn,
  ResolvedSlots,
  SlotOption,
  SourceDocument,
  StageTiming,
} from './api'
export { createEngine } from './engine'
export type { DocumentErrorCode, ErrorContext, MxErrorOptions } from './errors'
export {
  AbortedError,
  DocumentError,
  EngineClosedError,
  ExtractError,
  ExtractTimeoutError,
  InputError,
  InvalidOptionError,
  MxError,
  ParseError,
  WorkerCrashError,
} from './errors'
export { defineExtractor } from './extractor'
export type { LevelPreset } from './levels'
export { levels } from './levels'
export type { QueueConnectionOptions } from './queue/connection'
export type { ExtractViaQueueOptions } from './queue/produce'
export { extractViaQueue } from './queue/produce'
export type { QueueServer, ServeQueueOptions } from './queue/serve'
export { serveQueue } from './queue/serve'
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
