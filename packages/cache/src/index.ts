export type { BreakerOptions } from './breaker'
export type { RedisBusOptions } from './bus'
export { redisBus } from './bus'
export { createCache } from './cache'
export type { ErrorContext, MxErrorOptions } from './errors'
export {
  CacheClosedError,
  CircuitOpenError,
  CorruptEntryError,
  FactoryError,
  FactoryTimeoutError,
  InvalidOptionError,
  isMxError,
  KeysUnsupportedError,
  MissingPeerError,
  MxError,
  PatternUnsupportedError,
  SerializeError,
  TierTimeoutError,
} from './errors'
export { keyOf } from './key'
export type { Codec, CodecOptions } from './serializer'
export { createCodec, defaultSerializer, v8Serializer } from './serializer'
export type { DiskTier, DiskTierOptions } from './tiers/disk'
export { diskTier } from './tiers/disk'
export type { EvictionPolicy, MemoryTier, MemoryTierOptions } from './tiers/memory'
export { memoryTier } from './tiers/memory'
export type { RedisTierOptions } from './tiers/redis'
export { redisTier } from './tiers/redis'
export type {
  Bus,
  BusDelivery,
  BusMessage,
  Cache,
  CacheEntryInput,
  CacheEvents,
  CacheOptions,
  CacheStats,
  CircuitState,
  Clock,
  FactoryContext,
  GetOrSetOptions,
  InvalidateTarget,
  MaybePromise,
  MetricsSink,
  RedisClient,
  Serializer,
  SetOptions,
  Tier,
  TierEntry,
  TierEvent,
  TierLock,
  TierStats,
  WarmHandle,
  WarmOptions,
  WarmSource,
  WrapOptions,
} from './types'
