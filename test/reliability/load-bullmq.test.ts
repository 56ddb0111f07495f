import { type ChildProcess, fork } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describeRedis, keyPrefix, redisUrl, tempDir } from '@mx/testkit'
import { createQueue } from '@mx/workers/bullmq'
import { afterAll, expect, it } from 'vitest'
import { long, mb, reportFigures } from './helpers/figures'
import { deletePrefix, rawRedis } from './helpers/redis-keys'

// The long variant is the 1 M-job backlog; CI drains a smaller one in about a minute.
const JOBS = long ? 1_000_000 : 30_000
const WORKERS = 2
const script = new URL('./fixtures/bullmq-worker.mjs', import.meta.url)

function connection() {
  const url = new URL(redisUrl())
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    maxRetriesPerRequest: null,
  }
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
    `${JOBS} queued jobs are all completed, none lost, by ${WORKERS} processes`,
    async () => {
      const name = 'drain'
      const queue = await createQueue<number, number>({
        name,
        connection: connection(),
        prefix,
        jobOptions: { removeOnComplete: true, removeOnFail: false },
      })
      const fillStarted = performance.now()
      for (let start = 0; start < JOBS; start += 5_000) {
        const inputs = Array.from({ length: Math.min(5_000, JOBS - start) }, (_, i) => start + i)
        await queue.queue.addBulk(
          inputs.map((data) => ({ name: 'task', data, opts: { removeOnComplete: true } })),
        )
      }
      const fillMs = performance.now() - fillStarted
      const backlog = await queue.queue.getJobCounts('wait', 'prioritized', 'delayed', 'active')
      expect(Object.values(backlog).reduce((a, b) => a + b, 0)).toBe(JOBS)

      const outputs = Array.from({ length: WORKERS }, (_, i) => join(dir.path, `seen-${i}.bin`))
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
                N: String(JOBS),
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
      const seen = new Uint8Array(JOBS)
      for (const out of outputs) {
        const bytes = readFileSync(out)
        for (let i = 0; i < JOBS; i++) seen[i] = (seen[i] ?? 0) + (bytes[i] ?? 0)
      }
      let lost = 0
      let duplicates = 0
      for (const count of seen) {
        if (count === 0) lost++
        else duplicates += count - 1
      }
      const failed = (await queue.queue.getJobCounts('failed')).failed
      await queue.queue.obliterate({ force: true })
      await queue.close()
      reportFigures('load-bullmq-drain', {
        jobs: JOBS,
        workerProcesses: WORKERS,
        completedPerProcess: perWorker,
        lost,
        failed,
        duplicates,
        fillSeconds: Math.round(fillMs / 100) / 10,
        drainSeconds: Math.round(drainMs / 100) / 10,
        jobsPerSecond: Math.round(JOBS / (drainMs / 1000)),
        redisPeakMB,
      })
      expect(lost).toBe(0)
      // no process is killed here, so no lock expires: every job ran exactly once
      expect(duplicates).toBe(0)
      expect(failed).toBe(0)
      expect(perWorker.every((n) => n > 0)).toBe(true)
    },
    long ? 3_600_000 : 600_000,
  )
})
