import { MxError } from './kernel'

// The kernel's (tooling/kernel, inlined at build time): one base class for every mx package.
export type { ErrorContext, MxErrorOptions } from './kernel'
export { InvalidOptionError, isMxError, MxError } from './kernel'

/** The factory passed to `getOrSet` did not settle within `timeouts.hard` and no stale value could be served. */
export class FactoryTimeoutError extends MxError {
  constructor(key: string, timeoutMs: number) {
    super('MX_CACHE_FACTORY_TIMEOUT', `factory for key "${key}" timed out after ${timeoutMs} ms`, {
      context: { key, timeoutMs },
    })
  }
}

/** The factory passed to `getOrSet` threw and no stale value could be served; `cause` is what it threw. */
export class FactoryError extends MxError {
  constructor(key: string, cause: unknown) {
    super('MX_CACHE_FACTORY_ERROR', `factory for key "${key}" failed`, { cause, context: { key } })
  }
}

/** A stored entry failed its checksum or signature; it was deleted and treated as a miss. */
export class CorruptEntryError extends MxError {
  constructor(tier: string, reason: string) {
    super('MX_CACHE_CORRUPT_ENTRY', `corrupt entry in tier "${tier}": ${reason}`, {
      context: { tier, reason },
    })
  }
}

/** A tier's circuit breaker is open: the call was not attempted. */
export class CircuitOpenError extends MxError {
  constructor(tier: string) {
    super('MX_CACHE_CIRCUIT_OPEN', `circuit of tier "${tier}" is open`, { context: { tier } })
  }
}

/** A tier operation did not answer in time. */
export class TierTimeoutError extends MxError {
  constructor(tier: string, operation: string, timeoutMs: number) {
    super('MX_CACHE_TIER_TIMEOUT', `tier "${tier}" ${operation} timed out after ${timeoutMs} ms`, {
      context: { tier, operation, timeoutMs },
    })
  }
}

/** An optional peer dependency is not installed; the message says how to do without it. */
export class MissingPeerError extends MxError {
  constructor(peer: string, feature: string, cause?: unknown, instead = 'pass a client') {
    super(
      'MX_CACHE_MISSING_PEER',
      `${feature} needs the optional peer "${peer}": install it (npm i ${peer}) or ${instead}`,
      { cause, context: { peer } },
    )
  }
}

/**
 * `set()` was given a value the serializer cannot encode for a shared tier (a function, a
 * symbol, a class the structured clone refuses); nothing was written.
 */
export class SerializeError extends MxError {
  constructor(key: string, cause: unknown) {
    super(
      'MX_CACHE_SERIALIZE',
      `value cannot be serialized for the disk or Redis tier: ${(cause as Error)?.message ?? 'unknown error'}`,
      { cause, context: { key } },
    )
  }
}

/** `cache.keys()` (and what needs it) found no tier that can list its keys (`Tier.keys`). */
export class KeysUnsupportedError extends MxError {
  constructor(tiers: readonly string[]) {
    super(
      'MX_CACHE_KEYS_UNSUPPORTED',
      `no tier of this cache can list its keys (tiers: ${tiers.join(', ') || 'none'}); add a memory, disk or Redis tier, or give your tier a keys() method`,
      { context: { tiers: [...tiers] } },
    )
  }
}

/**
 * `invalidate({ pattern })` on a cache with a tier that can neither delete by pattern
 * (`deleteMatching`) nor list its keys (`keys`); thrown before any tier is touched.
 */
export class PatternUnsupportedError extends MxError {
  constructor(tier: string) {
    super(
      'MX_CACHE_PATTERN_UNSUPPORTED',
      `invalidate({ pattern }) needs every tier to delete by pattern or list its keys: tier "${tier}" has neither deleteMatching() nor keys()`,
      { context: { tier } },
    )
  }
}

/** The cache was closed. */
export class CacheClosedError extends MxError {
  constructor() {
    super('MX_CACHE_CLOSED', 'the cache is closed')
  }
}
