import {
  type Cache,
  createCache,
  diskTier,
  memoryTier,
  redisBus,
  redisTier,
  type Tier,
} from '@mx/cache'
import { CACHE_DEFAULTS } from '../slot-settings'
import type { WorkerStore } from '../types'

export interface EngineCacheOptions {
  /** Directory of the disk tier (used as is). */
  disk?: string | undefined
  redis?: string | undefined
  redisPrefix?: string | undefined
  /** Memory-tier bounds and entry TTL (ms); defaults in `CACHE_DEFAULTS`. */
  maxEntries?: number | undefined
  maxBytes?: number | undefined
  ttl?: number | undefined
  /** Clock of the entries' expiry (epoch ms); the workers then get no store. */
  clock?: { now(): number } | undefined
  metrics?:
    | { record(name: string, value: number, labels?: Record<string, string>): void }
    | undefined
  /** Copy disk and Redis hits into the memory tier (default true). */
  promote?: boolean | undefined
}

const NAMESPACE = 'mx-engine'

/**
 * The engine-built cache's disk tier as the worker threads open it, so they read element results
 * and write a document's entries without the main thread. None without a disk tier, and none
 * with a Redis tier (whose entries the main thread writes, for the whole fleet to see).
 */
export function engineStore(options: EngineCacheOptions): WorkerStore | undefined {
  // With an injected clock the threads would date their entries on the system clock: none.
  if (!options.disk || options.redis || options.clock) return undefined
  return { dir: options.disk, namespace: NAMESPACE, ttl: options.ttl ?? CACHE_DEFAULTS.ttl }
}

/**
 * The engine-built cache: a memory tier (by default at most 200 000 entries and about 256 MiB:
 * it holds results by reference, so it is bounded by estimated bytes as well as entries), plus a
 * disk tier in `disk` and a Redis tier with its invalidation bus when asked for. Keys are content
 * hashes, so an entry never goes stale: by default it is kept 30 days, as long as room allows.
 */
export function engineCache(options: EngineCacheOptions): Cache {
  const clock = options.clock ? { clock: options.clock } : {}
  const tiers: Tier[] = [
    memoryTier({
      maxEntries: options.maxEntries ?? CACHE_DEFAULTS.maxEntries,
      maxBytes: options.maxBytes ?? CACHE_DEFAULTS.maxBytes,
      ...clock,
    }),
  ]
  if (options.disk) tiers.push(diskTier({ dir: options.disk, ...clock }))
  const prefix = options.redisPrefix ?? 'mx:engine:'
  if (options.redis) tiers.push(redisTier({ url: options.redis, prefix }))
  return createCache({
    namespace: NAMESPACE,
    tiers,
    ttl: options.ttl ?? CACHE_DEFAULTS.ttl,
    ...clock,
    ...(options.redis ? { bus: redisBus({ url: options.redis, channel: `${prefix}bus` }) } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.promote === false ? { promote: false } : {}),
  })
}
