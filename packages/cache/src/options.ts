import { InvalidOptionError } from './errors'
import { describeValue } from './kernel'
import { checkKeys } from './option-keys'
import { memoryTier } from './tiers/memory'
import type { CacheOptions, GetOrSetOptions, SetOptions, Tier } from './types'
import { checkNumber } from './util'

const NAMESPACE = /^[A-Za-z0-9_-]+$/
/** What makes a tier: the five required methods (the rest of `Tier` is optional). */
export const TIER_METHODS = ['get', 'set', 'delete', 'clear', 'close'] as const

export interface ResolvedOptions {
  namespace: string
  tiers: Tier[]
  ttl: number
  grace: number
  soft: number | undefined
  hard: number | undefined
  jitter: number
  lockTtl: number
  lockWait: number
}

/** Throws `InvalidOptionError` with an exact message unless `name` is a valid namespace segment. */
export function checkNamespace(option: string, name: unknown): asserts name is string {
  if (typeof name !== 'string' || !NAMESPACE.test(name)) {
    throw new InvalidOptionError(
      option,
      `${option} must contain only letters, digits, "_" and "-", got ${describeValue(name)}`,
    )
  }
}

function checkFunctions(option: string, value: unknown, methods: readonly string[]): void {
  if (value === undefined) return
  for (const method of methods) {
    if (typeof (value as Record<string, unknown> | null)?.[method] !== 'function') {
      throw new InvalidOptionError(option, `${option} must have a ${method}() method`)
    }
  }
}

export function checkStrings(option: string, value: unknown): void {
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw new InvalidOptionError(
      option,
      `${option} must be an array of strings, got ${describeValue(value)}`,
    )
  }
}

/** Checks the options of one `set`, `setMany` entry or `getOrSet` before anything is written. */
export function checkSetOptions(
  options: SetOptions | undefined,
  call: 'set' | 'getOrSet' = 'set',
): void {
  if (options === undefined) return
  if (options === null || typeof options !== 'object') {
    throw new InvalidOptionError(
      'options',
      `options must be an object, got ${describeValue(options)}`,
    )
  }
  checkKeys(call, options)
  if (call === 'getOrSet') {
    checkKeys('timeouts', (options as GetOrSetOptions).timeouts, 'getOrSet()', 'timeouts')
  }
  checkNumber('ttl', options.ttl, { exclusiveMin: true, allowInfinity: true })
  checkNumber('grace', options.grace)
  if (options.tags !== undefined) checkStrings('tags', options.tags)
  const { dependsOn } = options
  if (dependsOn !== undefined && typeof dependsOn !== 'string') checkStrings('dependsOn', dependsOn)
}

/** Validates `createCache` options up front and fills in defaults. */
export function resolveOptions(options: CacheOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') {
    throw new InvalidOptionError(
      'options',
      `options must be an object, got ${describeValue(options)}`,
    )
  }
  checkKeys('createCache', options)
  checkKeys('timeouts', options.timeouts, 'createCache()', 'timeouts')
  checkKeys('lock', options.lock, 'createCache()', 'lock')
  if (options.namespace !== undefined) checkNamespace('namespace', options.namespace)
  if (options.tiers !== undefined) {
    if (!Array.isArray(options.tiers) || options.tiers.length === 0) {
      throw new InvalidOptionError('tiers', 'tiers must be a non-empty array of tiers')
    }
    options.tiers.forEach((tier, index) => {
      for (const method of TIER_METHODS) {
        if (typeof (tier as unknown as Record<string, unknown> | null)?.[method] !== 'function') {
          throw new InvalidOptionError(
            `tiers[${index}]`,
            `tiers[${index}] is not a tier: it has no ${method}() method`,
          )
        }
      }
    })
  }
  checkNumber('ttl', options.ttl, { exclusiveMin: true, allowInfinity: true })
  checkNumber('grace', options.grace)
  checkNumber('timeouts.soft', options.timeouts?.soft, { exclusiveMin: true })
  checkNumber('timeouts.hard', options.timeouts?.hard, { exclusiveMin: true })
  const soft = options.timeouts?.soft
  const hard = options.timeouts?.hard
  if (soft !== undefined && hard !== undefined && soft >= hard) {
    throw new InvalidOptionError(
      'timeouts.soft',
      `timeouts.soft (${soft}) must be less than timeouts.hard (${hard})`,
    )
  }
  if (options.jitter !== undefined) {
    const jitter = options.jitter
    if (typeof jitter !== 'number' || !(jitter >= 0 && jitter < 1)) {
      throw new InvalidOptionError(
        'jitter',
        `jitter must be a number >= 0 and < 1, got ${describeValue(jitter)}`,
      )
    }
  }
  checkNumber('compress.minBytes', options.compress?.minBytes, { integer: true })
  if (options.compress !== undefined && options.compress.minBytes === undefined) {
    throw new InvalidOptionError(
      'compress.minBytes',
      'compress.minBytes must be an integer >= 0, got undefined',
    )
  }
  if (options.sign !== undefined) {
    const secret = options.sign.secret
    const ok = (typeof secret === 'string' || secret instanceof Uint8Array) && secret.length > 0
    if (!ok) {
      throw new InvalidOptionError(
        'sign.secret',
        'sign.secret must be a non-empty string or Uint8Array',
      )
    }
  }
  checkFunctions('serializer', options.serializer, ['serialize', 'deserialize'])
  checkFunctions('metrics', options.metrics, ['record'])
  checkFunctions('clock', options.clock, ['now'])
  checkFunctions('bus', options.bus, ['publish', 'subscribe', 'close'])
  checkNumber('lock.ttl', options.lock?.ttl, { exclusiveMin: true })
  checkNumber('lock.wait', options.lock?.wait)
  if (options.promote !== undefined && typeof options.promote !== 'boolean') {
    throw new InvalidOptionError(
      'promote',
      `promote must be a boolean, got ${describeValue(options.promote)}`,
    )
  }
  return {
    namespace: options.namespace ?? '',
    tiers: options.tiers ?? [memoryTier(options.clock ? { clock: options.clock } : {})],
    ttl: options.ttl ?? 60_000,
    grace: options.grace ?? 0,
    soft,
    hard,
    jitter: options.jitter ?? 0,
    lockTtl: options.lock?.ttl ?? 30_000,
    lockWait: options.lock?.wait ?? hard ?? 10_000,
  }
}
