import { expect } from 'vitest'
import {
  type CacheSlot,
  createEngine,
  type EngineOptions,
  InvalidOptionError,
  type LoggerSlot,
  type SourceDocument,
  type WorkerBatch,
  type WorkersSlot,
} from '../src/index'
import { enginePool } from '../src/slots/workers'

export const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url)

/** The option and message of the InvalidOptionError createEngine throws for `options`. */
export function optionError(options: Partial<EngineOptions>) {
  try {
    createEngine({ extractor: fixture('words.mjs'), ...options } as EngineOptions)
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionError)
    const { option, message, code } = error as InvalidOptionError
    expect(code).toBe('MX_INVALID_OPTION')
    return { option, message }
  }
  throw new Error('expected createEngine to throw')
}

/** Markdown-like documents: a heading and `paragraphs` paragraphs of a few words each. */
export function doc(id: string, paragraphs = 3, salt = ''): SourceDocument {
  const parts = [`# Title of ${id}`]
  for (let i = 0; i < paragraphs; i++)
    parts.push(`Paragraph ${i} of ${id} has some words ${salt}`.trim())
  return { id, content: parts.join('\n\n'), path: `${id}.md`, mediaType: 'text/markdown' }
}

export function docs(count: number, paragraphs = 3): SourceDocument[] {
  return Array.from({ length: count }, (_, i) => doc(`doc-${i}`, paragraphs))
}

/** A hand-written cache slot over a Map, counting its calls. */
export function mapCache() {
  const map = new Map<string, unknown>()
  const calls = { get: 0, set: 0, getMany: 0, setMany: 0, shrink: 0 }
  const slot: CacheSlot = {
    async get(key) {
      calls.get++
      return map.get(key)
    },
    async set(key, value) {
      calls.set++
      map.set(key, value)
    },
    async getMany(keys) {
      calls.getMany++
      return keys.map((key) => map.get(key))
    },
    async setMany(entries) {
      calls.setMany++
      for (const { key, value } of entries) map.set(key, value)
    },
    shrink(fraction) {
      calls.shrink++
      const drop = Math.floor(map.size * fraction)
      for (const key of [...map.keys()].slice(0, drop)) map.delete(key)
      return drop
    },
  }
  return Object.assign(slot, { map, calls })
}

/** Wraps a workers slot and records every batch it runs. */
function countingWorkers(inner: WorkersSlot): WorkersSlot & { batches: WorkerBatch[] } {
  const batches: WorkerBatch[] = []
  return {
    batches,
    threads: inner.threads,
    run(batch, options) {
      batches.push(batch)
      return inner.run(batch, options)
    },
  }
}

/** A real engine pool (worker threads) behind `countingWorkers`; `await using` closes it. */
export function countingPool(threads: number) {
  const pool = enginePool({ threads })
  return Object.assign(countingWorkers(pool), { [Symbol.asyncDispose]: () => pool.close() })
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const item of iterable) out.push(item)
  return out
}

/** A line a `capture()` logger kept: its fields and bindings, with its level and message. */
export type Line = Record<string, unknown> & { level: string; msg?: string }

/** A logger slot that keeps its lines at `level` and above (bindings merged in). */
export function capture(level: 'debug' | 'info' | 'warn' | 'error' = 'debug') {
  const lines: Line[] = []
  const order = ['debug', 'info', 'warn', 'error']
  const enabled = (name: string) => order.indexOf(name) >= order.indexOf(level)
  const make = (bindings: Record<string, unknown>): LoggerSlot => {
    const write = (name: string) => (fields: Record<string, unknown>, msg?: string) => {
      if (enabled(name)) lines.push({ ...bindings, ...fields, level: name, msg })
    }
    return {
      debug: write('debug'),
      info: write('info'),
      warn: write('warn'),
      error: write('error'),
      child: (more) => make({ ...bindings, ...more }),
      isLevelEnabled: enabled,
    }
  }
  return { logger: make({}), lines }
}

/**
 * A manual clock: `now()` is `t`; `setTimeout` records the delay asked for, moves `t` by exactly
 * that much and calls back on the next microtask. Nothing waits for wall-clock time.
 */
export function manualClock(start = 1000) {
  const clock = {
    t: start,
    delays: [] as number[],
    now: () => clock.t,
    setTimeout(callback: () => void, ms: number) {
      clock.delays.push(ms)
      clock.t += ms
      queueMicrotask(callback)
      return clock.delays.length
    },
    clearTimeout: (_handle: unknown) => {},
  }
  return clock
}
