import { readdirSync } from 'node:fs'
import { describeRedis, keyPrefix, redisUrl, tempDir } from '@mx/testkit'
import { afterAll, describe, expect, it } from 'vitest'
import { type Cache, createCache, diskTier, memoryTier, redisTier } from '../src/index'
import { deleteKeys } from './helpers'

const hostile = [
  '../../../../tmp/mx-escaped',
  '/etc/passwd',
  'a\u0000b',
  '*',
  '[abc]?',
  'mx:e::other',
  '\r\nSET injected 1\r\n',
  '\u{1F4A5}\u202e',
  'x'.repeat(1024 * 1024),
]

async function roundTrip(root: Cache): Promise<void> {
  const one = root.namespace('one')
  const two = root.namespace('two')
  for (const [i, key] of hostile.entries()) {
    await one.set(key, { i })
    await two.set(key, { i: -i })
  }
  for (const [i, key] of hostile.entries()) {
    expect(await one.get(key)).toEqual({ i })
    expect(await two.get(key)).toEqual({ i: -i })
  }
  await root.set('root-key', 1)
  await root.invalidate({ pattern: '*' })
  expect(await root.get('root-key')).toBeUndefined()
  await one.invalidate({ pattern: '*' })
  for (const [i, key] of hostile.entries()) {
    expect(await one.get(key)).toBeUndefined()
    expect(await two.get(key)).toEqual({ i: -i })
  }
}

describe('hostile keys', () => {
  const dir = tempDir('mx-cache-hostile-')
  afterAll(() => dir.remove())

  it('are stored, isolated per namespace and invalidated literally in memory and on disk', async () => {
    const cache = createCache({
      tiers: [memoryTier({ maxEntries: 4 }), diskTier({ dir: dir.path })],
    })
    await roundTrip(cache)
    expect(readdirSync(dir.path).sort()).toEqual(['cache.mdb', 'cache.mdb-lock'])
    await cache.close()
  })
})

describeRedis('hostile keys in Redis', () => {
  const prefix = keyPrefix(import.meta.url)
  afterAll(() => deleteKeys(prefix))

  it('are stored, isolated per namespace and invalidated literally', async () => {
    const cache = createCache({ tiers: [redisTier({ url: redisUrl(), prefix })] })
    await roundTrip(cache)
    await cache.close()
  })
})
