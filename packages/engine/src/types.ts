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
}

/** What a worker answers: one result per element, in order, and the µs the loop took. */
export interface WorkerBatchResult {
  results: unknown[]
  us: number
}

/**
 * The workers slot: runs a `WorkerBatch` somewhere and resolves a `WorkerBatchResult`. A
 * `@mx/workers` pool created with `task: workerTaskUrl` satisfies it.
 */
export interface WorkersSlot {
  run(batch: WorkerBatch, options?: { signal?: AbortSignal; timeout?: number }): Promise<unknown>
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
  span<T>(name: string, fn: () => T): T
  record(name: string, value: number, labels?: Record<string, string>): void
  /** Metrics by name (read by the alert rules). */
  snapshot?(): { metrics: Record<string, unknown> }
  /**
   * A gauge: when present the engine keeps `cache.hitRatio`, `extract.errorRate` and
   * `memory.heapUsedRatio` up to date in it, so alert rules over this profiler see them.
   */
  gauge?(name: string): { set(value: number): void }
  /** A histogram handle: when present, per-document durations skip `record`'s name lookup. */
  histogram?(name: string): { record(value: number): void }
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
