import type { TaskDefinition, TaskFunction } from './types'

/** Marks a task definition across module copies and threads (a registered symbol). */
export const TASK_MARK = Symbol.for('mx.workers.task')

/** Marker key of a path input: the worker reads the document, only the path is sent. */
export const PATH_MARK = '__mxWorkersPath'

/** An input that the worker thread replaces with the file's contents before calling the task. */
export interface PathInput {
  readonly [PATH_MARK]: string
  readonly encoding?: BufferEncoding
}

/**
 * Wraps the function a task module exports by default:
 * `export default defineTask(async (input, ctx) => output)`.
 */
export function defineTask<I = unknown, O = unknown>(
  run: TaskFunction<I, O>,
): TaskDefinition<I, O> {
  if (typeof run !== 'function') throw new TypeError('defineTask expects a function')
  return Object.freeze({ run, [TASK_MARK]: true })
}

/**
 * An input that makes the worker read the document itself, so only the path travels:
 * the task gets a `Uint8Array` (or a string when `encoding` is given).
 */
export function fromPath(path: string, encoding?: BufferEncoding): PathInput {
  return encoding === undefined ? { [PATH_MARK]: path } : { [PATH_MARK]: path, encoding }
}

/** True for a value made by `defineTask` (checked by the pool and the worker runtime). */
export function isTaskDefinition(value: unknown): value is TaskDefinition {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[TASK_MARK] === true &&
    typeof (value as TaskDefinition).run === 'function'
  )
}

/**
 * One message to a worker: a batch of items for one task module. The batch is column-wise
 * (one array per field, not one object per item) so a large batch of tiny inputs costs few
 * allocations to clone on either side.
 */
export interface WireBatch {
  module: string
  inputs: unknown[]
  /** Attempt number per item; absent when every item is on its first attempt. */
  attempts?: number[]
  /** Timeout in ms per item (0 = none); absent when no item has one. */
  timeouts?: number[]
  /** The caller's trace context per item (OpenTelemetry); absent when no item has one. */
  traces?: Array<Record<string, string> | undefined>
  workerId: number
  /** [index of the running item, Date.now() when it started]: lets the pool time out one item of a batch. */
  progress: SharedArrayBuffer
  measureHeap: boolean
}

export interface WireError {
  name: string
  message: string
  stack?: string
  code?: unknown
}

/** An item of a batch that failed: its index, the error, and whether its own timeout fired. */
export interface WireFailure {
  index: number
  error: WireError
  timedOut: boolean
}

/** A worker's answer to a batch, column-wise like the batch itself. */
export interface WireReply {
  /** Value per item (undefined for a failed one). */
  values: unknown[]
  /** Run time in ms per item. */
  ms: Float64Array
  /** The failed items only; absent when all succeeded. */
  failures?: WireFailure[]
  heapUsed: number
  moduleError?: WireError
}
