export { acquireTimeoutChannel, leakChannel, pressureChannel } from './channels'
export type { ErrorContext, MxErrorOptions } from './errors'
export {
  AcquireTimeoutError,
  DoubleReleaseError,
  ForeignReleaseError,
  InvalidOptionError,
  isMxError,
  MaxWaitingError,
  MxError,
  PoolDrainedError,
  ResourceCreateError,
} from './errors'
export { estimateSize } from './estimate-size'
export { forceGc } from './gc'
export type { GcObserver } from './gc-stats'
export { observeGc } from './gc-stats'
export { lazy } from './lazy'
export { leakCheck } from './leak-check'
export { createMemoryMonitor } from './monitor'
export type {
  GcStats,
  MemoryMonitor,
  MemoryMonitorEvents,
  MemoryMonitorOptions,
  MemoryMonitorStats,
  MemoryReading,
  PressureChange,
  PressureHandler,
  PressureHandlerOptions,
  PressureLevel,
  PressureSource,
} from './monitor-types'
export { createObjectPool } from './object-pool'
export { createResourcePool } from './resource-pool'
export type {
  AcquireOptions,
  Lease,
  ResourcePool,
  ResourcePoolEvents,
  ResourcePoolOptions,
  ResourcePoolStats,
} from './resource-pool-types'
export type {
  Clock,
  Duration,
  Lazy,
  LazyOptions,
  LazyState,
  LazyStats,
  LeakCheckOptions,
  LeakCheckResult,
  ObjectPool,
  ObjectPoolOptions,
  ObjectPoolStats,
  Size,
  Unsubscribe,
} from './types'
export { parseDuration, parseSize } from './units'
