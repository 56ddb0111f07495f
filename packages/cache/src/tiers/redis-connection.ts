import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import type { CircuitBreaker } from '../breaker'
import { TierTimeoutError } from '../errors'
import { asIoredis, clientOptions, connectRedis, quit } from '../redis-client'
import type { TierLock } from '../types'
import { withTimeout } from '../util'
import type { RedisTierOptions } from './redis'
import { LOCK, RELEASE } from './redis-scripts'

/**
 * How long a key's fencing counter outlives its last lock (ms): longer than any holder can stay
 * cut off and still write, so tokens only ever grow.
 */
const FENCE_TTL = 24 * 60 * 60 * 1000

/** How a Redis tier reaches Redis: every command under its time limit and circuit breaker. */
export interface RedisConnection {
  /** Runs one command; a failure or a timeout counts towards opening the circuit. */
  call<T>(operation: string, run: (redis: Redis) => Promise<T>): Promise<T>
  /** Unlinks the keys a SCAN for `pattern` finds that pass `test`; resolves how many. */
  scanDelete(pattern: string, test: (key: string) => boolean): Promise<number>
  /**
   * Takes the lock `lockKey` for `ttlMs` ms with the next fencing token of `fenceKey`, or
   * resolves undefined while someone holds it.
   */
  lock(lockKey: string, fenceKey: string, ttlMs: number): Promise<TierLock | undefined>
  /** Quits the client if this connection created it (an injected client stays open). */
  close(): Promise<void>
}

/**
 * The connection of the Redis tier `name`: to `options.client`, or to `options.url` on first use
 * (ioredis is loaded lazily then).
 */
export function redisConnection(
  options: RedisTierOptions,
  name: string,
  timeout: number,
  breaker: CircuitBreaker,
): RedisConnection {
  const owned = options.client === undefined
  const given = options.client === undefined ? undefined : asIoredis(options.client)
  let connecting: Promise<Redis> | undefined = given ? Promise.resolve(given) : undefined
  let ready: Redis | undefined = given
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
    call,
    scanDelete,
    async lock(lockKey, fenceKey, ttlMs) {
      const token = randomUUID()
      const fence = Number(
        await call('lock', (redis) =>
          redis.eval(LOCK, 2, lockKey, fenceKey, token, ttlMs, FENCE_TTL),
        ),
      )
      if (fence === 0) return undefined
      return {
        fence,
        release: async () => {
          await call('unlock', (redis) => redis.eval(RELEASE, 1, lockKey, token))
        },
      }
    },
    async close() {
      if (!owned || !connecting) return
      const redis = await connecting.catch(() => undefined)
      if (redis) await quit(redis)
    },
  }
}
