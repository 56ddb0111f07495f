import { type BreakerOptions, CircuitBreaker } from '../breaker'
import { CorruptEntryError, InvalidOptionError } from '../errors'
import { checkKeys } from '../option-keys'
import { inScope } from '../pattern-invalidation'
import { escapeRedisGlob, requireIoredis, toRedisGlob } from '../redis-client'
import type { Clock, RedisClient, Tier, TierEntry, TierEvent, TierLock } from '../types'
import { checkNumber, globToRegExp, systemClock } from '../util'
import { decodeRecord, encodeRecord } from './record'
import { type RedisConnection, redisConnection } from './redis-connection'
import { DELETE_TAGGED, SET_TAGGED } from './redis-scripts'

export interface RedisTierOptions {
  /** Connection URL (ioredis is loaded lazily); or pass `client`. */
  url?: string
  /** An ioredis client you own (it is not closed by `close()`). */
  client?: RedisClient
  /** Prefix of every Redis key this tier writes. Default `mx:`. */
  prefix?: string
  /** Per-command time limit in ms; a slower call counts as a failure. Default 500. */
  timeout?: number
  breaker?: BreakerOptions
  clock?: Clock
  name?: string
}

function checkOptions(options: RedisTierOptions): void {
  checkKeys('redisTier', options)
  checkKeys('breaker', options?.breaker, 'redisTier()', 'breaker')
  if (options?.url === undefined && options?.client === undefined) {
    throw new InvalidOptionError('url', 'redisTier needs a url or a client')
  }
  if (options.url !== undefined && typeof options.url !== 'string') {
    throw new InvalidOptionError('url', 'url must be a string')
  }
  if (options.client === undefined) requireIoredis('redisTier()')
  checkNumber('timeout', options.timeout, { exclusiveMin: true })
  checkNumber('breaker.failures', options.breaker?.failures, { min: 1, integer: true })
  checkNumber('breaker.resetAfter', options.breaker?.resetAfter)
}

/**
 * Writes a record: a plain SET, or the SET_TAGGED script when it has tags (their sets) or a
 * fence (refused when a later lock holder overtook it). Resolves whether it was stored.
 */
async function storeRecord(
  call: RedisConnection['call'],
  keys: { entry: string; fence: string; tags: string[] },
  record: Buffer,
  ttl: number,
  fence: number | undefined,
): Promise<boolean> {
  if (keys.tags.length === 0 && fence === undefined) {
    await call('set', (redis) => redis.set(keys.entry, record, 'PX', ttl))
    return true
  }
  const written = await call('set', (redis) =>
    redis.eval(
      SET_TAGGED,
      2 + keys.tags.length,
      keys.entry,
      keys.fence,
      ...keys.tags,
      record,
      ttl,
      fence === undefined ? '' : String(fence),
    ),
  )
  return Number(written) === 1
}

/**
 * Redis tier on ioredis (an optional peer, loaded on first use, or your own client). Every
 * command has a time limit and goes through a circuit breaker, so a down or slow Redis makes
 * calls fail fast (the cache then treats them as misses) instead of hanging. Also provides the
 * distributed lock `getOrSet` uses for one factory run per key across processes.
 */
export function redisTier(
  options: RedisTierOptions,
): Tier & Required<Pick<Tier, 'deleteTags' | 'deleteMatching' | 'keys' | 'lock'>> {
  checkOptions(options)
  const name = options.name ?? 'redis'
  const prefix = options.prefix ?? 'mx:'
  const timeout = options.timeout ?? 500
  const clock = options.clock ?? systemClock
  const entryKey = (key: string) => `${prefix}e:${key}`
  const tagKey = (tag: string) => `${prefix}t:${tag}`
  // the key's fencing counter: never cleared with the entries, so tokens only ever grow
  const fenceKey = (key: string) => `${prefix}f:${key}`
  const listeners = new Set<(event: TierEvent) => void>()
  const breaker = new CircuitBreaker(name, options.breaker ?? {}, systemClock, (state) => {
    for (const listener of listeners) listener({ type: 'circuit', state })
  })
  const connection = redisConnection(options, name, timeout, breaker)
  const { call, scanDelete } = connection

  return {
    name,
    kind: 'shared',
    async get(key) {
      const stored = await call('get', (redis) => redis.getBuffer(entryKey(key)))
      if (stored === null) return undefined
      let entry: TierEntry<Uint8Array>
      try {
        entry = decodeRecord(name, key, stored)
      } catch (error) {
        if (error instanceof CorruptEntryError) {
          await call('delete', (redis) => redis.del(entryKey(key))).catch(() => {})
        }
        throw error
      }
      return entry.staleUntil <= clock.now() ? undefined : entry
    },
    async set(key, entry) {
      // Redis takes no infinite TTL: an entry kept forever (`ttl: Infinity`) gets the longest.
      const ttl = Math.ceil(Math.min(entry.staleUntil, Number.MAX_SAFE_INTEGER) - clock.now())
      if (ttl <= 0) {
        await call('delete', (redis) => redis.del(entryKey(key)))
        return
      }
      const stored = { entry: entryKey(key), fence: fenceKey(key), tags: entry.tags.map(tagKey) }
      return storeRecord(call, stored, encodeRecord(key, entry), ttl, entry.fence)
    },
    delete(keys) {
      if (keys.length === 0) return 0
      return call('delete', (redis) => redis.unlink(...keys.map(entryKey)))
    },
    async deleteTags(tags) {
      if (tags.length === 0) return 0
      const deleted = await call('deleteTags', (redis) =>
        redis.eval(
          DELETE_TAGGED,
          tags.length,
          ...tags.map(tagKey),
          ...tags.map((tag) => JSON.stringify(tag)),
        ),
      )
      return Number(deleted)
    },
    deleteMatching(keyPrefix, glob) {
      const base = entryKey('')
      const full = entryKey(keyPrefix)
      const pattern = globToRegExp(glob)
      return scanDelete(
        `${escapeRedisGlob(full)}${toRedisGlob(glob)}`,
        (key) =>
          key.startsWith(full) &&
          inScope(key.slice(base.length), keyPrefix) &&
          pattern.test(key.slice(full.length)),
      )
    },
    async clear(keyPrefix) {
      const entries = entryKey(keyPrefix)
      await scanDelete(`${escapeRedisGlob(entries)}*`, (key) => key.startsWith(entries))
      const tags = tagKey(keyPrefix)
      await scanDelete(`${escapeRedisGlob(tags)}*`, (key) => key.startsWith(tags))
    },
    async *keys(keyPrefix) {
      const base = entryKey('')
      const pattern = `${escapeRedisGlob(entryKey(keyPrefix))}*`
      let cursor = '0'
      do {
        const [next, keys] = await call('scan', (redis) =>
          redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000),
        )
        cursor = next
        for (const key of keys) yield key.slice(base.length)
      } while (cursor !== '0')
    },
    lock: (key, ttlMs): Promise<TierLock | undefined> =>
      connection.lock(`${prefix}l:${key}`, fenceKey(key), ttlMs),
    subscribe(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    async close() {
      listeners.clear()
      await connection.close()
    },
  }
}
