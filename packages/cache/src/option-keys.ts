// The option keys every factory and call of @mx/cache knows, one list each. `satisfies` keeps a
// list equal to its type: a key added to the type and not here (or the reverse) fails to compile.
// An unknown key throws `MX_INVALID_OPTION` naming the nearest known one (the kernel's
// `checkKnownKeys`), so `createCache({ timeout })` is an error, not a silent default.
import type { BreakerOptions } from './breaker'
import type { RedisBusOptions } from './bus'
import type { HttpCacheOptions } from './http/types'
import { checkKnownKeys } from './kernel'
import type { CreateKeyvOptions, KeyvStoreOptions } from './keyv'
import type { CodecOptions } from './serializer'
import type { DiskTierOptions } from './tiers/disk'
import type { MemoryTierOptions } from './tiers/memory'
import type { RedisTierOptions } from './tiers/redis'
import type { CacheOptions, GetOrSetOptions, SetOptions } from './types'
import type { MxDriverOptions } from './unstorage'

type Keys<T> = Record<keyof Required<T>, true>

const known = {
  createCache: {
    namespace: true,
    tiers: true,
    bus: true,
    ttl: true,
    grace: true,
    timeouts: true,
    jitter: true,
    serializer: true,
    compress: true,
    sign: true,
    metrics: true,
    clock: true,
    lock: true,
    promote: true,
  } satisfies Keys<CacheOptions>,
  set: { ttl: true, grace: true, tags: true, dependsOn: true } satisfies Keys<SetOptions>,
  getOrSet: {
    ttl: true,
    grace: true,
    tags: true,
    dependsOn: true,
    timeouts: true,
  } satisfies Keys<GetOrSetOptions>,
  timeouts: { soft: true, hard: true } satisfies Keys<NonNullable<CacheOptions['timeouts']>>,
  lock: { ttl: true, wait: true } satisfies Keys<NonNullable<CacheOptions['lock']>>,
  memoryTier: {
    maxEntries: true,
    maxBytes: true,
    maxEntrySize: true,
    policy: true,
    sizeOf: true,
    clock: true,
    name: true,
  } satisfies Keys<MemoryTierOptions>,
  diskTier: {
    dir: true,
    maxBytes: true,
    evictTo: true,
    accessResolution: true,
    clock: true,
    name: true,
  } satisfies Keys<DiskTierOptions>,
  redisTier: {
    url: true,
    client: true,
    prefix: true,
    timeout: true,
    breaker: true,
    clock: true,
    name: true,
  } satisfies Keys<RedisTierOptions>,
  breaker: { failures: true, resetAfter: true } satisfies Keys<BreakerOptions>,
  redisBus: {
    url: true,
    client: true,
    channel: true,
    timeout: true,
    heartbeat: true,
  } satisfies Keys<RedisBusOptions>,
  keyvStore: { lease: true } satisfies Keys<KeyvStoreOptions>,
  createKeyv: { lease: true, namespace: true, ttl: true } satisfies Keys<CreateKeyvOptions>,
  mxDriver: { cache: true, tier: true } satisfies Keys<MxDriverOptions>,
  httpCache: {
    ttl: true,
    vary: true,
    key: true,
    match: true,
    tags: true,
    tagHeader: true,
    statusHeader: true,
    maxBodyBytes: true,
    etag: true,
    clock: true,
  } satisfies Keys<HttpCacheOptions>,
  createCodec: {
    serializer: true,
    compressMinBytes: true,
    secret: true,
  } satisfies Keys<CodecOptions>,
}

const lists = Object.fromEntries(
  Object.entries(known).map(([name, keys]) => [name, Object.keys(keys)]),
) as Record<keyof typeof known, string[]>

/**
 * Throws for a key of `options` that the list `what` does not know (`'createCache'`,
 * `'memoryTier'`, …). `where` names the call (default `what()`), `path` a nested object
 * (`'timeouts'`). Anything but a plain object is left to the caller's own checks, which say what
 * is wrong with it.
 */
export function checkKeys(
  what: keyof typeof known,
  options: unknown,
  where = `${what}()`,
  path = '',
): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) return
  checkKnownKeys(options, lists[what], where, path)
}
