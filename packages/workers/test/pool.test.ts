import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from '@mx/testkit'
import { describe, expect, it, vi } from 'vitest'
import type { QuarantineEvent } from '../src/index'
import { fromPath } from '../src/index'
import { poolPerTest, rejection, restarts } from './helpers'

const { open } = poolPerTest()

describe('createPool run()', () => {
  it('runs inputs on worker threads and returns each result', async () => {
    const p = open()
    expect(await p.run(21)).toBe(42)
    expect(await Promise.all(['a', 'b', 3].map((input) => p.run(input)))).toEqual(['A', 'B', 6])
  })

  it('packs small inputs into batches and still fails a bad item alone', async () => {
    const p = open({ threads: 1 })
    const inputs = Array.from({ length: 2000 }, (_, i) => i)
    const values = await Promise.all(inputs.map((i) => p.run(i)))
    expect(values).toEqual(inputs.map((i) => i * 2))
    expect(p.stats().batchSize).toBeGreaterThan(1)
    const mixed = await Promise.allSettled(
      [1, { op: 'throw', id: 7 }, 3].map((input) => p.run(input)),
    )
    expect(mixed.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    const reason = (mixed[1] as PromiseRejectedResult).reason
    expect(reason.message).toBe('bad item 7')
    expect(reason.code).toBe('E_BAD')
  })

  it('transfers a Uint8Array instead of cloning it when asked', async () => {
    const p = open()
    const bytes = new Uint8Array(1024).fill(9)
    expect(await p.run(bytes, { transfer: true })).toEqual({ length: 1024, first: 9 })
    expect(bytes.byteLength).toBe(0)
    const kept = new Uint8Array(16).fill(1)
    await p.run(kept)
    expect(kept.byteLength).toBe(16)
  })

  it('lets the worker read a document from a path so only the path travels', async () => {
    const dir = tempDir()
    try {
      const file = join(dir.path, 'doc.txt')
      writeFileSync(file, 'hello doc')
      const p = open()
      expect(await p.run(fromPath(file, 'utf8'))).toBe('HELLO DOC')
      expect(await p.run(fromPath(file))).toEqual({ length: 9, first: 104 })
    } finally {
      dir.remove()
    }
  })

  it('rejects a non-cloneable input with MX_WORKERS_TASK_INPUT and runs its batch mates', async () => {
    const p = open({ threads: 1 })
    const results = await Promise.allSettled([1, { f: () => 1 }, 3].map((input) => p.run(input)))
    expect(results[0]).toEqual({ status: 'fulfilled', value: 2 })
    expect(results[2]).toEqual({ status: 'fulfilled', value: 6 })
    const reason = (results[1] as PromiseRejectedResult).reason
    expect(reason.code).toBe('MX_WORKERS_TASK_INPUT')
    expect(reason.message).toContain('could not be cloned')
  })
})

describe('createPool timeouts and crashes', () => {
  it('terminates a thread whose task runs over its timeout and leaves the other thread alone', async () => {
    const p = open({ timeout: 150, retries: { attempts: 1 } })
    const reasons = restarts(p)
    const [hung, slow] = await Promise.allSettled([
      p.run({ op: 'hang' }),
      p.run({ op: 'sleep', ms: 400, value: 'other thread done' }, { timeout: 0 }),
    ])
    expect((hung as PromiseRejectedResult).reason.code).toBe('MX_WORKERS_TASK_TIMEOUT')
    expect(slow).toEqual({ status: 'fulfilled', value: 'other thread done' })
    expect(reasons).toEqual(['timeout'])
    expect(await p.run(5)).toBe(10)
    expect(p.stats()).toMatchObject({ timedOut: 1, restarts: 1 })
  })

  it('retries a task whose thread called process.exit() and replaces the thread', async () => {
    const p = open({ retries: { attempts: 2, backoff: { delay: 1 } } })
    const reasons = restarts(p)
    expect(await p.run({ op: 'exit-first' })).toBe('recovered on attempt 2')
    expect(reasons).toEqual(['crash'])
    expect(p.stats()).toMatchObject({ retried: 1, restarts: 1 })
  })

  it("waits a retry's backoff on the injected clock: the retry runs when that clock fires, on no real sleep", async () => {
    const timers: Array<{ callback: () => void; ms: number }> = []
    let scheduled: () => void = () => {}
    const clock = {
      now: () => 0,
      setTimeout(callback: () => void, ms: number) {
        const timer = { callback, ms }
        timers.push(timer)
        scheduled()
        return timer
      },
      clearTimeout(handle: unknown) {
        timers.splice(timers.indexOf(handle as never), 1)
      },
    }
    const p = open({
      clock,
      retries: { attempts: 3, backoff: { delay: 4000, factor: 2, jitter: 0 } },
    })
    const waiting = new Promise<void>((resolve) => {
      scheduled = resolve
    })
    let settled = false
    const result = p.run({ op: 'exit-first' }).finally(() => {
      settled = true
    })
    result.catch(() => {}) // a failed assertion below must not leave it unhandled at close
    await waiting
    // The first attempt crashed its thread: the retry waits 4 s of the injected clock.
    expect(timers.map((timer) => timer.ms)).toEqual([4000])
    expect(p.stats()).toMatchObject({ retried: 1, running: 0 })
    expect(settled).toBe(false)
    timers.shift()?.callback()
    expect(await result).toBe('recovered on attempt 2')
    expect(timers).toEqual([])
  })

  it('refuses a clock with one timer function and not the other', () => {
    expect(() => open({ clock: { now: () => 0, setTimeout: () => 0 } })).toThrow(
      'clock.setTimeout and clock.clearTimeout must both be functions, or both be absent',
    )
  })

  it('quarantines an input that crashes its thread on every attempt', async () => {
    const p = open({ retries: { attempts: 2, backoff: { delay: 1 } } })
    const quarantined: QuarantineEvent[] = []
    p.on('quarantine', (event) => quarantined.push(event))
    const error = await rejection(p.run({ op: 'exit' }, { key: 'doc-1' }))
    expect(error.code).toBe('MX_WORKERS_TASK_CRASHED')
    expect(error.message).toContain('worker exited with code: 3')
    expect(quarantined).toHaveLength(1)
    expect(quarantined[0]).toMatchObject({
      reason: 'crash',
      attempts: 2,
      key: 'doc-1',
      input: { op: 'exit' },
    })
    expect(p.stats()).toMatchObject({ quarantined: 1, restarts: 2, failed: 1 })
  })

  it('quarantines an input that times out on every attempt, with reason timeout', async () => {
    const p = open({ timeout: 100, retries: { attempts: 2, backoff: { delay: 1 } } })
    const quarantined: QuarantineEvent[] = []
    p.on('quarantine', (event) => quarantined.push(event))
    expect((await rejection(p.run({ op: 'hang' }))).code).toBe('MX_WORKERS_TASK_TIMEOUT')
    expect(quarantined.map((q) => [q.reason, q.attempts])).toEqual([['timeout', 2]])
    expect(p.stats()).toMatchObject({ timedOut: 2, retried: 1 })
  })

  it('times out the one slow item of a batch and re-runs its batch mates', async () => {
    const p = open({ threads: 1, timeout: 200, retries: { attempts: 1 } })
    await Promise.all(Array.from({ length: 500 }, (_, i) => p.run(i)))
    expect(p.stats().batchSize).toBeGreaterThan(4)
    const inputs: unknown[] = [1, { op: 'hang' }, 3]
    const results = await Promise.allSettled(inputs.map((input) => p.run(input)))
    expect(
      results.map((r) =>
        r.status === 'fulfilled' ? r.value : (r.reason as { code: string }).code,
      ),
    ).toEqual([2, 'MX_WORKERS_TASK_TIMEOUT', 6])
  })

  it('retries thrown errors only with retryErrors, then quarantines with reason error', async () => {
    const p = open({ retries: { attempts: 3, backoff: { delay: 1 }, retryErrors: true } })
    const quarantined: QuarantineEvent[] = []
    p.on('quarantine', (event) => quarantined.push(event))
    expect((await rejection(p.run({ op: 'throw', id: 1 }))).message).toBe('bad item 1')
    expect(quarantined.map((q) => [q.reason, q.attempts])).toEqual([['error', 3]])
    expect(p.stats().retried).toBe(2)
  })

  it('reports an uncaught error in a worker as a crash and recovers', async () => {
    const p = open({ retries: { attempts: 1 } })
    const errors: string[] = []
    p.on('error', (error) => errors.push(error.message))
    const error = await rejection(p.run({ op: 'uncaught' }))
    expect(error.code).toBe('MX_WORKERS_TASK_CRASHED')
    expect(errors).toEqual(['uncaught in worker'])
    expect(await p.run(4)).toBe(8)
  })

  it('fails an input that runs its thread out of memory with reason oom', async () => {
    const p = open({
      threads: 1,
      retries: { attempts: 1 },
      resourceLimits: { maxOldGenerationSizeMb: 24 },
    })
    const quarantined: QuarantineEvent[] = []
    p.on('quarantine', (event) => quarantined.push(event))
    const error = await rejection(p.run({ op: 'oom' }))
    expect(error).toMatchObject({ code: 'MX_WORKERS_TASK_CRASHED', reason: 'oom' })
    expect(quarantined.map((q) => q.reason)).toEqual(['oom'])
    expect(await p.run(1)).toBe(2)
  })

  it('caps the young generation of each thread at 8 MB unless resourceLimits sets it', async () => {
    const p = open({ threads: 1 })
    expect(await p.run({ op: 'limits' })).toMatchObject({ maxYoungGenerationSizeMb: 8 })
    await p.close()
    const custom = open({
      threads: 1,
      resourceLimits: { maxYoungGenerationSizeMb: 32, maxOldGenerationSizeMb: 256 },
    })
    expect(await custom.run({ op: 'limits' })).toMatchObject({
      maxYoungGenerationSizeMb: 32,
      maxOldGenerationSizeMb: 256,
    })
  })

  it('re-runs the other items of a batch whose thread crashed, failing only the culprit', async () => {
    const p = open({ threads: 1, retries: { attempts: 1 } })
    await Promise.all(Array.from({ length: 500 }, (_, i) => p.run(i)))
    expect(p.stats().batchSize).toBeGreaterThan(4)
    const inputs: unknown[] = [1, 2, { op: 'exit' }, 4, 5]
    const results = await Promise.allSettled(inputs.map((input) => p.run(input)))
    expect(
      results.map((r) =>
        r.status === 'fulfilled' ? r.value : (r.reason as { code: string }).code,
      ),
    ).toEqual([2, 4, 'MX_WORKERS_TASK_CRASHED', 8, 10])
  })
})

describe('createPool scheduling', () => {
  it('aborts a running task by stopping its thread', async () => {
    const p = open({ threads: 1 })
    const reasons = restarts(p)
    const controller = new AbortController()
    const running = p.run({ op: 'hang' }, { signal: controller.signal })
    setTimeout(() => controller.abort(), 50)
    expect((await rejection(running)).code).toBe('MX_WORKERS_ABORTED')
    expect(await p.run(3)).toBe(6)
    expect(reasons).toEqual(['abort'])
  })

  it('takes high before normal before low priority work', async () => {
    const p = open({ threads: 1, batch: false })
    const order: string[] = []
    const first = p.run({ op: 'sleep', ms: 100 })
    const queued = (['low', 'normal', 'high'] as const).map((priority) =>
      p.run(priority, { priority }).then((value) => order.push(value as string)),
    )
    await Promise.all([first, ...queued])
    expect(order).toEqual(['HIGH', 'NORMAL', 'LOW'])
  })

  it('sends tasks with the same key to the same worker when it is free', async () => {
    const p = open({ threads: 2, batch: false })
    const seen = new Set<number>()
    for (let i = 0; i < 6; i++) {
      const info = (await p.run({ op: 'info' }, { key: 'doc-a' })) as { workerId: number }
      seen.add(info.workerId)
    }
    expect(seen.size).toBe(1)
  })

  it('recycles a thread after N tasks', async () => {
    const p = open({ threads: 1, batch: false, recycle: { afterTasks: 2 } })
    const reasons = restarts(p)
    const threads: number[] = []
    for (let i = 0; i < 4; i++)
      threads.push(((await p.run({ op: 'info' })) as { threadId: number }).threadId)
    expect(threads[0]).toBe(threads[1])
    expect(threads[2]).toBe(threads[3])
    expect(threads[2]).not.toBe(threads[1])
    expect(reasons).toEqual(['recycle', 'recycle'])
  })

  it('recycles a thread whose heap grows above maxHeapMB', async () => {
    const p = open({ threads: 1, recycle: { maxHeapMB: 12 } })
    const reasons = restarts(p)
    const before = await p.run({ op: 'grow' })
    const after = ((await p.run({ op: 'info' })) as { threadId: number }).threadId
    expect(after).not.toBe(before)
    expect(reasons).toEqual(['recycle'])
  })

  it('stops a thread idle for idleTimeout and starts a new one on demand', async () => {
    const p = open({ threads: 1, idleTimeout: 20 })
    const threadId = async () => ((await p.run({ op: 'info' })) as { threadId: number }).threadId
    const first = await threadId()
    // The idle timer is piscina's own: no injected clock drives it. Each probe comes more than
    // idleTimeout after the last, so the thread that ran it has stopped and a new one answers.
    await vi.waitFor(async () => expect(await threadId()).not.toBe(first), {
      interval: 60,
      timeout: 10_000,
    })
  })

  it('moves the buffers a task transfers instead of copying them', async () => {
    const p = open({ threads: 1, batch: false })
    const reply = (await p.run({ op: 'move', size: 64 * 1024 })) as { bytes: Uint8Array }
    expect(reply.bytes.byteLength).toBe(64 * 1024)
    expect(reply.bytes.every((byte) => byte === 7)).toBe(true)
    // Moved: the thread's own reference is detached. A pooled small Buffer (a view of part of
    // Node's slab) is copied as usual, and an item that fails moves nothing.
    await p.run({ op: 'move', pooled: true })
    await rejection(p.run({ op: 'move', size: 1024, fail: true }))
    expect(await p.run({ op: 'kept' })).toEqual([0, 5, 1024])
  })

  it('moves the buffers of every item of a batch', async () => {
    const p = open({ threads: 1 })
    const replies = (await Promise.all(
      Array.from({ length: 20 }, () => p.run({ op: 'move', size: 4096 })),
    )) as Array<{ bytes: Uint8Array }>
    expect(replies.every((r) => r.bytes.byteLength === 4096 && r.bytes[4095] === 7)).toBe(true)
    expect(await p.run({ op: 'kept' })).toEqual(Array(20).fill(0))
  })

  it('rejects work beyond maxQueue with MX_WORKERS_QUEUE_FULL', async () => {
    const p = open({ threads: 1, maxQueue: 1 })
    const accepted = p.run(1)
    expect((await rejection(p.run(2))).code).toBe('MX_WORKERS_QUEUE_FULL')
    expect(await accepted).toBe(2)
  })

  it('reports stats with percentiles, counters and per-worker figures', async () => {
    const p = open({ threads: 2 })
    await Promise.all(Array.from({ length: 50 }, (_, i) => p.run(i)))
    await rejection(p.run({ op: 'throw' }))
    const stats = p.stats()
    expect(stats).toMatchObject({ threads: 2, completed: 50, failed: 1, queueDepth: 0, running: 0 })
    expect(stats.runTime.p99).toBeGreaterThanOrEqual(stats.runTime.p50)
    expect(stats.workers).toHaveLength(2)
    expect(stats.workers.reduce((sum, w) => sum + w.completed, 0)).toBe(50)
    expect(stats.utilization).toBeGreaterThan(0)
    // Time inside the task, summed over every item: at least each item's own time.
    expect(stats.taskMs).toBeGreaterThan(0)
    expect(stats.taskMs).toBeGreaterThanOrEqual(stats.runTime.p50)
  })

  it('publishes batches and restarts on diagnostics channels', async () => {
    const p = open({ threads: 1, recycle: { afterTasks: 3 } })
    const batches: { items: number; ok: boolean }[] = []
    const restarted: unknown[] = []
    const onBatch = (message: unknown) => batches.push(message as { items: number; ok: boolean })
    const onRestart = (message: unknown) => restarted.push(message)
    subscribe('mx:workers:batch', onBatch)
    subscribe('mx:workers:restart', onRestart)
    try {
      await Promise.all([1, 2, 3].map((n) => p.run(n)))
    } finally {
      unsubscribe('mx:workers:batch', onBatch)
      unsubscribe('mx:workers:restart', onRestart)
    }
    expect(batches.reduce((sum, b) => sum + b.items, 0)).toBe(3)
    expect(batches.every((b) => b.ok)).toBe(true)
    expect(restarted).toEqual([{ workerId: 0, reason: 'recycle' }])
  })

  it('emits drain when idle and stops calling a listener after unsubscribe', async () => {
    const p = open()
    let drains = 0
    const off = p.on('drain', () => drains++)
    await p.run(1)
    await new Promise((resolve) => setImmediate(resolve))
    expect(drains).toBe(1)
    off()
    await p.run(2)
    expect(drains).toBe(1)
  })
})

describe('createPool close()', () => {
  it('finishes queued work with drain: true, then rejects new work with MX_WORKERS_POOL_CLOSED', async () => {
    const p = open({ threads: 1, batch: false })
    const work = [p.run({ op: 'sleep', ms: 50, value: 'a' }), p.run('b')]
    await p.close({ drain: true })
    expect(await Promise.all(work)).toEqual(['a', 'B'])
    expect((await rejection(p.run(1))).code).toBe('MX_WORKERS_POOL_CLOSED')
  })

  it('rejects queued work with MX_WORKERS_POOL_CLOSED with drain: false', async () => {
    const p = open({ threads: 1, batch: false })
    const running = rejection(p.run({ op: 'sleep', ms: 5000 }))
    await new Promise((resolve) => setTimeout(resolve, 20))
    const queued = rejection(p.run('later'))
    await p.close({ drain: false })
    expect((await queued).code).toBe('MX_WORKERS_POOL_CLOSED')
    expect((await running).code).toBe('MX_WORKERS_POOL_CLOSED')
    expect((await rejection(p.run(1))).code).toBe('MX_WORKERS_POOL_CLOSED')
  })
})
