import type { MapReduceDefinition } from './map-reduce'
import type { VersionStore } from './store-types'
import type { Element, RecomputeReason } from './types'

/** What a derived computation of a tracked document reads; every read is a dependency. */
export interface DocumentContext<E extends Element = Element, R = unknown> {
  /** All elements in order (depends on every element and the order). */
  elements(): readonly E[]
  /** All element results in document order (depends on every result). */
  results(): ReadonlyArray<{ id: string; result: R }>
  /** Element ids in order (depends on the order only). */
  ids(): readonly string[]
  /** One element (depends on that element only). */
  element(id: string): E | undefined
  /** One element's result (depends on that result only). */
  result(id: string): R | undefined
  /** Another derived value of the same document. */
  get<T = unknown>(name: string): T
  /** A configuration value from the tracker options (a high-durability input). */
  config<T = unknown>(name: string): T
}

/**
 * A dependency declared up front rather than read: `'elements'`, `'results'`, `'ids'`,
 * `'element:<id>'`, `'result:<id>'`, `'derived:<name>'` or `'config:<name>'`.
 */
export type DeclaredDependency =
  | 'elements'
  | 'results'
  | 'ids'
  | `element:${string}`
  | `result:${string}`
  | `derived:${string}`
  | `config:${string}`

/**
 * A derived value: a function of `ctx`, one with declared dependencies as well, or a
 * `mapReduce` fold over the elements that re-maps only the chunks holding a change.
 */
export type DerivedDefinition<E extends Element = Element, R = unknown> =
  | ((ctx: DocumentContext<E, R>) => unknown)
  | { compute: (ctx: DocumentContext<E, R>) => unknown; deps?: readonly DeclaredDependency[] }
  | MapReduceDefinition<E, R, unknown>

export interface UpdateSpec<E extends Element = Element, R = unknown> {
  /** Per-element computation; its result is reused while the element's hash is unchanged. */
  element?: (element: E) => R
  /**
   * Batch form of `element` (used instead of it when both are given): called once per update,
   * only when some result cannot be reused, with the new and changed elements in document order
   * (an element whose content equals another's in the batch or in the previous version is not
   * passed: it reuses that result). Must return (or resolve to) one result per element, in the
   * same order, else the update fails with `MX_INCREMENTAL_BATCH_RESULT`. Results are reused, counted and
   * explained (`why`) exactly as with `element`.
   */
  elements?: (dirty: E[]) => R[] | Promise<R[]>
  derived?: Record<string, DerivedDefinition<E, R>>
}

export interface UpdateCounts {
  /** Elements: new, changed, unchanged (including moved), gone. */
  added: number
  updated: number
  skipped: number
  deleted: number
  /** Element results and derived values computed in this update, and the ones reused. */
  recomputed: number
  reused: number
}

export interface DocumentValue<R = unknown> {
  elements: Array<{ id: string; result: R }>
  derived: Record<string, unknown>
}

export interface UpdateResult<R = unknown> {
  docId: string
  /** The current version after the update (unchanged when nothing changed). */
  version: number
  /** False when the update changed nothing and no version was written. */
  created: boolean
  value: DocumentValue<R>
  counts: UpdateCounts
  /** One entry per recomputed node (`result:<id>` or `derived:<name>`). */
  why: RecomputeReason[]
}

export interface StoredDocument<R = unknown> {
  docId: string
  version: number
  createdAt: number
  kind: 'update' | 'rollback'
  rollbackOf?: number
  value: DocumentValue<R>
}

export type ReconcileMode = 'upserts' | 'duplicates-only' | 'upserts-and-delete'

export interface ReconcileResult {
  /** Listed documents with no readable version: they need an update. */
  missing: string[]
  /** Listed documents the store really holds. */
  present: string[]
  /** Stored documents whose latest version is unreadable. */
  corrupt: string[]
  /** Documents removed from the store by this call. */
  deleted: string[]
}

export interface PruneOptions {
  /** Keep at least this many latest versions of each document. */
  keepLast?: number
  /** Only remove versions older than this many milliseconds (by the tracker's clock). */
  olderThan?: number
  /** Limit to these documents (default: every stored document). */
  docIds?: readonly string[]
}

export interface PruneResult {
  versionsRemoved: number
  /** Element results and element-list chunks that no kept version references any more. */
  blobsRemoved: number
}

export interface TrackerEvents {
  commit: (event: { docId: string; version: number; counts: UpdateCounts }) => void
  recompute: (event: { docId: string; reason: RecomputeReason }) => void
  /** A stored version could not be read; the tracker fell back to recomputing. */
  corrupt: (event: { docId: string; error: Error }) => void
}

export interface TrackerOptions {
  store: VersionStore
  /** Element fields (or dotted paths) that never count as a change, e.g. `modifiedAt`. */
  ignoreFields?: readonly string[]
  /** Name and version of the extraction: changing it invalidates every stored element result. */
  key?: string
  /** Configuration readable with `ctx.config(name)`: high-durability inputs. */
  config?: Record<string, unknown>
  /** Clock for `createdAt` and `prune({ olderThan })`; defaults to `Date.now`. */
  now?: () => number
  /**
   * Treat element objects as immutable: an element object seen before keeps its hash without
   * being serialised or compared again. Only safe when callers never mutate an element in place.
   * By default an element whose fields still equal a snapshot taken when it was last hashed
   * keeps its hash too, so this only saves that field-by-field comparison.
   */
  immutableElements?: boolean
  /**
   * How many documents keep their latest state (elements, results, graph) in memory between
   * updates (default 64). Others are reloaded from the store, which costs a read, not a recompute.
   */
  maxCachedDocuments?: number
}
