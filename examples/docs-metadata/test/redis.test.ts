import { join } from 'node:path'
import { describeRedis, keyPrefix, redisUrl, tempDir } from '@mx/testkit'
import Redis from 'ioredis'
import { afterAll, afterEach, beforeEach, expect, it } from 'vitest'
import { makeCorpus, readLines, runCli } from './cli-helpers'

const prefix = keyPrefix(import.meta.url)

describeRedis('mx-docs extract --redis (real Redis, own key prefix)', () => {
  let work: ReturnType<typeof tempDir>
  let docs: string
  const redis = new Redis(redisUrl(), { lazyConnect: true })

  beforeEach(() => {
    work = tempDir('mx-docs-redis-')
    docs = makeCorpus(work.path)
  })
  afterEach(() => work.remove())
  afterAll(async () => {
    // Only this file's keys: never FLUSHALL a shared server.
    // Keys hold raw hash bytes: scan and delete them as buffers, not strings.
    let cursor = '0'
    do {
      const [next, keys] = await redis.scanBuffer(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000)
      if (keys.length > 0) await redis.del(...keys)
      cursor = next.toString()
    } while (cursor !== '0')
    await redis.quit()
  })

  it('shares results through Redis: a run with an empty disk cache is served from the Redis tier', async () => {
    const args = (cacheDir: string) => [
      'extract',
      docs,
      '--out',
      'metadata.jsonl',
      '--report',
      'report.html',
      '--cache-dir',
      cacheDir,
      '--redis',
      redisUrl(),
      '--redis-prefix',
      prefix,
      '--json',
    ]
    const first = await runCli(args('machine-a'), work.path)
    expect(first.code).toBe(0)
    expect(JSON.parse(first.stdout).documents.fromCache).toBe(0)
    expect((await redis.keys(`${prefix}*`)).length).toBeGreaterThan(0)

    // Another "machine": its own empty disk cache, the same Redis.
    const second = await runCli(args('machine-b'), work.path)
    expect(second.code).toBe(0)
    const summary = JSON.parse(second.stdout)
    expect(summary.documents).toMatchObject({ ok: 4, fromCache: 4, extracted: 0 })
    expect(
      summary.cache.tiers.find((t: { name: string }) => t.name === 'redis').hits,
    ).toBeGreaterThanOrEqual(4)
    const { documents } = readLines(join(work.path, 'metadata.jsonl'))
    expect(documents.get('guide.md')?.metadata).toMatchObject({ title: 'Install guide', words: 63 })
  })
})
