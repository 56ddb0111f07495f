import { describe, expect, it, vi } from 'vitest'
import type { MapProgress, MapResult } from '../src/index'
import { poolPerTest, rejection } from './helpers'

const { open } = poolPerTest()

async function collect<T>(results: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = []
  for await (const result of results) all.push(result)
  return all
}

describe('pool.map()', () => {
  it('yields results in input order by default, failures included', async () => {
    const p = open()
    const inputs: unknown[] = [1, 'a', { op: 'throw', id: 2 }, 4]
    const results = await collect(p.map(inputs))
    expect(results.map((r) => r.index)).toEqual([0, 1, 2, 3])
    expect(results[0]).toEqual({ index: 0, ok: true, value: 2 })
    expect(results[2]).toMatchObject({ index: 2, ok: false, error: { message: 'bad item 2' } })
    expect(results[3]).toEqual({ index: 3, ok: true, value: 8 })
  })

  it('yields in completion order when ordered is false', async () => {
    const p = open({ threads: 2, batch: false })
    const inputs = [{ op: 'sleep', ms: 1500, value: 'slow' }, 'fast']
    const results = await collect(p.map(inputs, { ordered: false }))
    expect(results.map((r) => (r as { value: unknown }).value)).toEqual(['FAST', 'slow'])
    expect(results.map((r) => r.index)).toEqual([1, 0])
  })

  it('pulls from the source only as capacity frees (bounded in-flight count)', async () => {
    const p = open()
    let pulled = 0
    function* source() {
      for (let i = 0; i < 3000; i++) {
        pulled++
        yield i
      }
    }
    let yielded = 0
    let worst = 0
    const progress: MapProgress[] = []
    for await (const result of p.map(source(), {
      maxInFlight: 16,
      onProgress: (p) => progress.push(p),
    })) {
      expect(result.ok).toBe(true)
      yielded++
      worst = Math.max(worst, pulled - yielded)
    }
    expect(yielded).toBe(3000)
    expect(worst).toBeLessThanOrEqual(16)
    expect(Math.max(...progress.map((p) => p.inFlight))).toBeLessThanOrEqual(16)
    expect(progress.at(-1)).toMatchObject({ started: 3000, completed: 3000, failed: 0 })
  })

  it('keeps two batches per thread in flight by default, at the adaptive batch size', async () => {
    // Items of ~20 ms against a 10 ms batch target: the batch size stays at 1.
    const p = open({ threads: 2 })
    let pulled = 0
    function* source() {
      for (let i = 0; i < 24; i++) {
        pulled++
        yield { op: 'sleep', ms: 20, value: i }
      }
    }
    let yielded = 0
    let worst = 0
    for await (const result of p.map(source())) {
      expect(result).toMatchObject({ ok: true, value: yielded })
      yielded++
      worst = Math.max(worst, pulled - yielded)
    }
    expect(yielded).toBe(24)
    expect(p.stats().batchSize).toBe(1)
    expect(worst).toBeLessThanOrEqual(2 * 2 * 1)
    expect(worst).toBeGreaterThan(0)
  })

  it('reads async iterables too', async () => {
    const p = open()
    async function* source() {
      for (let i = 0; i < 50; i++) yield i
    }
    const results = (await collect(p.map(source()))) as MapResult<number>[]
    expect(results.map((r) => (r.ok ? r.value : -1))).toEqual(
      Array.from({ length: 50 }, (_, i) => i * 2),
    )
  })

  it('cancels the whole run with one AbortSignal', async () => {
    const p = open({ threads: 1, batch: false })
    const controller = new AbortController()
    let pulled = 0
    function* source() {
      for (let i = 0; i < 1000; i++) {
        pulled++
        yield { op: 'sleep', ms: 20, value: i }
      }
    }
    const seen: number[] = []
    const run = (async () => {
      for await (const result of p.map(source(), { signal: controller.signal, maxInFlight: 4 })) {
        seen.push(result.index)
        if (seen.length === 2) controller.abort()
      }
    })()
    const error = await rejection(run)
    expect(error.code).toBe('MX_WORKERS_ABORTED')
    expect(seen).toEqual([0, 1])
    expect(pulled).toBeLessThanOrEqual(7)
    // The pool is idle again: queued items of the run were dropped.
    await p.close({ drain: true })
    expect(p.stats().completed).toBeLessThan(10)
  })

  it('throws MX_WORKERS_ABORTED at once for a signal already aborted, pulling nothing', async () => {
    const p = open({ threads: 1 })
    let pulled = 0
    function* source() {
      pulled++
      yield 1
    }
    const error = await rejection(
      collect(p.map(source(), { signal: AbortSignal.abort('stop before start') })),
    )
    expect(error.code).toBe('MX_WORKERS_ABORTED')
    expect(error.cause).toBe('stop before start')
    expect(pulled).toBe(0)
    expect(p.stats()).toMatchObject({ queueDepth: 0, completed: 0 })
  })

  it('throws MX_WORKERS_ABORTED when aborted while it waits for a result, stopping the running task', async () => {
    const p = open({ threads: 1 })
    const reasons: string[] = []
    p.on('restart', ({ reason }) => reasons.push(reason))
    const controller = new AbortController()
    const seen: number[] = []
    const run = (async () => {
      for await (const result of p.map([{ op: 'hang' }], { signal: controller.signal })) {
        seen.push(result.index)
      }
    })()
    await vi.waitFor(() => expect(p.stats().running).toBe(1))
    controller.abort('user left')
    const error = await rejection(run)
    expect(error.code).toBe('MX_WORKERS_ABORTED')
    expect(error.cause).toBe('user left')
    expect(seen).toEqual([])
    await vi.waitFor(() => expect(reasons).toEqual(['abort']))
    expect(await p.run(2)).toBe(4)
  })

  it('asks the key function for each input with its index and sends keyed inputs to one thread', async () => {
    const p = open({ threads: 2, batch: false })
    const calls: Array<[unknown, number]> = []
    const inputs = [1, 2, 3, 4].map((value) => ({ op: 'info', value }))
    const results = (await collect(
      p.map(inputs, {
        maxInFlight: 1,
        key: (input, index) => {
          calls.push([(input as { value: number }).value, index])
          return index < 2 ? 'doc-a' : undefined
        },
      }),
    )) as MapResult<{ workerId: number; value: number }>[]
    expect(calls).toEqual([
      [1, 0],
      [2, 1],
      [3, 2],
      [4, 3],
    ])
    const values = results.map((r) => (r.ok ? r.value : undefined))
    expect(values.map((v) => v?.value)).toEqual([1, 2, 3, 4])
    // One at a time: the second input with key doc-a finds its thread free and goes there.
    expect(values[1]?.workerId).toBe(values[0]?.workerId)
  })

  it('stops pending work when the consumer breaks out early', async () => {
    const p = open({ threads: 1, batch: false })
    const inputs = Array.from({ length: 100 }, (_, i) => ({ op: 'sleep', ms: 10, value: i }))
    for await (const result of p.map(inputs, { maxInFlight: 5 })) {
      expect(result.index).toBe(0)
      break
    }
    await p.close({ drain: true })
    expect(p.stats().completed).toBeLessThan(10)
  })
})
