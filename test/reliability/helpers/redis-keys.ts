import { Redis } from 'ioredis'

/** A raw ioredis client for the test itself (tampering, inspection, clean-up). */
export function rawRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: false })
}

/** Deletes every key starting with `prefix` (SCAN + UNLINK; never FLUSHALL). */
export async function deletePrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0'
  let count = 0
  const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000)
    cursor = next
    if (keys.length > 0) count += await redis.unlink(...keys)
  } while (cursor !== '0')
  return count
}
