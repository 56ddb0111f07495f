// A lock holder cut off past its lock's TTL (a partition, a long GC pause) must not overwrite
// what the next holder wrote: Redis issues a fencing token with each lock and refuses a write
// whose token a later holder has overtaken. Two caches over one Redis prefix stand for two
// processes; a third reads what stayed.
import { describeRedis, keyPrefix, redisUrl } from '@mx/testkit'
import { afterAll, expect, it } from 'vitest'
import { createCache, memoryTier, redisTier } from '../src/index'
import { deleteKeys } from './helpers'

const prefix = keyPrefix(import.meta.url)
const url = redisUrl()

describeRedis('fencing tokens on the distributed lock', () => {
  afterAll(() => deleteKeys(prefix))

  const instance = () =>
    createCache({
      tiers: [memoryTier(), redisTier({ url, prefix })],
      lock: { ttl: 200, wait: 5_000 },
    })

  it('refuses the late write of a holder whose lock expired and passed to another', async () => {
    const [a, b, reader] = [instance(), instance(), instance()]
    try {
      let releaseA = () => {}
      const aStarted = new Promise<void>((started) => {
        void a.getOrSet('report', async () => {
          started()
          // cut off past the lock's 200 ms: b takes the lock and writes meanwhile
          await new Promise<void>((resolve) => {
            releaseA = resolve
          })
          return 'computed from old data'
        })
      })
      await aStarted
      const fresh = await b.getOrSet('report', () => 'computed from new data')
      expect(fresh).toBe('computed from new data')
      releaseA()
      await new Promise((resolve) => setTimeout(resolve, 100))
      // a's value was refused in Redis, and a keeps no copy of it either
      expect(await reader.get('report')).toBe('computed from new data')
      expect(await a.get('report')).toBe('computed from new data')
      expect(a.stats().fenced).toBe(1)
      expect(b.stats().fenced).toBe(0)
    } finally {
      await Promise.all([a.close(), b.close(), reader.close()])
    }
  })

  it('lets each later holder write, and a plain set is never fenced', async () => {
    const [a, b] = [instance(), instance()]
    try {
      expect(await a.getOrSet('k', () => 1)).toBe(1)
      await a.invalidate({ keys: ['k'] })
      expect(await b.getOrSet('k', () => 2)).toBe(2)
      await b.set('k', 3)
      expect(await a.get('k')).toBe(3)
      expect(a.stats().fenced + b.stats().fenced).toBe(0)
    } finally {
      await Promise.all([a.close(), b.close()])
    }
  })
})
