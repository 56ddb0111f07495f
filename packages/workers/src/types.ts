import type { ResourceLimits, TransferListItem } from 'node:worker_threads'
import type { FailureReason } from './errors'
import type { Timers, TimeSource } from './kernel'

/** What a task receives next to its input, in the worker thread. */
export interface TaskContext {
  /** Aborted when the item's `timeout` is reached, so cooperative async tasks can stop early. */
  readonly signal: AbortSignal
  /** 1 on the first run, 2 on the first retry, ... */
  readonly attempt: number
  /** Index of the pool slot (0 .. threads-1) running the task; stable across thread restarts. */
  readonly workerId: number
  /**
   * Moves these buffers to the calling thread with this item's result instead of copying them:
   * worth it for results of a few KB and up. Each is an `ArrayBuffer`, or a typed array or
   * `Buffer` that spans its whole `ArrayBuffer` (a view of part of a larger one, such as Node's
   * pooled small Buffers, is copied as usual). They are unusable in this thread afterwards. Only
   * a successful item moves its buffers.
   */
  transfer(...items: ReadonlyArray<ArrayBuffer | ArrayBufferView>): void
}

/** The function a task module wraps with `defineTask`. */
export type TaskFunction<I = unknown, O = unknown> = (input: I, ctx: TaskContext) => O | Promise<O>

/** What `defineTask` returns; the task module must `export default` it. */
export interface TaskDefinition<I = unknown, O = unknown> {
  readonly run: TaskFunction<I, O>
}

/** Backoff between retries: `delay * factor^(retry-1)`, capped, with `±jitter` (0..1) spread. */
export interface BackoffOptions {
  delay?: number
  factor?: number
  maxDelay?: number
  jitter?: number
}

export interface RetryOptions {
  /** Total runs of one input before it fails for good (and is quarantined). Default 3. */
  attempts?: number
  backoff?: BackoffOptions
  /** Also retry errors the task throws (not only crashes and timeouts). Default false. */
  retryErrors?: boolean
}

export interface BatchOptions {
  /** Most items in one message to a worker. Default 512. */
  maxItems?: number
  /** Wanted duration of one batch, from measured per-item time. Default 10 ms. */
  targetMs?: number
}

export interface RecycleOptions {
  /** Replace a thread after it completed this many items. */
  afterTasks?: number
  /** Replace a thread whose heap is above this many MB after a batch. */
  maxHeapMB?: number
}

/**
 * A clock for stats and retry backoff (tests inject one). `now()` in ms; a retry waits for its
 * backoff on `setTimeout`, the global one when the clock has none, so a test can fire a retry by
 * hand. Item timeouts always run on real time: they bound what a thread really spends.
 */
export type Clock = TimeSource & Partial<Timers>

export interface PoolOptions {
  /** The task module: a file URL or absolute path of an ESM/CJS module with `export default defineTask(...)`. */
  task: URL | string
  /** Worker threads. Default: available parallelism, at least 1. */
  threads?: number
  /** Most tasks waiting (not running). Default Infinity. */
  maxQueue?: number
  /** Micro-batching of small inputs: `'auto'` (default), `false`, or limits. */
  batch?: 'auto' | false | BatchOptions
  /** Default per-task timeout in ms; 0 or undefined means none. */
  timeout?: number
  retries?: RetryOptions
  recycle?: RecycleOptions
  /**
   * V8 limits of every worker thread, merged over `{ maxYoungGenerationSizeMb: 8 }` (V8's own
   * default lets each thread's young generation grow to 48 MB during a long `map()` whose task
   * allocates per item). Set it higher for tasks that allocate a lot per item.
   */
  resourceLimits?: ResourceLimits
  /** Stop an idle thread after this many ms (started again on demand). Default Infinity. */
  idleTimeout?: number
  /**
   * Load the task module once in a throw-away thread when the pool is created, so that a module
   * without a `defineTask` default export, or one that throws while loading, fails `createPool`
   * with `TaskModuleError` (default true). With false, that error fails the first task instead,
   * and creating the pool costs the calling thread nothing (a missing file is still checked).
   * For a task module that is known to be good, such as a library's own.
   */
  probe?: boolean
  clock?: Clock
}

export type Priority = 'high' | 'normal' | 'low'

export interface RunOptions {
  signal?: AbortSignal
  priority?: Priority
  /** Affinity: tasks with the same key go to the same thread when it is free. */
  key?: string | number
  /** `true` transfers the input's ArrayBuffer (for `ArrayBuffer`/typed-array inputs); or an explicit list. */
  transfer?: boolean | readonly TransferListItem[]
  /** Overrides the pool's `timeout` for this task. */
  timeout?: number
}

export interface MapProgress {
  /** Inputs pulled from the source so far. */
  started: number
  completed: number
  failed: number
  inFlight: number
}

export interface MapOptions<I> extends Omit<RunOptions, 'signal' | 'transfer' | 'key'> {
  /** Yield in input order (default) or as results complete. */
  ordered?: boolean
  /**
   * Most inputs pulled but not yet yielded. Default: two batches per thread at the pool's current
   * adaptive batch size (`threads * 2 * batchSize`, so at most `threads * 2 * batch.maxItems`).
   */
  maxInFlight?: number
  signal?: AbortSignal
  onProgress?: (progress: MapProgress) => void
  /** Affinity key per input. */
  key?: (input: I, index: number) => string | number | undefined
  /** Transfer inputs' buffers (see `RunOptions.transfer`). */
  transfer?: boolean
}

/**
 * Why an item failed: one of this package's errors (`code` `MX_WORKERS_*`: timeout, crash, abort,
 * …), or the task's own error rebuilt in this thread, with the `code` it had, if any.
 */
export type TaskFailure = Error & { code?: unknown }

export type MapResult<O> =
  | { index: number; ok: true; value: O }
  | { index: number; ok: false; error: TaskFailure }

export interface Percentiles {
  p50: number
  p95: number
  p99: number
}

export interface WorkerStats {
  workerId: number
  /** Items completed by this slot, all threads it had. */
  completed: number
  failed: number
  restarts: number
  busy: boolean
  /** Items since the current thread started. */
  tasksSinceStart: number
}

export interface PoolStats {
  threads: number
  queueDepth: number
  running: number
  completed: number
  failed: number
  retried: number
  timedOut: number
  restarts: number
  quarantined: number
  /** Per-item run time in ms, recent samples. */
  runTime: Percentiles
  /** Time from `run()` to dispatch in ms, recent samples. */
  waitTime: Percentiles
  /** Busy time / (elapsed * threads) since creation, 0..1. */
  utilization: number
  /** Milliseconds spent inside the task function, measured in the threads, summed over them. */
  taskMs: number
  /** Current adaptive batch size. */
  batchSize: number
  workers: WorkerStats[]
}

export type RestartReason = 'crash' | 'oom' | 'timeout' | 'recycle' | 'abort'

export interface QuarantineEvent {
  input: unknown
  key: string | number | undefined
  reason: FailureReason
  attempts: number
  error: Error
}

/** Event name → payload. */
export interface PoolEvents {
  /** The queue is empty and nothing runs. */
  drain: () => void
  /** A worker thread failed (crash, OOM); the pool recovers by itself. */
  error: (error: Error, workerId: number) => void
  restart: (event: { workerId: number; reason: RestartReason }) => void
  quarantine: (event: QuarantineEvent) => void
}

export interface CloseOptions {
  /** true (default): finish queued and running work; false: reject it with MX_WORKERS_POOL_CLOSED. */
  drain?: boolean
}

export interface Pool<I = unknown, O = unknown> {
  run(input: I, options?: RunOptions): Promise<O>
  map(source: Iterable<I> | AsyncIterable<I>, options?: MapOptions<I>): AsyncIterable<MapResult<O>>
  stats(): PoolStats
  on<E extends keyof PoolEvents>(event: E, listener: PoolEvents[E]): () => void
  close(options?: CloseOptions): Promise<void>
  readonly threads: number
}
