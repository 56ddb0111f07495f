import { type ChildProcess, fork } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describeRedis, keyPrefix, redisUrl, tempDir } from '@mx/testkit'
import { createQueue, type DistributedQueue } from '@mx/workers/bullmq'
import { afterAll, expect, it } from 'vitest'
import { exactTally, expectExact, listedIds } from './helpers/exact'
import { long, mb, reportFigures } from './helpers/figures'
import { deletePrefix, rawRedis } from './helpers/redis-keys'

// The long variant is the 1 M-job backlog; CI drains a smaller one in about a minute.
const JOBS = long ? 1_000_000 : 30_000
const WORKERS = 2
const script = new URL('./fixtures/bullmq-recording-worker.mjs', import.meta.url)

function connection() {
  const url = new URL(redisUrl())
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    maxRetriesPerRequest: null,
  }
}

/** Queues `JOBS` jobs, job i carrying input i; returns their ids as BullMQ gave them back. */
async function fill(queue: DistributedQueue<number, number>): Promise<string[]> {
  const jobIds: string[] = []
  for (let start = 0; start < JOBS; start += 5_000) {
    const inputs = Array.from({ length: Math.min(5_000, JOBS - start) }, (_, i) => start + i)
    const jobs = await queue.queue.addBulk(
      inputs.map((data) => ({ name: 'task', data, opts: { removeOnComplete: true } })),
    )
    for (const job of jobs) jobIds.push(job.id as string)
  }
  return jobIds
}

/**
 * Every completion the worker processes recorded, checked against what was submitted: each job
 * id exactly once, no other id, with the input it was given and the echo task's result (that
 * input). `recorded`: completions per process.
 */
function checkCompletions(outputs: string[], jobIds: string[]) {
  const tally = exactTally(listedIds(jobIds))
  const recorded: number[] = []
  for (const out of outputs) {
    const completions = JSON.parse(readFileSync(out, 'utf8')) as [string, unknown, unknown][]
    for (const [id, input, result] of completions) tally.record(id, { input, result })
    recorded.push(completions.length)
  }
  for (const [input, id] of jobIds.entries()) tally.compare(id, { input, result: input })
  return { exact: tally.outcome(), recorded }
}

describeRedis('load: a BullMQ backlog drained by two worker processes', () => {
  const prefix = keyPrefix(import.meta.url).replace(/:$/, '')
  const dir = tempDir('mx-rel-bullmq-')
  const children: ChildProcess[] = []
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL')
    const redis = rawRedis(redisUrl())
    await deletePrefix(redis, prefix)
    redis.disconnect()
    dir.remove()
  })

  it(
    `${JOBS} queued jobs are each completed exactly once, with their own input and result, by ${WORKERS} processes`,
    async () => {
      const name = 'drain'
      const queue = await createQueue<number, number>({
        name,
        connection: connection(),
        prefix,
        jobOptions: { removeOnComplete: true, removeOnFail: false },
      })
      const fillStarted = performance.now()
      const jobIds = await fill(queue)
      const fillMs = performance.now() - fillStarted
      const backlog = await queue.queue.getJobCounts('wait', 'prioritized', 'delayed', 'active')
      expect(Object.values(backlog).reduce((a, b) => a + b, 0)).toBe(JOBS)

      const outputs = Array.from({ length: WORKERS }, (_, i) => join(dir.path, `seen-${i}.json`))
      const drainStarted = performance.now()
      const ready = outputs.map(
        (out) =>
          new Promise<void>((resolve, reject) => {
            const child = fork(script, [], {
              env: {
                ...process.env,
                REDIS_URL: redisUrl(),
                PREFIX: prefix,
                QUEUE: name,
                OUT: out,
                CONCURRENCY: '32',
              },
              stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
            })
            children.push(child)
            child.once('message', () => resolve())
            child.once('exit', (code) => reject(new Error(`worker process exited early (${code})`)))
          }),
      )
      await Promise.all(ready)

      let redisPeakMB = 0
      const redis = rawRedis(redisUrl())
      for (;;) {
        const counts = await queue.queue.getJobCounts(
          'wait',
          'prioritized',
          'delayed',
          'active',
          'failed',
        )
        const memory = /used_memory:(\d+)/.exec(await redis.info('memory'))
        redisPeakMB = Math.max(redisPeakMB, mb(Number(memory?.[1] ?? 0)))
        expect(counts.failed).toBe(0)
        if (Object.entries(counts).every(([state, n]) => state === 'failed' || n === 0)) break
        await new Promise((r) => setTimeout(r, 500))
      }
      const drainMs = performance.now() - drainStarted
      redis.disconnect()

      const perWorker = await Promise.all(
        children.map(
          (child) =>
            new Promise<number>((resolve) => {
              child.on('message', (m: { completed?: number }) => {
                if (m.completed !== undefined) resolve(m.completed)
              })
              child.send('stop')
            }),
        ),
      )
      const { exact, recorded } = checkCompletions(outputs, jobIds)
      const failed = (await queue.queue.getJobCounts('failed')).failed
      await queue.queue.obliterate({ force: true })
      await queue.close()
      reportFigures('load-bullmq-drain', {
        jobs: JOBS,
        workerProcesses: WORKERS,
        completedPerProcess: perWorker,
        lost: exact.lost,
        failed,
        duplicates: exact.duplicates,
        extra: exact.extra,
        mismatched: exact.mismatched,
        fillSeconds: Math.round(fillMs / 100) / 10,
        drainSeconds: Math.round(drainMs / 100) / 10,
        jobsPerSecond: Math.round(JOBS / (drainMs / 1000)),
        redisPeakMB,
      })
      // no process is killed here, so no lock expires: every job ran exactly once
      expectExact(exact, 'completed jobs against the submitted ones')
      expect(recorded).toEqual(perWorker)
      expect(failed).toBe(0)
      expect(perWorker.every((n) => n > 0)).toBe(true)
    },
    long ? 3_600_000 : 600_000,
  )
})
