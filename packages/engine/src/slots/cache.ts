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
    namespace: 'mx-engine',
    tiers,
    ttl: THIRTY_DAYS,
    ...(options.redis ? { bus: redisBus({ url: options.redis, channel: `${prefix}bus` }) } : {}),
    ...(options.metrics ? { metrics: options.metrics } : {}),
  })
}
