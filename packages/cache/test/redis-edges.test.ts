import { crc32 } from 'node:zlib'
import { describeRedis, expectInvalidOption, keyPrefix, redisUrl, thrown } from '@mx/testkit'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { createCache, InvalidOptionError, redisTier } from '../src/index'
import { manualClock } from '../src/test-suite'
import { encodeRecord } from '../src/tiers/record'
import { deleteKeys } from './helpers'

const prefix = keyPrefix(import.meta.url)
const url = redisUrl()

describe('redisTier options', () => {
  it('refuses a url that is not a string', () => {
    expectInvalidOption(
      thrown(() => redisTier({ url: 42 as unknown as string })),
      InvalidOptionError,
      'url',
      'url must be a string',
    )
  })
})

describeRedis('redisTier edge cases against the real Redis', () => {
  afterAll(() => deleteKeys(prefix))

  it('treats a damaged record as a corrupt miss and deletes it', async () => {
    const scope = `${prefix}damaged:`
    const cache = createCache({ tiers: [redisTier({ url, prefix: scope })] })
    const redis = new Redis(url)
    try {
      await redis.set(`${scope}e:k`, Buffer.from('not a record at all, just bytes'))
      const errors: string[] = []
      cache.on('error', ({ error, operation }) =>
        errors.push(`${operation}:${(error as Error).name}`),
      )
      expect(await cache.get('k')).toBeUndefined()
      expect(cache.stats().tiers[0]).toMatchObject({ corrupt: 1, errors: 1 })
      expect(errors).toEqual(['get:CorruptEntryError'])
      expect(await redis.exists(`${scope}e:k`)).toBe(0)
    } finally {
      redis.disconnect()
      await cache.close()
    }
  })

  it('deletes the key when asked to store an entry already past its grace', async () => {
    const clock = manualClock()
    const tier = redisTier({ url, prefix: `${prefix}expired:`, clock })
    const redis = new Redis(url)
    try {
      const live = { value: Buffer.from('v'), expiresAt: clock.now() + 60_000, tags: [] }
      await tier.set('k', { ...live, staleUntil: live.expiresAt })
      expect(await redis.exists(`${prefix}expired:e:k`)).toBe(1)
      await tier.set('k', { ...live, expiresAt: clock.now() - 2, staleUntil: clock.now() - 1 })
      expect(await redis.exists(`${prefix}expired:e:k`)).toBe(0)
      expect(await tier.get('k')).toBeUndefined()
    } finally {
      redis.disconnect()
      await tier.close()
    }
  })

  it('answers 0 to deleting no keys and no tags', async () => {
    const tier = redisTier({ url, prefix: `${prefix}empty:` })
    try {
      expect(await tier.delete([])).toBe(0)
      expect(await tier.deleteTags([])).toBe(0)
    } finally {
      await tier.close()
    }
  })

  it('a record with a valid checksum but unreadable tags is a corrupt entry, deleted', async () => {
    const scope = `${prefix}tags:`
    const cache = createCache({ tiers: [redisTier({ url, prefix: scope })] })
    const redis = new Redis(url)
    try {
      const record = encodeRecord('k', {
        value: Buffer.from('v'),
        expiresAt: Date.now() + 60_000,
        staleUntil: Date.now() + 60_000,
        tags: ['tag'],
      })
      // The tags' JSON starts after the header (24 bytes), the key and its length (4): break it.
      record.write('{', 24 + 1 + 4, 'utf8')
      record.writeUInt32BE(crc32(record.subarray(4)), 0)
      await redis.set(`${scope}e:k`, record)
      expect(await cache.get('k')).toBeUndefined()
      expect(cache.stats().tiers[0]).toMatchObject({ corrupt: 1 })
      expect(await redis.exists(`${scope}e:k`)).toBe(0)
    } finally {
      redis.disconnect()
      await cache.close()
    }
  })
})
