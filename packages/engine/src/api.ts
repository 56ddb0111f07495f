import type { Timers, TimeSource } from './kernel'
import type { LoggerSlot } from './logging/logger'
import type { EngineReport } from './report'
import type {
  BreakerChange,
  BreakerOptions,
  Degraded,
  FallbackOn,
  RetryOptions,
} from './resilience/types'
import type {
  AlertsSettings,
  CacheSettings,
  MemorySettings,
  WorkersSettings,
} from './slot-settings'
import type {
  AlertsSlot,
  AlertView,
  CacheSlot,
  IncrementalSlot,
  MemorySlot,
  PressureLevelName,
  ProfilerSlot,
  WorkersSlot,
} from './types'

/** A value or a promise of it. */
export type MaybePromise<T> = T | Promise<T>

/** One document given to the engine. */
export interface SourceDocument {
  /** Stable id (e.g. a relative path); incremental versions are kept per id. */
  id: string
  /** Raw content; the extractor's `parse` decides how to read bytes. */
  content: string | Uint8Array
  path?: string
  /** `'text/markdown'`, `'text/html'`, `'text/plain'`, ... */
  mediaType?: string
  /** JSON-like data passed through to the result. */
  meta?: Record<string, unknown>
}

/** A unit of a document (heading, paragraph, ...): a stable id plus JSON-serializable fields. */
export interface ExtractorElement {
  id: string
}

/** What `element()` receives next to the element. */
export interface ElementContext {
  docId: string
  extractor: { name: string; version: string }
}

/** What `document()` receives: the document without its content. */
export interface DocumentContext {
  doc: Omit<SourceDocument, 'content'>
  docId: string
}

/**
 * An extractor written as map → reduce: `parse` splits a document into elements, `element`
 * (pure, cacheable, may run in a worker thread) maps one element, `document` reduces them,
 * `relate` is an optional corpus-level pass.
 */
export interface Extractor<
  E extends ExtractorElement = ExtractorElement,
  M = unknown,
  D = unknown,
  R = unknown,
> {
  readonly name: string
  /** Part of every cache key: bump it when the extraction code changes. */
  readonly version: string
  parse(doc: SourceDocument): MaybePromise<E[]>
  element(element: E, ctx: ElementContext): MaybePromise<M>
  document(elements: E[], metas: M[], ctx: DocumentContext): MaybePromise<D>
  relate?(docs: ReadonlyArray<{ id: string; metadata: D }>): MaybePromise<R>
}

/** Where a document's element work ran. */
export type RanIn = 'inline' | 'workers' | 'none'

export interface ExtractStats {
  /** Elements of the document. */
  elements: number
  /** Elements whose `element()` ran for this result. */
  extracted: number
  /** Elements served from the element cache or the previous incremental version. */
  reused: number
  source: 'document-cache' | 'elements'
  ranIn: RanIn
  durationMs: number
  /** Incremental version committed for the document (with the incremental slot). */
  version?: number
  /** Extractor calls it took over the whole chain, when more than one (see `retry`). */
  attempts?: number
}

export interface ExtractSuccess<D = unknown, M = unknown> {
  ok: true
  id: string
  metadata: D
  elements: M[]
  stats: ExtractStats
  meta?: Record<string, unknown>
  /** Set when a fallback extractor of the chain produced the result (never cached as the primary's). */
  degraded?: Degraded
  /** The document's id in the logs (and its queue job's): every engine result has one. */
  correlationId?: string
}

export interface ExtractFailure {
  ok: false
  id: string
  /**
   * `code` is the engine's stable code; `causeCode` is the string `code` of the error the
   * extractor itself threw (e.g. a parser's own `MX_DOCS_BINARY`), when it had one.
   */
  error: { code: string; message: string; causeCode?: string }
  meta?: Record<string, unknown>
  /** Extractor calls made over the whole chain, when more than one (see `retry`). */
  attempts?: number
  /** The document's id in the logs (and its queue job's): every engine result has one. */
  correlationId?: string
}

/** A result as `engine.relate()` reads it: `ok`, `id` and, when ok, `metadata`. */
export type SlimResult<D = unknown, M = unknown> =
  | Pick<ExtractSuccess<D, M>, 'ok' | 'id' | 'metadata'>
  | ExtractFailure

/** One document's outcome: never thrown, always returned. */
export type ExtractResult<D = unknown, M = unknown> = ExtractSuccess<D, M> | ExtractFailure

/** The engine's presets, from everything off to everything on. */
export type LevelName = 'basic' | 'standard' | 'performance' | 'enterprise'

/** A slot option: an object of the slot's interface, `false` (off) or `true` (engine-built). */
export type SlotOption<S> = S | boolean

/** How the engine picks inline or worker threads per document (see README). */
export interface CostOptions {
  /** Documents whose estimated element work is below this many µs run inline. Default 1000. */
  inlineBelowUs?: number
  /** Estimate before anything was measured, in µs per element. Default: none (probe inline). */
  initialUsPerElement?: number
  /** Weight of a new measurement in the moving average, (0, 1]. Default 0.2. */
  alpha?: number
}

/** An extractor as `createEngine` takes it: a module (file URL or path) or the object itself. */
export type ExtractorSource = URL | string | Extractor

/**
 * The engine's clock (the one mx `Clock`, its timers optional): `now()` in ms; timers for retry
 * backoff (the global ones when absent).
 */
export type EngineClock = TimeSource & Partial<Timers>

export interface EngineOptions {
  /**
   * A module (file URL or path) exporting the extractor, or the extractor itself (inline only).
   * A list is a fallback chain: the first is the primary, the others run inline when it fails.
   */
  extractor: ExtractorSource | readonly ExtractorSource[]
  /** Preset; explicit slots win. Default `'standard'`. */
  level?: LevelName
  /** Also a settings object (`{ maxEntries, maxBytes, ttl, dir, redis, clock }`) that builds and tunes the engine's cache. */
  cache?: SlotOption<CacheSlot> | CacheSettings
  /** Also a settings object (`{ threads, timeout, maxQueue }`) that builds and tunes the engine's pool. */
  workers?: SlotOption<WorkersSlot> | WorkersSettings
  incremental?: SlotOption<IncrementalSlot>
  profiler?: SlotOption<ProfilerSlot>
  /** Also a settings object (`{ budget }`) that builds and tunes the engine's memory monitor. */
  memory?: SlotOption<MemorySlot> | MemorySettings
  /** Also a settings object (`{ sinks, rules }`) that builds and tunes the engine's alert manager. */
  alerts?: SlotOption<AlertsSlot> | AlertsSettings
  /**
   * Structured logs: any pino-compatible logger (`info`, `warn`, `error`, `debug`, `child`),
   * `false` for none, `true` for the engine's (pino, JSON lines on stderr; the default at
   * level `enterprise`).
   */
  logger?: SlotOption<LoggerSlot>
  /** Redis URL: adds a Redis tier and bus to the engine-built cache. */
  redis?: string
  /** Prefix of the Redis keys and bus channel of the engine-built cache. Default `mx:engine:`. */
  redisPrefix?: string
  /** Directory of the disk tier and the fs version store (levels that use disk). */
  cacheDir?: string
  /** Threads of the engine-built pool. Default: available parallelism. */
  threads?: number
  /** Milliseconds per document; past it the document fails with `MX_ENGINE_TIMEOUT`. */
  timeout?: number
  /** Default `maxInFlight` of `extractMany` (default: 4 per worker thread, at least 16). */
  maxInFlight?: number
  /** Most elements per worker task: bigger documents stream through chunks of this size. Default 512. */
  chunkSize?: number
  cost?: CostOptions
  /** Clock in ms for stage timings, throughput, breakers and retry delays. Default `performance`. */
  clock?: EngineClock
  /** Retries per document; `false` for none. Default: a worker crash is retried once. */
  retry?: RetryOptions | false
  /** A circuit breaker per extractor of the chain; `true` for the defaults. Default none. */
  breaker?: BreakerOptions | boolean
  /** Failures that send a document to the next extractor of the chain. Default all but `nonRetryable`. */
  fallbackOn?: FallbackOn
}

export interface ExtractProgress {
  /** Documents pulled from the source so far. */
  started: number
  completed: number
  failed: number
  inFlight: number
  /** True while intake is paused by critical memory pressure. */
  paused: boolean
}

export interface ExtractManyOptions {
  /** Yield in source order (default) or as documents complete. */
  ordered?: boolean
  /** Most documents pulled and not yet yielded. Default: the engine's `maxInFlight`. */
  maxInFlight?: number
  signal?: AbortSignal
  onProgress?: (progress: ExtractProgress) => void
  /** Retries for this run, instead of the engine's `retry` (resolved the same way). */
  retry?: RetryOptions | false
}

/** Event name → payload. */
export interface EngineEvents {
  document: (result: ExtractResult) => void
  error: (failure: ExtractFailure) => void
  pressure: (change: { level: PressureLevelName; previous: PressureLevelName }) => void
  alert: (alert: AlertView) => void
  /** A circuit breaker changed state. */
  breaker: (change: BreakerChange) => void
}

/** Options of one `engine.extract` call. */
export interface ExtractOptions {
  /** The document's correlation id in the logs (a queue consumer passes its job's). Default: a new one. */
  correlationId?: string
}

export interface Engine<D = unknown, M = unknown> {
  extract(doc: SourceDocument, options?: ExtractOptions): Promise<ExtractResult<D, M>>
  extractMany(
    source: Iterable<SourceDocument> | AsyncIterable<SourceDocument>,
    options?: ExtractManyOptions,
  ): AsyncIterable<ExtractResult<D, M>>
  /**
   * Runs the extractor's `relate` over the ok results; undefined when it has none. It reads only
   * `ok`, `id` and `metadata`: results slimmed to those (to hold a large corpus) are enough.
   */
  relate(results: Iterable<SlimResult<D, M>>): Promise<unknown>
  report(): EngineReport
  /** Evaluates the alert rules now (also done as documents complete); resolves the firing ones. */
  evaluateAlerts(): Promise<EngineReport['alerts']>
  /** The slots in use after presets and explicit options (undefined = off). */
  readonly slots: Readonly<ResolvedSlots>
  /** Resolves once the extractor module is loaded; rejects with `InvalidOptionError` if it cannot be. */
  ready(): Promise<void>
  on<K extends keyof EngineEvents>(event: K, listener: EngineEvents[K]): () => void
  close(): Promise<void>
  [Symbol.asyncDispose](): Promise<void>
}

export interface ResolvedSlots {
  cache: CacheSlot | undefined
  workers: WorkersSlot | undefined
  incremental: IncrementalSlot | undefined
  profiler: ProfilerSlot | undefined
  memory: MemorySlot | undefined
  alerts: AlertsSlot | undefined
  logger: LoggerSlot | undefined
}
