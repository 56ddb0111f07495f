/**
 * The piscina worker entry of every pool: loads the user's task module once per thread, runs a
 * batch item by item, and replies with one result per item so a failing item fails alone.
 */
import { readFile } from 'node:fs/promises'
import { pathToFileURL } from 'node:url'
import type { WireBatch, WireError, WireReply, WireResult } from './task'
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

function isPathInput(value: unknown): value is PathInput {
  return typeof value === 'object' && value !== null && PATH_MARK in value
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function'
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
    return { results: [], heapUsed: 0, moduleError: toWire(error) }
  }
  const progress = new Float64Array(batch.progress)
  const results: WireResult[] = new Array(batch.items.length)
  for (let index = 0; index < batch.items.length; index++) {
    const item = batch.items[index] as WireBatch['items'][number]
    const startedAt = Date.now()
    progress[1] = startedAt
    progress[0] = index
    const started = performance.now()
    let controller: AbortController | undefined
    let timer: ReturnType<typeof setTimeout> | undefined
    // The signal is made on first use: most sync tasks never read it.
    const ctx = {
      attempt: item.attempt,
      workerId: batch.workerId,
      get signal(): AbortSignal {
        if (!controller) {
          controller = new AbortController()
          if (item.timeout > 0) {
            const left = Math.max(0, item.timeout - (Date.now() - startedAt))
            timer = setTimeout(() => controller?.abort(new Error('timeout')), left)
          }
        }
        return controller.signal
      },
    }
    try {
      let input = item.input
      if (isPathInput(input)) {
        const bytes = await readFile(input[PATH_MARK])
        input = input.encoding ? bytes.toString(input.encoding) : new Uint8Array(bytes)
      }
      let value = task.run(input, ctx)
      if (isThenable(value)) value = await value
      results[index] = { ok: true, value, ms: performance.now() - started }
    } catch (error) {
      const timedOut = controller?.signal.aborted === true
      results[index] = {
        ok: false,
        error: toWire(error),
        ms: performance.now() - started,
        timedOut,
      }
    } finally {
      if (timer) clearTimeout(timer)
    }
  }
  progress[0] = -1
  const heapUsed = batch.measureHeap ? process.memoryUsage().heapUsed : 0
  return { results, heapUsed }
}
