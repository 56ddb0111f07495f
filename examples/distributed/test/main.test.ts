import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describeRedis, keyPrefix, redisUrl, tempDir } from '@mx/testkit'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, expect, it } from 'vitest'

const main = fileURLToPath(new URL('../src/main.mjs', import.meta.url))
const prefix = keyPrefix(import.meta.url).replace(/:$/, '')
const COUNT = 40

interface Summary {
  documents: number
  ok: number
  failed: number
  fromCache: number
  elementsExtracted: number
  latency: { p50Ms?: number; p99Ms?: number; documents: number }
  ids: string[]
  workers: Array<{ pid: number; documents: number; fromCache: number; crashed?: boolean }>
}

async function run(dir: string, ...flags: string[]): Promise<Summary> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [main, dir, '--json', '--prefix', prefix, '--queue', 'docs', '--redis', redisUrl(), ...flags],
    { encoding: 'utf8' },
  )
  return JSON.parse(stdout) as Summary
}

describeRedis('distributed example (producer + 2 worker processes on BullMQ)', () => {
  const corpus = tempDir('mx-distributed-')
  const client = new Redis(redisUrl())
  const ids = Array.from({ length: COUNT }, (_, i) => `doc-${String(i).padStart(2, '0')}.md`)

  beforeAll(() => {
    for (const [i, id] of ids.entries()) {
      const body = `# Document ${i}\n\nParagraph ${i} with [a link](https://example.com/${i}).\n\n- one\n- two ${i}\n`
      writeFileSync(join(corpus.path, id), body)
    }
  })

  afterAll(async () => {
    const keys = await client.keysBuffer(`${prefix}*`)
    if (keys.length > 0) await client.del(...keys)
    client.disconnect()
    corpus.remove()
  })

  it('returns every document exactly once, from both workers, then from the shared cache', async () => {
    const cold = await run(corpus.path)
    expect([...cold.ids].sort()).toEqual(ids)
    expect(cold).toMatchObject({ documents: COUNT, ok: COUNT, failed: 0, fromCache: 0 })
    expect(cold.elementsExtracted).toBe(COUNT * 3)
    // the fleet latency comes from both workers' histogram buckets, summed
    expect(cold.latency.documents).toBe(COUNT)
    expect(cold.latency.p50Ms).toBeGreaterThan(0)
    expect(cold.latency.p99Ms).toBeGreaterThanOrEqual(cold.latency.p50Ms as number)
    expect(cold.workers).toHaveLength(2)
    for (const worker of cold.workers) expect(worker.documents).toBeGreaterThan(0)
    expect(cold.workers.reduce((sum, w) => sum + w.documents, 0)).toBe(COUNT)
    expect(new Set(cold.workers.map((w) => w.pid)).size).toBe(2)

    // New worker processes, empty memory tiers: every document comes from the Redis tier.
    const warm = await run(corpus.path)
    expect([...warm.ids].sort()).toEqual(ids)
    expect(warm).toMatchObject({
      documents: COUNT,
      ok: COUNT,
      fromCache: COUNT,
      elementsExtracted: 0,
    })
    expect(warm.workers.reduce((sum, w) => sum + w.fromCache, 0)).toBe(COUNT)
  })

  it('loses nothing when a worker process dies in the middle of a job', async () => {
    const other = tempDir('mx-distributed-crash-')
    try {
      for (const [i, id] of ids.entries()) writeFileSync(join(other.path, id), `# Crash ${i}\n`)
      const summary = await run(other.path, '--crash-worker', '3', '--queue', 'crash')
      expect(summary.ids).toHaveLength(COUNT)
      expect([...summary.ids].sort()).toEqual(ids)
      expect(summary).toMatchObject({ documents: COUNT, ok: COUNT, failed: 0 })
      expect(summary.workers[0]?.crashed).toBe(true)
      // The survivor did everything but the (at most 2) jobs the dead worker had finished.
      expect(summary.workers[1]?.documents).toBeGreaterThanOrEqual(COUNT - 2)
    } finally {
      other.remove()
    }
  })
})
