import type { SourceDocument } from './api'
import type { WorkerLogRecord } from './logging/trace'

/** Memory-pressure levels, as `@mx/memory` names them. */
export type PressureLevelName = 'normal' | 'moderate' | 'critical'

/**
 * The cache slot: a key-value store with batched reads and writes. A `@mx/cache` `Cache`
 * satisfies it; so does a hand-written object around a `Map`.
 */
export interface CacheSlot {
  get(key: string): Promise<unknown>
  /** Memory-only lookup without a promise: the warm path uses it when present. */
  getSync?(key: string): unknown
  set(key: string, value: unknown): Promise<void>
  /** One round trip for a document's element results. */
  getMany(keys: string[]): Promise<unknown[]>
  setMany(entries: Array<{ key: string; value: unknown }>): Promise<void>
  /** Evicts about `fraction` of the in-memory entries (critical memory pressure). */
  shrink?(fraction: number): number
  stats?(): {
    hits: number
    misses: number
    hitRatio: number
    tiers?: ReadonlyArray<{ name: string; hits: number; misses: number; hitRatio: number }>
  }
}

/** What the engine sends to the workers slot: a chunk of one document's elements. */
export interface WorkerBatch {
  /** File URL of the extractor module the worker imports. */
  module: string
  docId: string
  elements: unknown[]
  /** Answer the chunk's log records (`logs`): the engine logs at level debug. */
  log?: boolean
}

/** What a worker answers: one result per element, in order, and the µs the loop took. */
export interface WorkerBatchResult {
  results: unknown[]
  us: number
  /** The worker's log records for the chunk, when asked for (`log`). */
  logs?: WorkerLogRecord[]
}

/**
 * A cache the worker threads open themselves (the engine-built disk tier): they read element
 * results from it and write a document's entries to it, so the main thread never encodes or
 * writes them. Entries are those of a `@mx/cache` cache with this namespace and TTL.
 */
export interface WorkerStore {
  /** Directory of the disk tier (`cacheDir/cache`). */
  dir: string
  namespace: string
  /** Freshness of the entries written, in ms. */
  ttl: number
}

/**
 * A whole document for a worker thread: it decodes, parses, hashes, looks element results up,
 * runs `element()` for the rest and `document()`, and (with `store`) writes the cache entries.
 */
export interface WorkerDocument {
  kind: 'document'
  /** File URL of the extractor module the worker imports. */
  module: string
  /** `name@version` of the extractor: part of every cache key. */
  extractorKey: string
  doc: SourceDocument
  /** The document's cache key, when the worker writes the result to `store`. */
  docKey?: string
  store?: WorkerStore
  /** Answer each element's cache key (the main thread writes the entries: a cache without store). */
  keys: boolean
  /** A document with more elements comes back parsed (`split`), to be spread over threads. */
  maxElements: number
  /** Answer the stages' log records (`logs` of the reply): the engine logs at level debug. */
  log?: boolean
}

/** The reduce of a document whose elements were spread over threads. */
export interface WorkerReduce {
  kind: 'reduce'
  module: string
  extractorKey: string
  doc: Omit<SourceDocument, 'content'>
  elements: unknown[]
  metas: unknown[]
  docKey?: string
  store?: WorkerStore
  /** Element indexes computed now (the rest came from the store). */
  fresh: number[]
  /** Every element's cache key, in order: written to `store` with the document (`DocumentVersion`). */
  keys?: string[]
  log?: boolean
}

/**
 * Waits until the worker thread that runs it has committed its store writes. The engine sends
 * one per thread before it closes, so the last documents' entries are never lost.
 */
export interface WorkerFlush {
  kind: 'flush'
  module: string
}

/** Milliseconds a worker spent in each stage of a document. */
export interface WorkerTimings {
  parse: number
  elements: number
  document: number
}

/** What a worker answers for a `WorkerDocument` or a `WorkerReduce`. */
export type WorkerDocumentReply =
  | {
      kind: 'done'
      /**
       * The document's cache entry (`packDocument`): its metadata and element results, encoded
       * once in the worker. The main thread decodes the metadata; the element results stay bytes
       * until something reads them (see `lazyElements`), so a caller that uses only `metadata`
       * never pays for them. With `stored: false` the main thread writes these same bytes.
       */
      entry: Uint8Array
      /** How many elements the document has. */
      count: number
      /** Elements whose `element()` ran. */
      extracted: number
      /** Cache keys per element, when asked for (`keys`). */
      keys?: string[]
      /**
       * True when the worker took the entries for its store: it commits them while it goes on,
       * and a failure shows in a later reply's `degraded` (or the `WorkerFlush` reply).
       */
      stored: boolean
      /** Store reads or writes that failed in the worker (the document was computed anyway). */
      degraded: number
      timings: WorkerTimings
      /** The worker's log records, when the task asked for them (`log`). */
      logs?: WorkerLogRecord[]
    }
  | {
      kind: 'split'
      elements: unknown[]
      /** Results found in the store, by element index. */
      found: Array<[index: number, meta: unknown]>
      keys?: string[]
      degraded: number
      timings: WorkerTimings
      logs?: WorkerLogRecord[]
    }
  | {
      /** The answer to a `WorkerFlush`. */
      kind: 'flushed'
      degraded: number
    }
  | {
      kind: 'failed'
      code: 'MX_ENGINE_PARSE' | 'MX_ENGINE_EXTRACT'
      message: string
      /** The string `code` of the error the extractor threw, if it had one. */
      causeCode?: string
      logs?: WorkerLogRecord[]
    }

/** Every task the engine's worker module runs. */
export type WorkerTask = WorkerBatch | WorkerDocument | WorkerReduce | WorkerFlush

/** Options of one task sent to the workers slot. */
export interface WorkerRunOptions {
  signal?: AbortSignal
  timeout?: number
}

/**
 * The workers slot: runs a `WorkerBatch` somewhere and resolves a `WorkerBatchResult`. A
 * `@mx/workers` pool created with `task: workerTaskUrl` satisfies it.
 */
export interface WorkersSlot {
  run(batch: WorkerBatch, options?: WorkerRunOptions): Promise<unknown>
  /**
   * Runs a whole document (or the reduce of a split one) and resolves a `WorkerDocumentReply`.
   * With it, a document's parse, elements and reduce all run in the worker threads; without it
   * only element chunks are sent and the rest runs on the calling thread. A pool over
   * `workerTaskUrl()` takes both: `runDocument: (task, options) => pool.run(task, options)`.
   */
  runDocument?(
    task: WorkerDocument | WorkerReduce | WorkerFlush,
    options?: WorkerRunOptions,
  ): Promise<unknown>
  /** Parallelism, used to bound the chunks in flight per document. */
  readonly threads?: number
}

/** An element as the incremental slot sees it. */
export interface TrackedElement {
  id: string
  [field: string]: unknown
}

/** What the engine passes to `IncrementalSlot.update`. */
export interface IncrementalSpec {
  /**
   * Computes the results of the new and changed elements (in document order) in one call;
   * the slot reuses the previous results of the others.
   */
  elements: (dirty: TrackedElement[]) => Promise<unknown[]>
}

/**
 * The incremental slot: commits a version of a document's element results, recomputing only
 * the elements whose content changed. A `@mx/incremental` tracker satisfies it.
 */
export interface IncrementalSlot {
  update(
    docId: string,
    elements: readonly TrackedElement[],
    spec: IncrementalSpec,
  ): Promise<{
    version: number
    value: { elements: ReadonlyArray<{ id: string; result: unknown }> }
    counts: { recomputed: number; reused: number }
  }>
}

/** The profiler slot: stage spans and a metrics sink. A `@mx/profiler` profiler satisfies it. */
export interface ProfilerSlot {
  /**
   * Runs `fn` as a stage. The engine passes the document's `{ correlationId }` as `attributes`
   * of its `extract` span (`@mx/profiler` hands them to the span's events and diagnostics_channel
   * messages, and to those of the stages nested under it).
   */
  span<T>(name: string, fn: () => T, attributes?: Record<string, string>): T
  record(name: string, value: number, labels?: Record<string, string>): void
  /** Metrics by name (read by the alert rules). */
  snapshot?(): { metrics: Record<string, unknown> }
  /**
   * A gauge: when present the engine keeps `cache.hitRatio`, `extract.errorRate` and
   * `memory.heapUsedRatio` up to date in it, so alert rules over this profiler see them, and
   * `cache.tier.hitRatio{tier}`, each tier's hit ratio.
   */
  gauge?(name: string, options?: { labels?: Record<string, string> }): { set(value: number): void }
  /**
   * A histogram handle: when present, per-document durations skip `record`'s name lookup. The
   * engine declares `extract.duration` and `extract.stage.duration{stage}` in milliseconds
   * (`@mx/profiler` exposes them to Prometheus as `extract_duration_seconds` and
   * `extract_stage_duration_seconds`).
   */
  histogram?(
    name: string,
    options?: { unit?: 'milliseconds'; help?: string; labels?: Record<string, string> },
  ): { record(value: number): void }
  /**
   * A counter: when present the engine keeps `documents.ok`, `documents.failed`,
   * `elements.extracted`, `elements.reused` and `cache.document.hits`/`.misses` in it (the
   * throughput and hit-ratio charts of `@mx/profiler`'s report read them).
   */
  counter?(name: string): { inc(value?: number): void }
}

/** The memory slot: a pressure level and its changes. A `@mx/memory` monitor satisfies it. */
export interface MemorySlot {
  level(): PressureLevelName
  on(
    event: 'level',
    listener: (change: { level: PressureLevelName; previous: PressureLevelName }) => void,
  ): () => void
  stats?(): { peakRss: number }
}

/** An alert as the engine reports it. */
export interface AlertView {
  rule: string
  state: string
  value?: number | undefined
}

/** The alerts slot: rules evaluated on demand. A `@mx/alerts` manager satisfies it. */
export interface AlertsSlot {
  evaluate(): Promise<unknown>
  active(): ReadonlyArray<AlertView>
}
