import { describeRedis, keyPrefix, redisUrl } from '@mx/testkit'
import { Redis } from 'ioredis'
import { afterAll, expect, it } from 'vitest'
import { createCache, memoryTier, redisBus, redisTier } from '../src/index'
import { deleteKeys, exited, runFixture } from './helpers'

const prefix = keyPrefix(import.meta.url)
const url = redisUrl()

describeRedis('across processes', () => {
  afterAll(() => deleteKeys(prefix))

  it('runs the factory once for a cold key requested by 4 processes at once', async () => {
    const children = Array.from({ length: 4 }, () => runFixture('stampede.ts', [url, prefix]))
    await Promise.all(children.map((child) => child.next('ready')))
    for (const { child } of children) child.stdin?.write('go\n')
    const results = await Promise.all(children.map((child) => child.next('result ')))
    const redis = new Redis(url)
    expect(await redis.get(`${prefix}factory-runs`)).toBe('1')
    redis.disconnect()
    expect(new Set(results).size).toBe(1)
    await Promise.all(children.map(({ child }) => exited(child)))
  }, 30_000)

  it('drops another process memory-tier entry when this process invalidates it', async () => {
    const listener = runFixture('bus-listener.ts', [url, prefix])
    await listener.next('ready')
    const cache = createCache({
      namespace: 'bus',
      tiers: [memoryTier(), redisTier({ url, prefix })],
      bus: redisBus({ url, channel: `${prefix}bus` }),
    })
    await cache.ready()
    expect(await cache.get('k')).toBe('cached')
    await cache.invalidate({ keys: ['k'] })
    expect(await listener.next('gone')).toBe('gone')
    await exited(listener.child)
    await cache.close()
  }, 30_000)
})
