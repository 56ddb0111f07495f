import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describeRedis, keyPrefix, redisUrl } from '@mx/testkit'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { createQueue, createQueueWorker, loadBullMQ } from '../src/bullmq'
import { createPool, InvalidOptionError, MissingPeerError } from '../src/index'
import { fixturePool } from './helpers'

const prefix = keyPrefix(import.meta.url).replace(/:$/, '')
const url = new URL(redisUrl())
const connection = {
  host: url.hostname,
  port: Number(url.port || 6379),
  maxRetriesPerRequest: null,
}
const workerScript = fileURLToPath(new URL('./fixtures/queue-worker.mjs', import.meta.url))

interface Child {
  process: ChildProcess
  lines: string[]
  ready: Promise<void>
}

function startWorker(queue: string): Child {
  const child = spawn(process.execPath, [workerScript], {
    env: { ...process.env, REDIS_URL: redisUrl(), PREFIX: prefix, QUEUE: queue },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const lines: string[] = []
  let buffered = ''
  const ready = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`queue worker exited early with ${code}`)))
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString()
      const parts = buffered.split('\n')
      buffered = parts.pop() ?? ''
      for (const line of parts) {
        lines.push(line)
        if (line === 'ready') resolve()
      }
    })
  })
  return { process: child, lines, ready }
}

function stop(child: Child): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    child.process.once('exit', () => resolve())
    child.process.kill('SIGTERM')
  })
}

/** Polls `condition` until true: waits on what a child reports, never on a fixed sleep. */
async function until(condition: () => boolean, limitMs = 20_000): Promise<void> {
  const deadline = Date.now() + limitMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

const completedIds = (children: Child[]) =>
  children.flatMap((child) =>
    child.lines.filter((l) => l.startsWith('completed ')).map((l) => l.slice(10)),
  )

describe('loadBullMQ', () => {
  it('explains how to install bullmq when it is missing', async () => {
    const missing = Object.assign(new Error("Cannot find package 'bullmq'"), {
      code: 'ERR_MODULE_NOT_FOUND',
    })
    const error = await loadBullMQ({ importer: () => Promise.reject(missing) }).catch(
      (e: unknown) => e,
    )
    expect(error).toBeInstanceOf(MissingPeerError)
    expect((error as Error).message).toBe(
      '@mx/workers/bullmq needs the optional peer dependency "bullmq": install it with `npm install bullmq`',
    )
  })
})

describe('loadBullMQ and the options of the BullMQ path, before any Redis', () => {
  it('reports a missing CommonJS bullmq for the feature that needs it', async () => {
    const missing = Object.assign(new Error("Cannot find module 'bullmq'"), {
      code: 'MODULE_NOT_FOUND',
    })
    const error = await loadBullMQ({
      neededBy: '@mx/engine queue mode',
      importer: () => Promise.reject(missing),
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MissingPeerError)
    expect(error).toMatchObject({
      code: 'MX_WORKERS_MISSING_PEER',
      cause: missing,
      message:
        '@mx/engine queue mode needs the optional peer dependency "bullmq": install it with `npm install bullmq`',
    })
  })

  it('passes on an error of loading bullmq that is not a missing package', async () => {
    const broken = Object.assign(new SyntaxError('Unexpected token'), { code: 'E_SYNTAX' })
    const error = await loadBullMQ({ importer: () => Promise.reject(broken) }).catch(
      (e: unknown) => e,
    )
    expect(error).toBe(broken)
  })

  it('createQueue refuses options that are not an object', async () => {
    const error = await createQueue(null as never).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidOptionError)
    expect(error).toMatchObject({
      option: 'options',
      message: 'createQueue() needs an options object, got null',
    })
  })

  it('createQueueWorker refuses a process that is not a function', async () => {
    const error = await createQueueWorker({
      name: 'q',
      connection,
      process: 'run it' as never,
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(InvalidOptionError)
    expect(error).toMatchObject({
      option: 'process',
      message: 'process must be a function, got string',
    })
  })
})

describeRedis('@mx/workers/bullmq', () => {
  const redis = new Redis(redisUrl())
  // A queue under BullMQ's own key prefix ("bull"), named uniquely for this run.
  const unprefixed = `${prefix.replace(/:/g, '-')}-default-prefix`
  afterAll(async () => {
    const keys = [
      ...(await redis.keys(`${prefix}:*`)),
      ...(await redis.keys(`bull:${unprefixed}:*`)),
    ]
    if (keys.length > 0) await redis.del(...keys)
    await redis.quit()
  })

  it('runs a job through a queue worker feeding a local pool and returns its result', async () => {
    const name = 'in-process'
    const pool = fixturePool({ threads: 1 })
    const queueWorker = await createQueueWorker({ name, prefix, connection, pool })
    const queue = await createQueue<unknown, number>({ name, prefix, connection })
    try {
      expect(await queue.run(21)).toBe(42)
      const jobs = await queue.addBulk(['x', 'y'])
      expect(await Promise.all(jobs.map((job) => job.result()))).toEqual(['X', 'Y'])
    } finally {
      await queue.close()
      await queueWorker.close()
    }
    // Ordered shutdown: the pool was closed after the queue worker.
    await expect(pool.run(1)).rejects.toMatchObject({ code: 'MX_WORKERS_POOL_CLOSED' })
  })

  it('runs jobs through a process function in this process, its result the job result', async () => {
    const name = 'process-function'
    const seen: string[] = []
    const queueWorker = await createQueueWorker<{ word: string }>({
      name,
      prefix,
      connection,
      process: async (data, job) => {
        seen.push(String(job.id))
        return data.word.toUpperCase()
      },
    })
    const queue = await createQueue<{ word: string }, string>({ name, prefix, connection })
    try {
      const jobs = await queue.addBulk([{ word: 'a' }, { word: 'b' }])
      expect(await Promise.all(jobs.map((job) => job.result()))).toEqual(['A', 'B'])
      expect(seen.sort()).toEqual(jobs.map((job) => job.id).sort())
    } finally {
      await queue.close()
      await queueWorker.close()
    }
  })

  it('needs exactly one of pool and process', async () => {
    const pool = fixturePool({ threads: 1 })
    try {
      for (const options of [{}, { pool, process: async () => 1 }]) {
        await expect(
          createQueueWorker({ name: 'invalid', prefix, connection, ...options }),
        ).rejects.toMatchObject({ code: 'MX_INVALID_OPTION', option: 'pool' })
      }
    } finally {
      await pool.close()
    }
  })

  it("uses BullMQ's default key prefix when none is given, and closes a queue that never added a job", async () => {
    const unused = await createQueue({ name: unprefixed, connection })
    await unused.close()
    const queueWorker = await createQueueWorker<number>({
      name: unprefixed,
      connection,
      process: async (data) => data + 1,
    })
    const queue = await createQueue<number, number>({ name: unprefixed, connection })
    try {
      expect(await queue.run(1)).toBe(2)
      expect(await redis.keys(`bull:${unprefixed}:*`)).not.toEqual([])
    } finally {
      await queue.close()
      await queueWorker.close()
    }
  })

  it('adds a job with its own id, delay and priority', async () => {
    const name = 'add-options'
    const queueWorker = await createQueueWorker<string>({
      name,
      prefix,
      connection,
      process: async (data) => data.toUpperCase(),
    })
    const queue = await createQueue<string, string>({ name, prefix, connection })
    try {
      const delayed = await queue.add('late', { jobId: 'job-late', delay: 20, priority: 'low' })
      const urgent = await queue.add('now', { jobId: 'job-now', priority: 'high' })
      expect([delayed.id, urgent.id]).toEqual(['job-late', 'job-now'])
      expect(await Promise.all([delayed.result(), urgent.result()])).toEqual(['LATE', 'NOW'])
      const [late, now] = await Promise.all(
        ['job-late', 'job-now'].map((id) => queue.queue.getJob(id)),
      )
      expect(late?.opts).toMatchObject({ delay: 20, priority: 100 })
      expect(now?.opts.delay ?? 0).toBe(0)
      expect(now?.opts.priority ?? 0).toBe(0)
    } finally {
      await queue.close()
      await queueWorker.close()
    }
  })

  it("passes each job's affinity key to the pool, and fails a bad task module without retrying", async () => {
    const name = 'bad-module'
    const pool = createPool({
      task: new URL('./fixtures/not-a-task.mjs', import.meta.url),
      threads: 1,
      probe: false,
    })
    const keys: unknown[] = []
    const queueWorker = await createQueueWorker<{ doc: string }>({
      name,
      prefix,
      connection,
      pool,
      key: (data) => {
        keys.push(data.doc)
        return data.doc
      },
    })
    const queue = await createQueue({ name, prefix, connection, retries: { attempts: 3 } })
    try {
      const job = await queue.add({ doc: 'd-1' })
      await expect(job.result()).rejects.toThrow(
        /^MX_WORKERS_TASK_MODULE: task module .*not-a-task\.mjs/,
      )
      const stored = await queue.queue.getJob(job.id)
      expect(stored?.attemptsMade).toBe(1)
      expect(keys).toEqual(['d-1'])
    } finally {
      await queue.close()
      await queueWorker.close()
    }
  })

  it('hands errors of the BullMQ worker itself to onError', async () => {
    const errors: Error[] = []
    const queueWorker = await createQueueWorker({
      name: 'on-error',
      prefix,
      connection,
      process: async () => 1,
      onError: (error) => errors.push(error),
    })
    try {
      const lost = new Error('connection lost')
      queueWorker.worker.emit('error', lost)
      expect(errors).toEqual([lost])
    } finally {
      await queueWorker.close()
    }
  })

  it('retries a job whose task throws, with the attempts of the queue', async () => {
    const name = 'unrecoverable'
    const pool = fixturePool({ threads: 1 })
    const queueWorker = await createQueueWorker({ name, prefix, connection, pool })
    const queue = await createQueue({
      name,
      prefix,
      connection,
      retries: { attempts: 3, backoff: { delay: 10 } },
    })
    try {
      const job = await queue.add({ op: 'throw', id: 'x' })
      await expect(job.result()).rejects.toThrow('bad item x')
      const stored = await queue.queue.getJob(job.id)
      expect(stored?.attemptsMade).toBe(3)
    } finally {
      await queue.close()
      await queueWorker.close()
    }
  })

  it('cancels a running job, stopping its pool task', async () => {
    const name = 'cancel'
    const pool = fixturePool({ threads: 1 })
    const queueWorker = await createQueueWorker({ name, prefix, connection, pool })
    const queue = await createQueue({ name, prefix, connection, retries: { attempts: 1 } })
    try {
      const active = new Promise<string>((resolve) =>
        queueWorker.worker.once('active', (job) => resolve(job.id as string)),
      )
      const job = await queue.add({ op: 'hang' })
      const id = await active
      await until(() => pool.stats().running === 1)
      expect(queueWorker.cancel(id)).toBe(true)
      await expect(job.result()).rejects.toThrow()
      expect(await pool.run(2)).toBe(4)
    } finally {
      await queue.close()
      await queueWorker.close()
    }
  })

  it('spreads jobs over two queue-worker processes, each job done exactly once', async () => {
    const name = 'two-workers'
    const children = [startWorker(name), startWorker(name)]
    const queue = await createQueue<unknown, { value: number; pid: number }>({
      name,
      prefix,
      connection,
    })
    try {
      await Promise.all(children.map((child) => child.ready))
      const jobs = await queue.addBulk(
        Array.from({ length: 40 }, (_, i) => ({ op: 'job', value: i, ms: 10 })),
      )
      const results = await Promise.all(jobs.map((job) => job.result(30_000)))
      expect(results.map((r) => r.value)).toEqual(Array.from({ length: 40 }, (_, i) => i * 10))
      const pids = new Set(results.map((r) => r.pid))
      expect(pids).toEqual(new Set(children.map((child) => child.process.pid)))
      // Each child prints a line per completed job; wait for the lines to arrive, then count.
      await until(() => completedIds(children).length >= 40)
      const done = completedIds(children)
      expect(done).toHaveLength(40)
      expect(new Set(done)).toEqual(new Set(jobs.map((job) => job.id)))
    } finally {
      await queue.close()
      await Promise.all(children.map(stop))
    }
  }, 30_000)

  it('loses no job when a queue-worker process is killed mid-run', async () => {
    const name = 'kill-one'
    const [victim, survivor] = [startWorker(name), startWorker(name)] as [Child, Child]
    const queue = await createQueue<unknown, { value: number; pid: number }>({
      name,
      prefix,
      connection,
    })
    try {
      await Promise.all([victim.ready, survivor.ready])
      const jobs = await queue.addBulk(
        Array.from({ length: 30 }, (_, i) => ({ op: 'job', value: i, ms: 60 })),
      )
      // Kill the victim while it holds jobs: once it has started a few.
      await new Promise<void>((resolve) => {
        const check = setInterval(() => {
          if (victim.lines.filter((l) => l.startsWith('active ')).length >= 3) {
            clearInterval(check)
            resolve()
          }
        }, 5)
      })
      victim.process.kill('SIGKILL')
      const results = await Promise.all(jobs.map((job) => job.result(30_000)))
      expect(results.map((r) => r.value)).toEqual(Array.from({ length: 30 }, (_, i) => i * 10))
      const states = await Promise.all(jobs.map((job) => queue.queue.getJobState(job.id)))
      expect(new Set(states)).toEqual(new Set(['completed']))
      // The survivor finished what the victim held when it died.
      const byVictim = results.filter((r) => r.pid === victim.process.pid).length
      expect(results.filter((r) => r.pid === survivor.process.pid).length).toBe(30 - byVictim)
      expect(byVictim).toBeLessThan(30)
    } finally {
      await queue.close()
      await Promise.all([victim, survivor].map(stop))
    }
  }, 30_000)
})
