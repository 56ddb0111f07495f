import { crc32 } from 'node:zlib'
import { type Cache, createCache, redisTier } from '@mx/cache'
import { describeRedis, keyPrefix, redisUrl } from '@mx/testkit'
import type { Redis } from 'ioredis'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { reportFigures } from './helpers/figures'
import { deletePrefix, rawRedis } from './helpers/redis-keys'

const prefix = keyPrefix(import.meta.url)
const open: Cache[] = []
const make = (options: Parameters<typeof createCache>[0] & { tierPrefix?: string }) => {
  const { tierPrefix = prefix, ...rest } = options
  const cache = createCache({
    ...rest,
    tiers: [redisTier({ url: redisUrl(), prefix: tierPrefix })],
  })
  open.push(cache)
  return cache
}

// Record layout of shared tiers (packages/cache/src/tiers/record.ts):
// crc32 u32 | expiresAt f64 | staleUntil f64 | keyLength u32 | key | tagsLength u32 | tags | value
interface Record {
  expiresAt: number
  staleUntil: number
  key: string
  tags: Buffer
  value: Buffer
}
function parse(bytes: Buffer): Record {
  const keyLength = bytes.readUInt32BE(20)
  const key = bytes.subarray(24, 24 + keyLength).toString('utf8')
  const tagsLength = bytes.readUInt32BE(24 + keyLength)
  const tagsAt = 28 + keyLength
  return {
    expiresAt: bytes.readDoubleBE(4),
    staleUntil: bytes.readDoubleBE(12),
    key,
    tags: bytes.subarray(tagsAt, tagsAt + tagsLength),
    value: Buffer.from(bytes.subarray(tagsAt + tagsLength)),
  }
}
/** Re-encodes a record with a valid CRC: what an attacker with Redis write access can do. */
function build(record: Record): Buffer {
  const key = Buffer.from(record.key, 'utf8')
  const out = Buffer.alloc(28 + key.length + record.tags.length + record.value.length)
  out.writeDoubleBE(record.expiresAt, 4)
  out.writeDoubleBE(record.staleUntil, 12)
  out.writeUInt32BE(key.length, 20)
  key.copy(out, 24)
  out.writeUInt32BE(record.tags.length, 24 + key.length)
  record.tags.copy(out, 28 + key.length)
  record.value.copy(out, 28 + key.length + record.tags.length)
  out.writeUInt32BE(crc32(out.subarray(4)), 0)
  return out
}

describeRedis('Redis security: namespaces isolated, signed entries reject tampering', () => {
  let redis: Redis
  beforeAll(() => {
    redis = rawRedis(redisUrl())
  })
  afterAll(async () => {
    for (const cache of open) await cache.close()
    await deletePrefix(redis, prefix)
    redis.disconnect()
  })

  it('two namespaces on one Redis never see, invalidate or clear each other’s entries', async () => {
    const a = make({ namespace: 'tenant_a' })
    const b = make({ namespace: 'tenant_b' })
    const root = make({})
    await a.set('k', 'secret of a', { tags: ['shared'] })
    await b.set('k', 'secret of b', { tags: ['shared'] })
    await b.set('other', 'b2')
    expect(await a.get('k')).toBe('secret of a')
    expect(await b.get('k')).toBe('secret of b')
    // The root namespace cannot reach a named one by putting the separator in its key.
    expect(await root.get('\u0000tenant_b\u0000k')).toBeUndefined()
    expect(await root.get('tenant_b:k')).toBeUndefined()
    await root.set('\u0000tenant_b\u0000k', 'forged by root')
    expect(await make({ namespace: 'tenant_b' }).get('k')).toBe('secret of b')
    // Invalidations and clear() in one namespace leave the other intact.
    await a.invalidate({ tags: ['shared'] })
    await a.invalidate({ pattern: '*' })
    await root.invalidate({ pattern: '*' })
    await a.clear()
    // B's entries are still in Redis (checked directly), and B still reads them.
    const bKeys = await redis.keys(`${prefix}e:*tenant_b*`)
    expect(bKeys.length).toBe(3)
    const fresh = make({ namespace: 'tenant_b' })
    expect(await fresh.get('k')).toBe('secret of b')
    expect(await fresh.get('other')).toBe('b2')
    expect(await make({ namespace: 'tenant_a' }).get('k')).toBeUndefined()
  })

  it('two applications with different key prefixes on one Redis are isolated', async () => {
    const app1 = make({ tierPrefix: `${prefix}app1:` })
    const app2 = make({ tierPrefix: `${prefix}app2:` })
    await app1.set('k', 1)
    await app2.set('k', 2)
    await app1.clear()
    expect(await app2.get('k')).toBe(2)
    expect(await app1.get('k')).toBeUndefined()
  })

  it('a signed entry tampered with directly in Redis is never served, and is deleted', async () => {
    const secret = 'reliability-secret'
    const writer = make({ namespace: 'signed', sign: { secret } })
    const value = { role: 'user', quota: 10 }
    const redisKey = async (key: string) => {
      const keys = await redis.keys(`${prefix}e:*signed*${key}`)
      expect(keys).toHaveLength(1)
      return keys[0] as string
    }
    const attacks: Array<[string, (record: Record) => Record | Buffer]> = [
      [
        'flip a payload byte (CRC recomputed)',
        (r) => {
          const v = Buffer.from(r.value)
          v[4] = (v[4] ?? 0) ^ 0xff
          return { ...r, value: v }
        },
      ],
      [
        'extend the expiry (CRC recomputed)',
        (r) => ({ ...r, expiresAt: r.expiresAt + 3.6e6, staleUntil: r.staleUntil + 3.6e6 }),
      ],
      ['truncate the signature', (r) => ({ ...r, value: r.value.subarray(0, r.value.length - 8) })],
      [
        'strip the signature and the signed flag',
        (r) => {
          const v = Buffer.from(r.value.subarray(0, r.value.length - 32))
          v[1] = 0
          return { ...r, value: v }
        },
      ],
    ]
    const rejected: string[] = []
    /** A reader with the secret is served nothing, counts the entry corrupt and deletes it. */
    const expectRejected = async (name: string, key: string) => {
      const reader = make({ namespace: 'signed', sign: { secret } })
      expect(await reader.get('profile'), name).toBeUndefined()
      expect(reader.stats().tiers[0]?.corrupt, name).toBeGreaterThanOrEqual(1)
      expect(await redis.exists(key), `${name}: deleted`).toBe(0)
      rejected.push(name)
    }
    for (const [name, attack] of attacks) {
      await writer.set('profile', value)
      const key = await redisKey('profile')
      const stored = (await redis.getBuffer(key)) as Buffer
      const tampered = attack(parse(stored))
      await redis.set(key, Buffer.isBuffer(tampered) ? tampered : build(tampered), 'KEEPTTL')
      await expectRejected(name, key)
    }

    // An entry moved from another key, or written by someone without the secret, is refused too.
    await writer.set('admin', { role: 'admin' })
    const adminRecord = parse((await redis.getBuffer(await redisKey('admin'))) as Buffer)
    await writer.set('profile', value)
    const profileKey = await redisKey('profile')
    await redis.set(
      profileKey,
      build({ ...adminRecord, key: parse((await redis.getBuffer(profileKey)) as Buffer).key }),
      'KEEPTTL',
    )
    await expectRejected('value moved from another key', profileKey)

    await make({ namespace: 'signed', sign: { secret: 'attacker' } }).set('profile', {
      role: 'admin',
    })
    await expectRejected('signed with another secret', await redisKey('profile'))
    await make({ namespace: 'signed' }).set('profile', { role: 'admin' })
    await expectRejected('written unsigned', await redisKey('profile'))

    // The untouched path still works: a genuine entry is served.
    await writer.set('profile', value)
    expect(await make({ namespace: 'signed', sign: { secret } }).get('profile')).toEqual(value)
    reportFigures('security-hmac', { attacks: rejected.length, served: 0, rejected })
  })
})
