import { describe, expect, it, vi } from 'vitest'
import type { Pool, QuarantineEvent } from '../src/index'
import { createPool, TaskModuleError } from '../src/index'
import { poolPerTest, rejection, restarts } from './helpers'

const { open, track } = poolPerTest()

/** Runs enough tiny items on the pool that its adaptive batches hold several items. */
async function warmUp(p: Pool<unknown, unknown>): Promise<void> {
  await Promise.all(Array.from({ length: 500 }, (_, i) => p.run(i)))
  expect(p.stats().batchSize).toBeGreaterThan(4)
}

/** A clock whose retry timers fire only by hand; `scheduled` resolves at the next timer. */
function manualClock() {
  const timers: Array<{ callback: () => void; ms: number }> = []
  let onTimer: () => void = () => {}
  const clock = {
    now: () => 0,
    setTimeout(callback: () => void, ms: number) {
      const timer = { callback, ms }
      timers.push(timer)
      onTimer()
      return timer
    },
    clearTimeout(handle: unknown) {
      const index = timers.indexOf(handle as never)
      if (index >= 0) timers.splice(index, 1)
    },
  }
  const nextTimer = () =>
    new Promise<void>((resolve) => {
      onTimer = resolve
    })
  return { clock, timers, nextTimer }
}

/** Blocks this thread (timers and messages included) for `ms`, or until `flag[0]` is set. */
function block(ms: number, flag = new Int32Array(new SharedArrayBuffer(4))): void {
  Atomics.wait(flag, 0, 0, ms)
}

describe('a task module that cannot load', () => {
  it('fails the running and the queued tasks with one TaskModuleError, and refuses later ones', async () => {
    const p = createPool({
      task: new URL('./fixtures/not-a-task.mjs', import.meta.url),
      threads: 1,
      batch: false,
      probe: false,
    })
    track(p)
    const errors = await Promise.all([1, 2, 3].map((input) => rejection(p.run(input))))
    expect(errors[0]).toBeInstanceOf(TaskModuleError)
    expect(errors[0]?.code).toBe('MX_WORKERS_TASK_MODULE')
    expect(errors.every((error) => error === errors[0])).toBe(true)
    expect(await rejection(p.run(4))).toBe(errors[0])
    expect(p.stats()).toMatchObject({ queueDepth: 0, running: 0, completed: 0 })
  })

  it('fails a task as a crash when the module ends its thread while loading', async () => {
    const p = createPool({
      task: new URL('./fixtures/exits-on-load.mjs', import.meta.url),
      threads: 1,
      probe: false,
      retries: { attempts: 1 },
    })
    track(p)
    const reasons = restarts(p)
    const quarantined: QuarantineEvent[] = []
    p.on('quarantine', (event) => quarantined.push(event))
    const error = await rejection(p.run('x'))
    expect(error).toMatchObject({ code: 'MX_WORKERS_TASK_CRASHED', reason: 'crash' })
    expect(error.message).toContain('worker exited with code: 7')
    expect(reasons).toEqual(['crash'])
    expect(quarantined.map((q) => [q.input, q.reason])).toEqual([['x', 'crash']])
  })

  it('is refused by createPool when the module ends its thread while loading (the probe does not wait it out)', () => {
    const task = new URL('./fixtures/exits-on-load.mjs', import.meta.url)
    let error: unknown
    try {
      track(createPool({ task, threads: 1 }))
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(TaskModuleError)
    expect((error as Error).message).toMatch(/ended its thread while loading \(exit code 7\)/)
  })
})

describe('timeouts a task honours itself', () => {
  it('fails a task that stops on ctx.signal with MX_WORKERS_TASK_TIMEOUT, its error as cause, and keeps the thread', async () => {
    const p = open({ threads: 1, retries: { attempts: 1 } })
    const reasons = restarts(p)
    await p.run(1)
    const flag = new Int32Array(new SharedArrayBuffer(4))
    const failed = rejection(p.run({ op: 'cooperative', flag }, { timeout: 50 }))
    await new Promise((resolve) => setImmediate(resolve))
    // This thread waits (no timers, no messages) until the task saw its signal abort, then a
    // little more so the thread has replied: the pool's own timeout watch must not win the race.
    block(10_000, flag)
    block(500)
    const error = await failed
    expect(error.code).toBe('MX_WORKERS_TASK_TIMEOUT')
    expect((error.cause as Error).message).toBe('timeout')
    expect(p.stats()).toMatchObject({ timedOut: 1, failed: 1, restarts: 0, quarantined: 1 })
    expect(reasons).toEqual([])
    expect(await p.run(2)).toBe(4)
  })

  it('gives a task without a timeout a signal that never aborts', async () => {
    const p = open({ threads: 1 })
    expect(await p.run({ op: 'signal', ms: 5 })).toBe(false)
  })
})

describe('aborting and closing around batches', () => {
  it('settles an item aborted in a running batch at once and still returns its batch mates', async () => {
    const p = open({ threads: 1 })
    const reasons = restarts(p)
    await warmUp(p)
    const controller = new AbortController()
    const aborted = rejection(
      p.run({ op: 'sleep', ms: 1000, value: 'a' }, { signal: controller.signal }),
    )
    const mate = p.run({ op: 'sleep', ms: 300, value: 'b' })
    await vi.waitFor(() => expect(p.stats().running).toBe(2))
    controller.abort()
    expect((await aborted).code).toBe('MX_WORKERS_ABORTED')
    expect(await mate).toBe('b')
    // The batch ran on: its thread was not stopped, and the aborted item does not count.
    expect(reasons).toEqual([])
    expect(p.stats()).toMatchObject({ completed: 501, failed: 0, running: 0 })
  })

  it('skips a task aborted while queued and runs the ones behind it', async () => {
    const p = open({ threads: 1, batch: false })
    const first = p.run({ op: 'sleep', ms: 100, value: 'first' })
    const controller = new AbortController()
    const skipped = rejection(p.run('skipped', { signal: controller.signal }))
    const last = p.run('last')
    controller.abort('not needed')
    const error = await skipped
    expect(error.code).toBe('MX_WORKERS_ABORTED')
    expect(error.cause).toBe('not needed')
    expect(await Promise.all([first, last])).toEqual(['first', 'LAST'])
    expect(p.stats()).toMatchObject({ completed: 2, queueDepth: 0 })
  })

  it('refuses a task whose signal is already aborted, with the reason as cause', async () => {
    const p = open({ threads: 1 })
    const error = await rejection(p.run(1, { signal: AbortSignal.abort('too late') }))
    expect(error.code).toBe('MX_WORKERS_ABORTED')
    expect(error.cause).toBe('too late')
    expect(p.stats()).toMatchObject({ queueDepth: 0, running: 0, completed: 0 })
  })

  it('closing without drain keeps the abort of items already aborted, running or queued', async () => {
    const p = open({ threads: 1 })
    await warmUp(p)
    const inBatch = new AbortController()
    const queued = new AbortController()
    const abortedRunning = rejection(p.run({ op: 'sleep', ms: 5000 }, { signal: inBatch.signal }))
    const running = rejection(p.run({ op: 'sleep', ms: 5000 }))
    await vi.waitFor(() => expect(p.stats().running).toBe(2))
    const abortedQueued = rejection(p.run('queued', { signal: queued.signal }))
    const waiting = rejection(p.run('waiting'))
    inBatch.abort()
    queued.abort()
    await p.close({ drain: false })
    expect((await abortedRunning).code).toBe('MX_WORKERS_ABORTED')
    expect((await abortedQueued).code).toBe('MX_WORKERS_ABORTED')
    expect(await running).toMatchObject({
      code: 'MX_WORKERS_POOL_CLOSED',
      message: 'pool closed before the task finished',
    })
    expect(await waiting).toMatchObject({
      code: 'MX_WORKERS_POOL_CLOSED',
      message: 'pool closed before the task ran',
    })
  })
})

describe('retries waiting out their backoff', () => {
  it('retries on the same thread when the pool has only one', async () => {
    const p = open({ threads: 1, retries: { attempts: 2, backoff: { delay: 1 } } })
    const reasons = restarts(p)
    expect(await p.run({ op: 'exit-first' })).toBe('recovered on attempt 2')
    expect(reasons).toEqual(['crash'])
    expect(p.stats()).toMatchObject({ retried: 1, completed: 1 })
    expect(p.stats().workers[0]).toMatchObject({ workerId: 0, completed: 1, restarts: 1 })
  })

  it('aborts a task waiting for its retry: the timer is cleared and the pool is idle', async () => {
    const { clock, timers, nextTimer } = manualClock()
    const p = open({ threads: 1, clock, retries: { attempts: 3, backoff: { delay: 4000 } } })
    const controller = new AbortController()
    const scheduled = nextTimer()
    const failed = rejection(p.run({ op: 'exit-first' }, { signal: controller.signal }))
    await scheduled
    expect(timers).toHaveLength(1)
    controller.abort()
    expect((await failed).code).toBe('MX_WORKERS_ABORTED')
    expect(timers).toEqual([])
    expect(p.stats()).toMatchObject({ retried: 1, queueDepth: 0, running: 0, completed: 0 })
    // Nothing waits any more: a draining close ends without any timer firing.
    await p.close({ drain: true })
  })

  it('closing without drain fails a task waiting for its retry and clears its timer', async () => {
    const { clock, timers, nextTimer } = manualClock()
    const p = open({ threads: 1, clock, retries: { attempts: 3, backoff: { delay: 4000 } } })
    const scheduled = nextTimer()
    const failed = rejection(p.run({ op: 'exit-first' }))
    await scheduled
    await p.close({ drain: false })
    expect(await failed).toMatchObject({
      code: 'MX_WORKERS_POOL_CLOSED',
      message: 'pool closed before the task ran',
    })
    expect(timers).toEqual([])
  })
})

describe('a thread that dies holding transferred inputs', () => {
  it('fails a transferred batch mate of the crashed item, since its buffers are gone', async () => {
    const p = open({ threads: 1, retries: { attempts: 1 } })
    await warmUp(p)
    const bytes = new Uint8Array(16).fill(1)
    const results = await Promise.allSettled([
      p.run({ data: bytes }, { transfer: true }),
      p.run({ op: 'exit' }),
      p.run(3),
    ])
    expect(bytes.byteLength).toBe(0)
    const [mate, culprit, other] = results as [
      PromiseRejectedResult,
      PromiseRejectedResult,
      PromiseFulfilledResult<unknown>,
    ]
    expect(mate.reason).toMatchObject({
      code: 'MX_WORKERS_TASK_CRASHED',
      message: 'worker thread died holding this transferred input; it cannot be retried',
    })
    expect(culprit.reason).toMatchObject({ code: 'MX_WORKERS_TASK_CRASHED', reason: 'crash' })
    expect(other.value).toBe(6)
    expect(p.stats()).toMatchObject({ failed: 2, restarts: 1 })
  })
})
