import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import { type BreakerOptions, CircuitBreaker } from '../breaker'
import { CorruptEntryError, InvalidOptionError, TierTimeoutError } from '../errors'
import { clientOptions, connectRedis, escapeRedisGlob, quit, toRedisGlob } from '../redis-client'
import type { Clock, Tier, TierEntry, TierEvent, TierLock } from '../types'
import { checkNumber, globToRegExp, systemClock, withTimeout } from '../util'
import { inScope } from './memory'
import { decodeRecord, encodeRecord } from './record'

export interface RedisTierOptions {
  /** Connection URL (ioredis is loaded lazily); or pass `client`. */
  url?: string
  /** An ioredis client you own (it is not closed by `close()`). */
  client?: Redis
  /** Prefix of every Redis key this tier writes. Default `mx:`. */
  prefix?: string
  /** Per-command time limit in ms; a slower call counts as a failure. Default 500. */
  timeout?: number
  breaker?: BreakerOptions
  clock?: Clock
  name?: string
}

const SET_TAGGED = `
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
local ttl = tonumber(ARGV[2])
for i = 2, #KEYS do
  redis.call('SADD', KEYS[i], KEYS[1])
  local left = redis.call('PTTL', KEYS[i])
  if left < ttl then redis.call('PEXPIRE', KEYS[i], ttl) end
end
return 1`

// A tag set may list a key whose entry was since rewritten without that tag, so each member's
// record (see record.ts: crc | expiresAt | staleUntil | keyLength | key | tagsLength | tags JSON)
// is checked for the JSON-encoded tag (ARGV[i]) between array delimiters before it is deleted.
const DELETE_TAGGED = `
local function carries(record, needle)
  if #record < 28 then return true end
  local keyLength = struct.unpack('>I4', record, 21)
  local tagsAt = 25 + keyLength
  if #record < tagsAt + 3 then return true end
  local tags = string.sub(record, tagsAt + 4, tagsAt + 3 + struct.unpack('>I4', record, tagsAt))
  local from = 1
  while true do
    local first, last = string.find(tags, needle, from, true)
    if not first then return false end
    local before = string.sub(tags, first - 1, first - 1)
    local after = string.sub(tags, last + 1, last + 1)
    if (before == '[' or before == ',') and (after == ',' or after == ']') then return true end
    from = first + 1
  end
end
local n = 0
for i = 1, #KEYS do
  local members = redis.call('SMEMBERS', KEYS[i])
  for _, member in ipairs(members) do
    local record = redis.call('GET', member)
    if record and carries(record, ARGV[i]) then n = n + redis.call('UNLINK', member) end
  end
  redis.call('UNLINK', KEYS[i])
end
return n`

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`

/**
 * Redis tier on ioredis (an optional peer, loaded on first use, or your own client). Every
 * command has a time limit and goes through a circuit breaker, so a down or slow Redis makes
 * calls fail fast (the cache then treats them as misses) instead of hanging. Also provides the
 * distributed lock `getOrSet` uses for one factory run per key across processes.
 */
export function redisTier(options: RedisTierOptions): Tier {
  if (options?.url === undefined && options?.client === undefined) {
    throw new InvalidOptionError('url', 'redisTier needs a url or a client')
  }
  if (options.url !== undefined && typeof options.url !== 'string') {
    throw new InvalidOptionError('url', 'url must be a string')
  }
  checkNumber('timeout', options.timeout, { exclusiveMin: true })
  checkNumber('breaker.failures', options.breaker?.failures, { min: 1, integer: true })
  checkNumber('breaker.resetAfter', options.breaker?.resetAfter)
  const name = options.name ?? 'redis'
  const prefix = options.prefix ?? 'mx:'
  const timeout = options.timeout ?? 500
  const clock = options.clock ?? systemClock
  const entryKey = (key: string) => `${prefix}e:${key}`
  const tagKey = (tag: string) => `${prefix}t:${tag}`
  const listeners = new Set<(event: TierEvent) => void>()
  const breaker = new CircuitBreaker(name, options.breaker ?? {}, systemClock, (state) => {
    for (const listener of listeners) listener({ type: 'circuit', state })
  })
  const owned = options.client === undefined
  let connecting: Promise<Redis> | undefined = options.client
    ? Promise.resolve(options.client)
    : undefined
  let ready: Redis | undefined = options.client
  const client = () => {
    connecting ??= connectRedis(options.url as string, 'redisTier', clientOptions(timeout)).then(
      (redis) => {
        redis.on('error', () => {})
        ready = redis
        return redis
      },
    )
    return connecting
  }
  // Clients we create enforce `timeout` themselves (ioredis `commandTimeout`, also for queued
  // commands); an injected client gets a timer per call.
  const call = <T>(operation: string, run: (redis: Redis) => Promise<T>): Promise<T> =>
    breaker.run(() =>
      owned
        ? ready
          ? run(ready)
          : client().then(run)
        : withTimeout(
            client().then(run),
            timeout,
            () => new TierTimeoutError(name, operation, timeout),
          ),
    )

  const scanDelete = (pattern: string, test: (key: string) => boolean) =>
    breaker.run(async () => {
      const redis = await client()
      let cursor = '0'
      let count = 0
      do {
        const [next, keys] = await withTimeout(
          redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000),
          timeout,
          () => new TierTimeoutError(name, 'scan', timeout),
        )
        cursor = next
        const doomed = keys.filter(test)
        if (doomed.length > 0) count += await redis.unlink(...doomed)
      } while (cursor !== '0')
      return count
    })

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
      const ttl = Math.ceil(entry.staleUntil - clock.now())
      if (ttl <= 0) {
        await call('delete', (redis) => redis.del(entryKey(key)))
        return
      }
      const record = encodeRecord(key, entry)
      await call('set', (redis) =>
        entry.tags.length === 0
          ? redis.set(entryKey(key), record, 'PX', ttl)
          : redis.eval(
              SET_TAGGED,
              1 + entry.tags.length,
              entryKey(key),
              ...entry.tags.map(tagKey),
              record,
              ttl,
            ),
      )
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
    async lock(key, ttlMs): Promise<TierLock | undefined> {
      const lockKey = `${prefix}l:${key}`
      const token = randomUUID()
      const acquired = await call('lock', (redis) => redis.set(lockKey, token, 'PX', ttlMs, 'NX'))
      if (acquired !== 'OK') return undefined
      return {
        release: async () => {
          await call('unlock', (redis) => redis.eval(RELEASE, 1, lockKey, token))
        },
      }
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    async close() {
      listeners.clear()
      if (!owned || !connecting) return
      const redis = await connecting.catch(() => undefined)
      if (redis) await quit(redis)
    },
  }
}
