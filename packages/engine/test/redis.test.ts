import { describeRedis, keyPrefix, redisUrl } from '@mx/testkit'
import { Redis } from 'ioredis'
import { afterAll, expect, it } from 'vitest'
import { createEngine } from '../src/index'
import { collect, docs, fixture } from './helpers'

const prefix = keyPrefix(import.meta.url)

describeRedis('redis option', () => {
  const client = new Redis(redisUrl())

  afterAll(async () => {
    const keys = await client.keys(`${prefix}*`)
    if (keys.length > 0) await client.del(...keys)
    client.disconnect()
  })

  it('adds a Redis tier that another engine (another process) is served from', async () => {
    const options = {
      extractor: fixture('words.mjs'),
      level: 'standard',
      redis: redisUrl(),
      redisPrefix: prefix,
    } as const
    {
      await using first = createEngine(options)
      expect(first.slots.cache?.stats?.().tiers?.map((t) => t.name)).toEqual(['memory', 'redis'])
      const cold = await collect(first.extractMany(docs(4)))
      expect(cold.every((r) => r.ok && r.stats.source === 'elements')).toBe(true)
    }
    expect((await client.keys(`${prefix}*`)).length).toBeGreaterThan(0)
    await using second = createEngine(options)
    const warm = await collect(second.extractMany(docs(4)))
    expect(warm.every((r) => r.ok && r.stats.source === 'document-cache')).toBe(true)
    const redisTier = second.report().cache?.tiers.find((t) => t.name === 'redis')
    expect(redisTier?.hits).toBe(4)
  })

  it('builds the Redis cache at level basic too, because the option asks for it', async () => {
    await using engine = createEngine({
      extractor: fixture('words.mjs'),
      level: 'basic',
      redis: redisUrl(),
      redisPrefix: `${prefix}b:`,
    })
    expect(engine.slots.cache).toBeDefined()
  })
})
