export type { ErrorContext, MxErrorOptions } from './errors'
export {
  AcquireTimeoutError,
  DoubleReleaseError,
  ForeignReleaseError,
  InvalidOptionError,
  MaxWaitingError,
  MxError,
  PoolDrainedError,
  ResourceCreateError,
} from './errors'
export { createObjectPool } from './object-pool'
export { createResourcePool } from './resource-pool'
export type {
  AcquireOptions,
  Clock,
  Duration,
  Lease,
  ObjectPool,
  ObjectPoolOptions,
  ObjectPoolStats,
  ResourcePool,
  ResourcePoolEvents,
  ResourcePoolOptions,
  ResourcePoolStats,
  Size,
  Unsubscribe,
} from './types'
export { parseDuration, parseSize } from './units'
