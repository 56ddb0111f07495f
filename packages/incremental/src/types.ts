import type { MapReduceDefinition } from './map-reduce'

/** A unit of a document (paragraph, heading, table...): a stable `id` plus any JSON fields. */
export interface Element {
  id: string
  [field: string]: unknown
}

export interface HashOptions {
  /** Field names (or dotted paths such as `meta.modifiedAt`) left out of the hash. */
  ignoreFields?: readonly string[]
}

/** One element matched between two versions of a document. */
export interface ElementMatch<E extends Element = Element> {
  prev: E
  next: E
  prevIndex: number
  nextIndex: number
  /** True when the match was made by content hash because the id changed. */
  byHash: boolean
}

/** What changed between two element lists; every element lands in exactly one bucket. */
export interface ElementDiff<E extends Element = Element> {
  added: E[]
  removed: E[]
  /** Same id, different content hash (possibly moved as well). */
  modified: ElementMatch<E>[]
  /** Same content, at a new place relative to the other matched elements. */
  moved: ElementMatch<E>[]
  /** Same content, same relative place (neighbours may have been inserted or removed). */
  unchanged: ElementMatch<E>[]
}

export interface DiffOptions extends HashOptions {
  /** Reuse precomputed hashes (e.g. from a previous version) instead of hashing again. */
  hashOf?: (element: Element, side: 'prev' | 'next') => string
}

/** How often an input changes: `high` inputs (configuration) let dependents skip re-checking. */
export type Durability = 'low' | 'high'

/** What a derived computation can read; each read is recorded as a dependency. */
export interface GraphContext {
  get<T = unknown>(key: string): T
}

export interface DeriveOptions {
  /** Dependencies read before the computation runs, in addition to the ones it reads. */
  deps?: readonly string[]
  /** Equality used for early cutoff; the default compares canonical-JSON hashes. */
  equals?: (a: unknown, b: unknown) => boolean
}

export interface InputOptions {
  durability?: Durability
  /** A precomputed fingerprint of the value; the default is its canonical-JSON hash. */
  fingerprint?: string
}

/** Why a derived value was recomputed: its changed direct dependencies and the root inputs. */
export interface RecomputeReason {
  key: string
  /** Direct dependencies whose fingerprint changed, or `[]` for a first computation. */
  changed: string[]
  /** The inputs whose change started it. */
  inputs: string[]
  first: boolean
}

/** A derived value's trace, enough to verify it again in a later process. */
export interface DerivedRecord {
  value: unknown
  fingerprint: string
  deps: Array<[key: string, fingerprint: string]>
  causes?: string[]
}

export type GraphSnapshot = Record<string, DerivedRecord>

export interface GraphEvents {
  recompute: (reason: RecomputeReason) => void
}

/** A low-durability input read on demand: the value and its fingerprint. */
export interface SourceValue {
  value: unknown
  fingerprint: string
}

export interface GraphOptions {
  /**
   * Inputs the graph does not hold, looked up by key when a derived value reads them (for large
   * input sets that change together). Call `invalidate()` after they change.
   */
  source?: (key: string) => SourceValue | undefined
  /** Traces saved by `snapshot()`: derived values verify against them instead of recomputing. */
  snapshot?: GraphSnapshot
}

/** A stored version of a document. */
export interface VersionRecord {
  docId: string
  version: number
  parent: number | null
  createdAt: number
  kind: 'update' | 'rollback'
  /** For a rollback: the version whose content this one restores. */
  rollbackOf?: number
  /**
   * Blob keys of the element list, in order: each chunk blob holds `[id, hash, resultKey]`
   * entries. Chunks are content-addressed, so versions share every chunk that did not change.
   */
  chunks: string[]
  elementCount: number
  /** Hash of the element list: two documents with equal fingerprints have equal content. */
  fingerprint: string
  derived: GraphSnapshot
}

/** Summary of a version for `history()`. */
export interface VersionInfo {
  version: number
  parent: number | null
  createdAt: number
  kind: 'update' | 'rollback'
  rollbackOf?: number
  elementCount: number
}

export interface CommitRequest {
  /** The version this commit was computed from (`null` for the first one). */
  base: number | null
  record: VersionRecord
  /** Element results this commit introduces (content-addressed: key → result). */
  blobs: Record<string, unknown>
}

export interface PruneRequest {
  versions: number[]
  /** Blob keys still referenced by kept versions; every other blob may be deleted. */
  live: ReadonlySet<string>
}

/**
 * Where versions live. Commits are compare-and-swap on the latest version number: a commit whose
 * `base` is not the latest fails with `MX_INCREMENTAL_VERSION_CONFLICT`. Reads of a corrupt file throw
 * `MX_INCREMENTAL_STORE_CORRUPT` for that document only.
 */
export interface VersionStore {
  readonly name: string
  documents(): Promise<string[]>
  head(docId: string): Promise<number | null>
  commit(docId: string, request: CommitRequest): Promise<number>
  read(docId: string, version: number): Promise<VersionRecord>
  list(docId: string): Promise<VersionInfo[]>
  /** The stored blobs among `keys`; missing keys are absent from the map. */
  blobs(docId: string, keys: readonly string[]): Promise<Map<string, unknown>>
  /** Removes versions and every blob of the document not in `live`; returns blobs removed. */
  prune(docId: string, request: PruneRequest): Promise<{ blobsRemoved: number }>
  deleteDocument(docId: string): Promise<void>
  close(): Promise<void>
}

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
