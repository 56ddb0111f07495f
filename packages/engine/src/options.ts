import type { CostOptions, EngineOptions, LevelName } from './api'
import { checkRedisUrl, nonEmptyString, positiveInteger, positiveNumber } from './checks'
import { InvalidOptionError } from './errors'
import { checkKnownKeys, describeValue } from './kernel'
import { levelNames } from './levels'
import { checkLogger } from './logging/logger'
import { checkExtractorOption, checkResilience } from './resilience/options'
import { isSettings, isTunable } from './slot-settings'
import { checkSlotSettings } from './slot-settings-checks'

/** Methods each slot object must have (the rest of its interface is optional). */
export const slotMethods = {
  cache: ['get', 'set', 'getMany', 'setMany'],
  workers: ['run'],
  incremental: ['update'],
  profiler: ['span', 'record'],
  memory: ['level', 'on'],
  alerts: ['evaluate', 'active'],
} as const

export type SlotName = keyof typeof slotMethods

// The keys of the options and of `cost`: `satisfies` makes the compiler keep both lists complete.
const ENGINE_OPTIONS = Object.keys({
  extractor: true,
  level: true,
  cache: true,
  workers: true,
  incremental: true,
  profiler: true,
  memory: true,
  alerts: true,
  logger: true,
  redis: true,
  redisPrefix: true,
  cacheDir: true,
  threads: true,
  timeout: true,
  maxInFlight: true,
  chunkSize: true,
  cost: true,
  clock: true,
  retry: true,
  breaker: true,
  fallbackOn: true,
} satisfies Record<keyof EngineOptions, true>)
const COST_OPTIONS = Object.keys({
  inlineBelowUs: true,
  initialUsPerElement: true,
  alpha: true,
} satisfies Record<keyof CostOptions, true>)

function list(names: readonly string[]): string {
  return names.length === 1
    ? String(names[0])
    : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`
}

function checkSlot(name: SlotName, value: unknown): void {
  if (value === undefined || typeof value === 'boolean') return
  const methods = slotMethods[name]
  // A tunable slot also takes a settings object: one with none of the slot's methods.
  const tunable = isTunable(name)
  if (tunable && isSettings(value, methods)) return
  const slot = `an object with ${list(methods)} method${methods.length > 1 ? 's' : ''}`
  const shape = `${name} must be true, false or ${slot}`
  if (typeof value !== 'object' || value === null || (tunable && Array.isArray(value))) {
    const forms = tunable ? `true, false, a settings object or ${slot}` : `true, false or ${slot}`
    throw new InvalidOptionError(name, `${name} must be ${forms}, got ${describeValue(value)}`)
  }
  const missing = methods.filter((m) => typeof (value as Record<string, unknown>)[m] !== 'function')
  if (missing.length > 0) throw new InvalidOptionError(name, `${shape}; missing ${list(missing)}`)
}

/** Checks every option up front; a bad one throws `InvalidOptionError` naming it. */
export function checkOptions(options: EngineOptions): { level: LevelName } {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError(
      'options',
      `createEngine expects an options object, got ${describeValue(options)}`,
    )
  }
  checkKnownKeys(options, ENGINE_OPTIONS, 'createEngine()')
  // One extractor, or a fallback chain whose entries are named extractor[0], extractor[1], ...
  checkExtractorOption(options.extractor)
  const level = options.level ?? 'standard'
  if (!levelNames.includes(level)) {
    throw new InvalidOptionError(
      'level',
      `level must be one of ${levelNames.join(', ')}, got ${describeValue(level)}`,
    )
  }
  for (const name of Object.keys(slotMethods) as SlotName[]) checkSlot(name, options[name])
  checkSlotSettings(options, slotMethods)
  checkLogger(options.logger)
  positiveInteger('threads', options.threads)
  positiveNumber('timeout', options.timeout)
  positiveInteger('maxInFlight', options.maxInFlight)
  positiveInteger('chunkSize', options.chunkSize)
  nonEmptyString('cacheDir', options.cacheDir)
  if (options.redisPrefix !== undefined && typeof options.redisPrefix !== 'string') {
    throw new InvalidOptionError(
      'redisPrefix',
      `redisPrefix must be a string, got ${describeValue(options.redisPrefix)}`,
    )
  }
  if (options.redis !== undefined) checkRedisUrl('redis', options.redis)
  if (options.cost !== undefined) {
    const { cost } = options as { cost: unknown }
    if (typeof cost !== 'object' || cost === null || Array.isArray(cost)) {
      throw new InvalidOptionError('cost', `cost must be an object, got ${describeValue(cost)}`)
    }
    checkKnownKeys(cost, COST_OPTIONS, 'createEngine()', 'cost')
    positiveNumber('cost.inlineBelowUs', options.cost.inlineBelowUs, true)
    positiveNumber('cost.initialUsPerElement', options.cost.initialUsPerElement, true)
    const { alpha } = options.cost
    if (alpha !== undefined && !(typeof alpha === 'number' && alpha > 0 && alpha <= 1)) {
      throw new InvalidOptionError(
        'cost.alpha',
        `cost.alpha must be in (0, 1], got ${describeValue(alpha)}`,
      )
    }
  }
  if (options.clock !== undefined && typeof options.clock?.now !== 'function') {
    throw new InvalidOptionError('clock', 'clock must be an object with a now() method')
  }
  checkResilience(options)
  return { level }
}
