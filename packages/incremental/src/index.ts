export { diffElements } from './diff'
export type { ErrorContext, MxErrorOptions } from './errors'
export {
  BatchResultError,
  CycleError,
  DuplicateIdError,
  InvalidOptionError,
  isMxError,
  MissingIdError,
  MxError,
  NotSerializableError,
  StoreCorruptError,
  UnknownNodeError,
  UnknownVersionError,
  VersionConflictError,
} from './errors'
export type { Graph } from './graph'
export { createGraph } from './graph'
export { canonicalJson, hashElement, hashValue } from './hash'
export type { MapReduceDefinition } from './map-reduce'
export { mapReduce } from './map-reduce'
export type {
  CommitRequest,
  PruneRequest,
  VersionInfo,
  VersionRecord,
  VersionStore,
} from './store-types'
export type { FsStoreOptions } from './stores/fs'
export { fsStore } from './stores/fs'
export { memoryStore } from './stores/memory'
export type { Tracker } from './tracker'
export { createTracker } from './tracker'
export type {
  DocumentContext,
  DocumentValue,
  PruneOptions,
  PruneResult,
  ReconcileMode,
  ReconcileResult,
  StoredDocument,
  TrackerEvents,
  TrackerOptions,
  UpdateCounts,
  UpdateResult,
  UpdateSpec,
} from './tracker-types'
export type {
  DerivedRecord,
  DeriveOptions,
  DiffOptions,
  Durability,
  Element,
  ElementDiff,
  ElementMatch,
  GraphContext,
  GraphEvents,
  GraphOptions,
  GraphSnapshot,
  HashOptions,
  InputOptions,
  RecomputeReason,
} from './types'
