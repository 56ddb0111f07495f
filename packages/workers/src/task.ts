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

/** One item of a batch sent to a worker. */
export interface WireItem {
  input: unknown
  attempt: number
  /** ms; 0 = none */
  timeout: number
}

/** One message to a worker: a batch of items for one task module. */
export interface WireBatch {
  module: string
  items: WireItem[]
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

export type WireResult =
  | { ok: true; value: unknown; ms: number }
  | { ok: false; error: WireError; ms: number; timedOut: boolean }

export interface WireReply {
  results: WireResult[]
  heapUsed: number
  moduleError?: WireError
}
