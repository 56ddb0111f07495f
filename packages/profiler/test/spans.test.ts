import diagnosticsChannel from 'node:diagnostics_channel'
import { once } from 'node:events'
import { setTimeout as sleep } from 'node:timers/promises'
import { Worker } from 'node:worker_threads'
import { describe, expect, it } from 'vitest'
import { createProfiler, type StageSnapshot } from '../src/index'

function manualClock() {
  let now = 0
  return { now: () => now, advance: (ms: number) => (now += ms) }
}

function find(stages: StageSnapshot[], path: string): StageSnapshot | undefined {
  for (const stage of stages) {
    if (stage.path === path) return stage
    const inner = find(stage.children, path)
    if (inner) return inner
  }
  return undefined
}

describe('spans', () => {
  it('builds a stage tree with self and total time from nested spans', () => {
    const clock = manualClock()
    const p = createProfiler({ now: clock.now })
    const result = p.span('extract', () => {
      clock.advance(2)
      p.span('parse', () => clock.advance(5))
      p.span('parse', () => clock.advance(3))
      p.span('render', () => clock.advance(4))
      clock.advance(1)
      return 'done'
    })
    expect(result).toBe('done')
    const [extract] = p.snapshot().stages
    expect(extract).toMatchObject({
      name: 'extract',
      path: 'extract',
      count: 1,
      totalMs: 15,
      selfMs: 3,
    })
    expect(extract?.children.map((c) => [c.path, c.count, c.totalMs, c.selfMs])).toEqual([
      ['extract/parse', 2, 8, 8],
      ['extract/render', 1, 4, 4],
    ])
    const parse = find(p.snapshot().stages, 'extract/parse')
    expect(parse?.maxMs).toBe(5)
    expect(Math.abs((parse?.p50 ?? 0) - 3) / 3).toBeLessThanOrEqual(0.01)
  })

  it('counts concurrent children once in self time (union of their intervals)', async () => {
    const clock = manualClock()
    const p = createProfiler({ now: clock.now })
    let releaseA = () => {}
    let releaseB = () => {}
    await p.span('job', async () => {
      clock.advance(1)
      const a = p.span('a', () => new Promise<void>((resolve) => (releaseA = resolve)))
      clock.advance(2)
      const b = p.span('b', () => new Promise<void>((resolve) => (releaseB = resolve)))
      clock.advance(2)
      releaseA()
      await a
      clock.advance(3)
      releaseB()
      await b
      clock.advance(2)
    })
    const [job] = p.snapshot().stages
    // a covers 1..5 and b 3..8: children cover 7 ms of the job's 10.
    expect(job).toMatchObject({ totalMs: 10, selfMs: 3 })
    expect(job?.children.map((c) => [c.name, c.totalMs])).toEqual([
      ['a', 4],
      ['b', 5],
    ])
  })

  it('attributes work after await and inside timers to the span that started it', async () => {
    const p = createProfiler()
    const seen: Array<string | undefined> = []
    await p.span('load', async () => {
      await sleep(1)
      seen.push(p.currentSpan())
      await new Promise<void>((resolve) =>
        setTimeout(() => {
          seen.push(p.currentSpan())
          p.span('decode', () => seen.push(p.currentSpan()))
          resolve()
        }, 2),
      )
      await Promise.all([p.span('a', () => sleep(2)), p.span('b', async () => sleep(1))])
    })
    expect(seen).toEqual(['load', 'load', 'load/decode'])
    expect(p.currentSpan()).toBeUndefined()
    const load = find(p.snapshot().stages, 'load')
    expect(load?.children.map((c) => c.path).sort()).toEqual(['load/a', 'load/b', 'load/decode'])
    expect(load?.totalMs).toBeGreaterThanOrEqual(find(p.snapshot().stages, 'load/a')?.totalMs ?? 0)
  })

  it('attributes worker callbacks to the span that dispatched the work', async () => {
    const p = createProfiler()
    const replies: Array<[number, string | undefined]> = []
    await p.span('dispatch', async () => {
      const worker = new Worker(new URL('./fixtures/echo-worker.mjs', import.meta.url))
      worker.on('message', (value: number) => {
        p.span('handle', () => replies.push([value, p.currentSpan()]))
      })
      worker.postMessage(1)
      worker.postMessage(2)
      await once(worker, 'message')
      if (replies.length < 2) await once(worker, 'message')
      await worker.terminate()
    })
    expect(replies.sort()).toEqual([
      [2, 'dispatch/handle'],
      [4, 'dispatch/handle'],
    ])
    expect(find(p.snapshot().stages, 'dispatch/handle')?.count).toBe(2)
  })

  it('counts errors and rethrows them, sync and async', async () => {
    const p = createProfiler()
    expect(() =>
      p.span('sync', () => {
        throw new Error('boom')
      }),
    ).toThrow('boom')
    await expect(p.span('async', async () => Promise.reject(new Error('late')))).rejects.toThrow(
      'late',
    )
    expect(p.snapshot().stages.map((s) => [s.name, s.count, s.errors])).toEqual([
      ['sync', 1, 1],
      ['async', 1, 1],
    ])
  })

  it('publishes span ends on diagnostics_channel and emits span events while listened', () => {
    const p = createProfiler({ now: manualClock().now })
    const published: unknown[] = []
    const onEnd = (message: unknown) => published.push(message)
    diagnosticsChannel.subscribe('mx:profiler:span:end', onEnd)
    const events: unknown[] = []
    const off = p.on('span', (event) => events.push(event))
    p.span('x', () => p.span('y', () => 1))
    off()
    diagnosticsChannel.unsubscribe('mx:profiler:span:end', onEnd)
    p.span('z', () => 1)
    const expected = [
      { name: 'y', path: 'x/y', durationMs: 0, error: false },
      { name: 'x', path: 'x', durationMs: 0, error: false },
    ]
    expect(published).toEqual(expected)
    expect(events).toEqual(expected)
  })

  it('carries attributes on a span and on the spans nested under it, awaits included', async () => {
    const p = createProfiler({ now: manualClock().now })
    const started: unknown[] = []
    const onStart = (message: unknown) => started.push(message)
    diagnosticsChannel.subscribe('mx:profiler:span:start', onStart)
    const events: unknown[] = []
    const off = p.on('span', (event) => events.push(event))
    await p.span(
      'extract',
      async () => {
        await sleep(1)
        p.span('parse', () => 1)
        // A nested span's own attributes replace the inherited ones.
        p.span('document', () => 1, { correlationId: 'other' })
      },
      { correlationId: 'c1' },
    )
    p.span('plain', () => 1)
    off()
    diagnosticsChannel.unsubscribe('mx:profiler:span:start', onStart)
    expect(started[0]).toEqual({
      name: 'extract',
      path: 'extract',
      attributes: { correlationId: 'c1' },
    })
    expect(events).toEqual([
      {
        name: 'parse',
        path: 'extract/parse',
        durationMs: 0,
        error: false,
        attributes: { correlationId: 'c1' },
      },
      {
        name: 'document',
        path: 'extract/document',
        durationMs: 0,
        error: false,
        attributes: { correlationId: 'other' },
      },
      {
        name: 'extract',
        path: 'extract',
        durationMs: 0,
        error: false,
        attributes: { correlationId: 'c1' },
      },
      { name: 'plain', path: 'plain', durationMs: 0, error: false },
    ])
  })

  it('only runs the function when spans are off and nobody listens', () => {
    let calls = 0
    const p = createProfiler({ spans: false, now: () => calls++ })
    expect(p.span('x', () => 42)).toBe(42)
    expect(calls).toBe(0)
    expect(p.currentSpan()).toBeUndefined()
    expect(p.snapshot().stages).toEqual([])
  })

  it('still publishes on diagnostics_channel when spans are off but someone subscribes', () => {
    const p = createProfiler({ spans: false, now: manualClock().now })
    const published: unknown[] = []
    const onEnd = (message: unknown) => published.push(message)
    diagnosticsChannel.subscribe('mx:profiler:span:end', onEnd)
    p.span('x', () => p.span('y', () => 1))
    diagnosticsChannel.unsubscribe('mx:profiler:span:end', onEnd)
    expect(published).toEqual([
      { name: 'y', path: 'x/y', durationMs: 0, error: false },
      { name: 'x', path: 'x', durationMs: 0, error: false },
    ])
    expect(p.snapshot().stages).toEqual([])
  })
})

describe('traceChannels', () => {
  it('turns calls traced on a tracing channel into stages under the calling span', async () => {
    const channel = diagnosticsChannel.tracingChannel('mx:test:factory')
    const p = createProfiler({ traceChannels: ['mx:test:factory'] })
    try {
      const inner: Array<string | undefined> = []
      await p.span('extract', async () => {
        await channel.tracePromise(
          async () => {
            await sleep(1)
            inner.push(p.currentSpan())
            p.span('compute', () => 1)
          },
          { key: 'a' },
        )
        channel.traceSync(() => 2, { key: 'b' })
        await expect(
          channel.tracePromise(async () => Promise.reject(new Error('down')), { key: 'c' }),
        ).rejects.toThrow('down')
      })
      expect(inner).toEqual(['extract/mx:test:factory'])
      const traced = find(p.snapshot().stages, 'extract/mx:test:factory')
      expect(traced).toMatchObject({ count: 3, errors: 1 })
      expect(traced?.children.map((c) => c.path)).toEqual(['extract/mx:test:factory/compute'])
    } finally {
      p.close()
    }
    // After close the channel is no longer followed.
    channel.traceSync(() => 3, { key: 'd' })
    expect(find(p.snapshot().stages, 'mx:test:factory')).toBeUndefined()
  })
})
