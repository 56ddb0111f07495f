import { join } from 'node:path'
import {
  type Cache,
  createCache,
  diskTier,
  memoryTier,
  redisBus,
  redisTier,
  type Tier,
} from '@mx/cache'
import type { WorkerStore } from '../types'

export interface EngineCacheOptions {
  disk?: string | undefined
  redis?: string | undefined
  redisPrefix?: string | undefined
  metrics?:
    | { record(name: string, value: number, labels?: Record<string, string>): void }
    | undefined
}

/** Keys are content hashes, so an entry never goes stale: keep it as long as room allows. */
const THIRTY_DAYS = 30 * 24 * 3600_000
/** The memory tier holds results by reference; bound it by estimated bytes as well as entries. */
const MEMORY_TIER = { maxEntries: 200_000, maxBytes: 256 * 1024 * 1024 }

const NAMESPACE = 'mx-engine'

/**
 * The engine-built cache's disk tier as the worker threads open it, so they read element results
 * and write a document's entries without the main thread. None without a disk tier, and none
 * with a Redis tier (whose entries the main thread writes, for the whole fleet to see).
 */
export function engineStore(options: EngineCacheOptions): WorkerStore | undefined {
  if (!options.disk || options.redis) return undefined
  return { dir: join(options.disk, 'cache'), namespace: NAMESPACE, ttl: THIRTY_DAYS }
}

/**
 * The engine-built cache: a memory tier (at most 200 000 entries and about 256 MiB), plus a
 * disk tier under `cacheDir/cache` and a Redis tier with its invalidation bus when asked for.
 */
export function engineCache(options: EngineCacheOptions): Cache {
  const tiers: Tier[] = [memoryTier(MEMORY_TIER)]
  if (options.disk) tiers.push(diskTier({ dir: join(options.disk, 'cache') }))
  const prefix = options.redisPrefix ?? 'mx:engine:'
  if (options.redis) tiers.push(redisTier({ url: options.redis, prefix }))
  return createCache({
    namespace: NAMESPACE,
    tiers,
    ttl: THIRTY_DAYS,
    ...(options.redis ? { bus: redisBus({ url: options.redis, channel: `${prefix}bus` }) } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
  })
}
