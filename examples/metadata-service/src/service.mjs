// One instance of the service, made of real parts: the PostgreSQL pool (schema migrated), the
// cache (memory, then Redis with its bus, so instances share entries and invalidations), the
// rate limiter's Redis client, the profiler, the store, the app, and the scheduled warm-up.
import { once } from 'node:events'
import { createCache, memoryTier, redisBus, redisTier } from '@mx/cache'
import { createProfiler } from '@mx/profiler'
import { Redis } from 'ioredis'
import { buildApp } from './app.mjs'
import { migrate } from './db/migrate.mjs'
import { createDatabase } from './db/pool.mjs'
import { createStore } from './store/index.mjs'

/**
 * @typedef {object} ServiceOptions
 * @property {string} pg PostgreSQL URL
 * @property {string} [redis] Redis URL: shared cache tier, invalidation bus and rate limits
 * @property {boolean} [cache] query and response caches (default true)
 * @property {number} [rateLimit] requests a minute per client (0: none; default 1200)
 * @property {string} [prefix] prefix of this service's Redis keys (default `mx:service:`)
 * @property {number} [warmInterval] ms between warm-ups of the most requested queries (0: none; default 30 000)
 * @property {number} [poolSize] PostgreSQL connections (default 10)
 * @property {boolean} [logger] Fastify's request log
 * @property {number} [queryTtl] ms a cached query stays fresh (default 60 000)
 * @property {number} [queryGrace] ms after that a cached query stands in while PostgreSQL is down (default 15 min)
 * @property {number} [responseTtl] s a cached response stays fresh (default 60)
 */

/** The cache namespace of the service's queries and responses (every instance's). */
const namespace = 'service'

/**
 * Drops every cached query and response of the service, in Redis and, through the bus, in the
 * memory of every running instance (after an ingest changed the data underneath).
 * @param {string} redisUrl @param {string} prefix
 */
export async function clearSharedCache(redisUrl, prefix) {
  const cache = createCache({
    namespace,
    tiers: [redisTier({ url: redisUrl, prefix, timeout: 1_000 })],
    bus: redisBus({ url: redisUrl, channel: `${prefix}bus` }),
  })
  try {
    await cache.ready()
    await cache.clear()
  } finally {
    await cache.close()
  }
}

/** @param {ServiceOptions} options */
export async function createService(options) {
  const prefix = options.prefix ?? 'mx:service:'
  const profiler = createProfiler()
  const db = createDatabase({ url: options.pg, max: options.poolSize ?? 10, profiler })
  await migrate(db.pool)
  // One client for the rate limiter; the cache tier and bus make their own. Offline commands fail
  // at once instead of queueing, so a Redis outage costs no latency.
  const redis = options.redis
    ? new Redis(options.redis, {
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        connectTimeout: 1_000,
      })
    : undefined
  redis?.on('error', () => {})
  // ready before the first request, or given up on after a second: the service starts without
  // Redis and its limits count per instance until it answers
  if (redis)
    await Promise.race([
      // `once` rejects on the 'error' of a refused connection: that is "not ready", not a failure
      once(redis, 'ready').catch(() => {}),
      new Promise((resolve) => setTimeout(resolve, 1_000).unref()),
    ])
  const cache =
    options.cache === false
      ? undefined
      : createCache({
          namespace,
          tiers: [
            memoryTier({ maxEntries: 50_000 }),
            ...(options.redis ? [redisTier({ url: options.redis, prefix, timeout: 250 })] : []),
          ],
          ...(options.redis
            ? { bus: redisBus({ url: options.redis, channel: `${prefix}bus` }) }
            : {}),
          metrics: profiler,
        })
  await cache?.ready()
  const store = createStore({ db, cache, ttl: options.queryTtl, grace: options.queryGrace })
  const lifecycle = { stopping: false }
  const { app, responses } = await buildApp({
    lifecycle,
    store,
    db,
    cache,
    profiler,
    redis,
    rateLimit: { max: options.rateLimit ?? 1200, prefix },
    logger: options.logger ?? false,
    responseTtl: options.responseTtl,
  })
  const warmEvery = options.warmInterval ?? 30_000
  const warmer =
    warmEvery > 0 && cache ? setInterval(() => store.warm().catch(() => {}), warmEvery) : undefined
  warmer?.unref()
  let closing
  return {
    app,
    db,
    cache,
    store,
    responses,
    profiler,
    /** @param {{ port?: number, host?: string }} [at] resolves the URL it listens on */
    listen: (at = {}) => app.listen({ port: at.port ?? 0, host: at.host ?? '127.0.0.1' }),
    /**
     * Stops: for `drain` ms it still answers (while /health says 503, so a load balancer stops
     * sending), then takes no new request, finishes those in flight, and closes the pool, the
     * cache and Redis. A request that reached the server before is never cut off.
     * @param {{ drain?: number }} [how]
     */
    close(how = {}) {
      closing ??= (async () => {
        lifecycle.stopping = true
        if (warmer) clearInterval(warmer)
        if (how.drain) await new Promise((resolve) => setTimeout(resolve, how.drain))
        await app.close()
        await db.close()
        await cache?.close()
        redis?.disconnect()
        profiler.close()
      })()
      return closing
    },
  }
}
