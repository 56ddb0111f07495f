/**
 * The checks of the slot settings (`cache: { ... }`, `memory: { ... }`, `alerts: { ... }`,
 * `workers: { ... }`): every setting, and no top-level shortcut giving the same value.
 */
import { type Rule, validateRules } from '@mx/alerts'
import { parseSize } from '@mx/memory'
import type { EngineOptions } from './api'
import { checkRedisUrl, nonEmptyString, positiveInteger, positiveMs } from './checks'
import { InvalidOptionError } from './errors'
import { checkKnownKeys, describeValue } from './kernel'
import {
  type CacheSettings,
  type Settings,
  settingNames,
  settingsOf,
  type TunableSlot,
} from './slot-settings'

// The keys of `cache.redis` in its object form: `satisfies` keeps the list complete.
const REDIS_SETTINGS = Object.keys({ url: true, prefix: true } satisfies Record<
  keyof Exclude<CacheSettings['redis'], string | undefined>,
  true
>)

function knownKeys(option: string, value: Settings, names: readonly string[]): void {
  checkKnownKeys(value, names, 'createEngine()', option)
}

/** Throws when a top-level shortcut and a setting both give a value. */
function conflict(setting: string, settingValue: unknown, shortcut: string, value: unknown): void {
  if (settingValue === undefined || value === undefined) return
  throw new InvalidOptionError(
    setting,
    `${setting} and ${shortcut} are both given: pass only one of them`,
  )
}

function checkCache(options: EngineOptions, cache: Settings): void {
  knownKeys('cache', cache, settingNames.cache)
  positiveInteger('cache.maxEntries', cache.maxEntries)
  positiveInteger('cache.maxBytes', cache.maxBytes)
  positiveMs('cache.ttl', cache.ttl)
  nonEmptyString('cache.dir', cache.dir)
  conflict('cache.dir', cache.dir, 'cacheDir', options.cacheDir)
  if (cache.promote !== undefined && typeof cache.promote !== 'boolean') {
    throw new InvalidOptionError(
      'cache.promote',
      `cache.promote must be a boolean, got ${describeValue(cache.promote)}`,
    )
  }
  const { redis } = cache
  if (typeof redis === 'object' && redis !== null && !Array.isArray(redis)) {
    const settings = redis as Settings
    knownKeys('cache.redis', settings, REDIS_SETTINGS)
    checkRedisUrl('cache.redis.url', settings.url)
    if (settings.prefix !== undefined && typeof settings.prefix !== 'string') {
      throw new InvalidOptionError(
        'cache.redis.prefix',
        `cache.redis.prefix must be a string, got ${describeValue(settings.prefix)}`,
      )
    }
    conflict('cache.redis.prefix', settings.prefix, 'redisPrefix', options.redisPrefix)
  } else if (redis !== undefined && typeof redis !== 'string') {
    throw new InvalidOptionError(
      'cache.redis',
      `cache.redis must be a redis:// URL or { url, prefix }, got ${describeValue(redis)}`,
    )
  } else if (redis !== undefined) checkRedisUrl('cache.redis', redis)
  conflict('cache.redis', redis, 'redis', options.redis)
  const clock = cache.clock as { now?: unknown } | undefined
  if (clock !== undefined && typeof clock?.now !== 'function') {
    throw new InvalidOptionError(
      'cache.clock',
      `cache.clock must be an object with a now() method, got ${describeValue(clock)}`,
    )
  }
}

function checkMemory(memory: Settings): void {
  knownKeys('memory', memory, settingNames.memory)
  if (memory.budget === undefined) return
  try {
    parseSize(memory.budget, 'memory.budget')
  } catch (error) {
    throw new InvalidOptionError(
      'memory.budget',
      `memory.budget must be a positive number of bytes or a size such as '512mb' or '2gb', got ${describeValue(memory.budget)}`,
      { cause: error },
    )
  }
}

function checkSinks(sinks: unknown): void {
  if (sinks === undefined) return
  if (!Array.isArray(sinks)) {
    throw new InvalidOptionError(
      'alerts.sinks',
      `alerts.sinks must be an array of sinks, got ${describeValue(sinks)}`,
    )
  }
  sinks.forEach((sink: unknown, i) => {
    const candidate = sink as { name?: unknown; send?: unknown } | null
    const ok =
      typeof candidate === 'object' &&
      candidate !== null &&
      typeof candidate.name === 'string' &&
      candidate.name !== '' &&
      typeof candidate.send === 'function'
    if (!ok) {
      throw new InvalidOptionError(
        `alerts.sinks[${i}]`,
        `alerts.sinks[${i}] must be a sink: an object with a non-empty name and a send() method, got ${describeValue(sink)}`,
      )
    }
  })
}

/**
 * The field an `@mx/alerts` rule error names, when it is one: its `field`, or the `option` of
 * its `MX_INVALID_OPTION` for an unknown field of the rule.
 */
function alertsError(error: unknown): { field: string | undefined } | undefined {
  const { code, field, option } = (error ?? {}) as {
    code?: unknown
    field?: unknown
    option?: unknown
  }
  const named = code === 'MX_INVALID_OPTION' ? option : field
  if (typeof code !== 'string' || !(code.startsWith('MX_ALERT') || code === 'MX_INVALID_OPTION'))
    return undefined
  return { field: typeof named === 'string' && named !== '' ? named : undefined }
}

function checkRules(rules: unknown): void {
  if (rules === undefined) return
  if (!Array.isArray(rules)) {
    throw new InvalidOptionError(
      'alerts.rules',
      `alerts.rules must be an array of rules, got ${describeValue(rules)}`,
    )
  }
  const seen = new Set<unknown>()
  rules.forEach((rule: unknown, i) => {
    const path = `alerts.rules[${i}]`
    if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) {
      throw new InvalidOptionError(
        path,
        `${path} must be a rule object, got ${describeValue(rule)}`,
      )
    }
    try {
      validateRules([rule as Rule])
    } catch (error) {
      const known = alertsError(error)
      if (!known) throw error
      const option = known.field ? `${path}.${known.field}` : path
      throw new InvalidOptionError(option, `${path}: ${(error as Error).message}`, {
        cause: error,
      })
    }
    const { name } = rule as Rule
    if (seen.has(name)) {
      throw new InvalidOptionError(
        `${path}.name`,
        `${path}.name: rule "${name}" is defined more than once`,
      )
    }
    seen.add(name)
  })
}

function checkAlerts(alerts: Settings): void {
  knownKeys('alerts', alerts, settingNames.alerts)
  checkSinks(alerts.sinks)
  checkRules(alerts.rules)
}

function checkWorkers(options: EngineOptions, workers: Settings): void {
  knownKeys('workers', workers, settingNames.workers)
  positiveInteger('workers.threads', workers.threads)
  positiveMs('workers.timeout', workers.timeout)
  positiveInteger('workers.maxQueue', workers.maxQueue)
  conflict('workers.threads', workers.threads, 'threads', options.threads)
  conflict('workers.timeout', workers.timeout, 'timeout', options.timeout)
}

/**
 * Checks the settings objects of the tunable slots (`slotMethods` names each slot's methods):
 * every setting, and no top-level shortcut giving the same value (`cacheDir` and `cache.dir`,
 * `redis` and `cache.redis`, `redisPrefix` and `cache.redis.prefix`, `threads` and
 * `workers.threads`, `timeout` and `workers.timeout`).
 */
export function checkSlotSettings(
  options: EngineOptions,
  slotMethods: Readonly<Record<TunableSlot, readonly string[]>>,
): void {
  const cache = settingsOf(options, 'cache', slotMethods.cache)
  if (cache) checkCache(options, cache)
  const memory = settingsOf(options, 'memory', slotMethods.memory)
  if (memory) checkMemory(memory)
  const alerts = settingsOf(options, 'alerts', slotMethods.alerts)
  if (alerts) checkAlerts(alerts)
  const workers = settingsOf(options, 'workers', slotMethods.workers)
  if (workers) checkWorkers(options, workers)
}
