/**
 * The piscina worker entry of every pool: loads the user's task module once per thread, runs a
 * batch item by item, and replies with one result per item so a failing item fails alone.
 */
import { readFile } from 'node:fs/promises'
import { pathToFileURL } from 'node:url'
import { move, transferableSymbol, valueSymbol } from 'piscina'
import { withTraceCarrier } from './kernel'
import type { WireBatch, WireError, WireFailure, WireReply } from './task'
import { isTaskDefinition, PATH_MARK, type PathInput } from './task'
import type { TaskDefinition } from './types'

const modules = new Map<string, Promise<TaskDefinition>>()

async function load(specifier: string): Promise<TaskDefinition> {
  const url = specifier.startsWith('file:') ? specifier : pathToFileURL(specifier).href
  const exports = (await import(url)) as Record<string, unknown>
  const candidate = isTaskDefinition(exports.default)
    ? exports.default
    : (exports.default as Record<string, unknown> | undefined)?.default
  if (!isTaskDefinition(candidate)) {
    throw new Error(`${specifier} does not export default defineTask(...)`)
  }
  return candidate
}

function toWire(error: unknown): WireError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code
    return { name: error.name, message: error.message, stack: error.stack, code }
  }
  return { name: 'Error', message: String(error) }
}

/** The `ArrayBuffer` a view spans whole, if it does (never a shared one, never a pooled slab). */
function wholeBuffer(view: ArrayBufferView): ArrayBuffer | undefined {
  const { buffer } = view
  if (!(buffer instanceof ArrayBuffer)) return undefined
  return view.byteOffset === 0 && view.byteLength === buffer.byteLength ? buffer : undefined
}

function isPathInput(value: unknown): value is PathInput {
  return typeof value === 'object' && value !== null && PATH_MARK in value
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function'
}

/**
 * The `ctx` of one item. A class, so an item costs one small object: the abort signal (and its
 * timeout timer) is made only when the task reads `ctx.signal`, which most sync tasks never do.
 */
class ItemContext {
  controller: AbortController | undefined = undefined
  timer: ReturnType<typeof setTimeout> | undefined = undefined
  moved: ArrayBuffer[] | undefined = undefined

  constructor(
    readonly attempt: number,
    readonly workerId: number,
    private readonly timeout: number,
    private readonly startedAt: number,
  ) {}

  transfer(...items: ReadonlyArray<ArrayBuffer | ArrayBufferView>): void {
    for (const item of items) {
      const buffer = item instanceof ArrayBuffer ? item : wholeBuffer(item)
      // Nothing to gain from an empty one, and a detached one cannot be posted.
      if (!buffer || buffer.byteLength === 0) continue
      this.moved ??= []
      this.moved.push(buffer)
    }
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      const controller = new AbortController()
      this.controller = controller
      if (this.timeout > 0) {
        // Capped at setTimeout's limit: a longer delay would fire at once (~24.8 days is plenty).
        const left = Math.min(
          2 ** 31 - 1,
          Math.max(0, this.timeout - (Date.now() - this.startedAt)),
        )
        this.timer = setTimeout(() => controller.abort(new Error('timeout')), left)
      }
    }
    return this.controller.signal
  }
}

export default async function runBatch(batch: WireBatch): Promise<WireReply> {
  let task: TaskDefinition
  try {
    let loading = modules.get(batch.module)
    if (!loading) {
      loading = load(batch.module)
      modules.set(batch.module, loading)
    }
    task = await loading
  } catch (error) {
    return { values: [], ms: new Float64Array(0), heapUsed: 0, moduleError: toWire(error) }
  }
  const { inputs, attempts, timeouts, traces } = batch
  const progress = new Float64Array(batch.progress)
  const values: unknown[] = new Array(inputs.length)
  const ms = new Float64Array(inputs.length)
  let failures: WireFailure[] | undefined
  let moved: Set<ArrayBuffer> | undefined
  for (let index = 0; index < inputs.length; index++) {
    const startedAt = Date.now()
    progress[1] = startedAt
    progress[0] = index
    const started = performance.now()
    const ctx = new ItemContext(
      attempts ? (attempts[index] as number) : 1,
      batch.workerId,
      timeouts ? (timeouts[index] as number) : 0,
      startedAt,
    )
    try {
      let input = inputs[index]
      if (isPathInput(input)) {
        const bytes = await readFile(input[PATH_MARK])
        input = input.encoding ? bytes.toString(input.encoding) : new Uint8Array(bytes)
      }
      const item = input
      // in the caller's trace context, when it sent one (OpenTelemetry)
      let value = traces?.[index]
        ? withTraceCarrier(traces[index], () => task.run(item, ctx))
        : task.run(item, ctx)
      if (isThenable(value)) value = await value
      values[index] = value
      if (ctx.moved) {
        moved ??= new Set()
        for (const buffer of ctx.moved) moved.add(buffer)
      }
    } catch (error) {
      failures ??= []
      failures.push({
        index,
        error: toWire(error),
        timedOut: ctx.controller?.signal.aborted === true,
      })
    } finally {
      if (ctx.timer) clearTimeout(ctx.timer)
      ms[index] = performance.now() - started
    }
  }
  progress[0] = -1
  const heapUsed = batch.measureHeap ? process.memoryUsage().heapUsed : 0
  const reply: WireReply = failures ? { values, ms, failures, heapUsed } : { values, ms, heapUsed }
  // piscina posts a "movable" reply with its buffers in the transfer list: moved, not copied.
  return moved ? (move({ [transferableSymbol]: [...moved], [valueSymbol]: reply }) as never) : reply
}
