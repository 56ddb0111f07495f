/**
 * The settings form of the slot options (`cache: { maxEntries }`, `memory: { budget }`,
 * `alerts: { sinks, rules }`, `workers: { threads, timeout, maxQueue }`): a plain object without
 * the slot's methods tunes the slot the engine builds, and builds it at any level.
 */
import { join } from 'node:path'
import { type Rule, type Sink, validateRules } from '@mx/alerts'
import { parseSize } from '@mx/memory'
import type { EngineOptions } from './api'
import { checkRedisUrl, nonEmptyString, positiveInteger, positiveMs } from './checks'
import { InvalidOptionError } from './errors'
import { describeValue } from './kernel'

/** An alert sink of `@mx/alerts` (`callbackSink`, `consoleSink`, `webhookSink`, your own `{ name, send }`). */
export type AlertSink = Sink
/** An alert rule of `@mx/alerts` (see its `Rule`, or `defaultRules()` for the built-in set). */
export type AlertRule = Rule

/** Settings of the engine-built cache. */
export interface CacheSettings {
  /** Most entries of the memory tier. Default 200 000. */
  maxEntries?: number
  /** Most estimated bytes of the memory tier. Default 256 MiB. */
  maxBytes?: number
  /** Freshness of an entry, in ms. Default 30 days (keys are content hashes: entries never go stale). */
  ttl?: number
  /** Directory of the disk tier, used as is. Default `cacheDir/cache` with `cacheDir`, else no disk tier. */
  dir?: string
  /** Redis tier and invalidation bus: a `redis://` URL, or the URL and the key prefix (default `mx:engine:`). */
  redis?: string | { url: string; prefix?: string }
  /**
   * Clock of the entries' expiry, in epoch ms (inject a fake one in tests). With it the worker
   * threads leave the disk tier to the main thread, so every entry expires on this clock.
   */
  clock?: { now(): number }
}

/** Settings of the engine-built memory monitor. */
export interface MemorySettings {
  /** Bytes the process may use: a number or a size string (`'512mb'`, `'2gb'`). Default: the cgroup limit, else total memory. */
  budget?: number | string
}

/** Settings of the engine-built alert manager. */
export interface AlertsSettings {
  /** Where notifications of the alerts the rules fire go. Default none (`report().alerts` only). */
  sinks?: AlertSink[]
  /**
   * The rules, replacing the defaults (`defaultRules()` of `@mx/alerts`). To extend them, spread
   * them: `rules: [...defaultRules(), myRule]`.
   */
  rules?: AlertRule[]
}

/** Settings of the engine-built worker pool. */
export interface WorkersSettings {
  /** Threads of the pool. Default: available parallelism. */
  threads?: number
  /** Ms a task (a document or an element chunk) may run in a thread; past it the thread is terminated and the document fails with `MX_ENGINE_TIMEOUT`. Default none. */
  timeout?: number
  /** Most tasks waiting for a free thread; past it a document fails with `MX_ENGINE_EXTRACT` (`causeCode: 'MX_WORKERS_QUEUE_FULL'`). Default unbounded. */
  maxQueue?: number
}

/** The settings each tunable slot takes. */
export const settingNames = {
  cache: ['maxEntries', 'maxBytes', 'ttl', 'dir', 'redis', 'clock'],
  memory: ['budget'],
  alerts: ['sinks', 'rules'],
  workers: ['threads', 'timeout', 'maxQueue'],
} as const

export type TunableSlot = keyof typeof settingNames

/** Whether `name` is a slot with a settings form. */
export function isTunable(name: string): name is TunableSlot {
  return Object.hasOwn(settingNames, name)
}

/**
 * Whether `value` is the settings form of a slot whose interface has `methods`: a plain object
 * (an object literal, not an array or a class instance) with none of them. An object with all of
 * them is an injected slot; any other object is an error naming the missing ones (`checkSlot`).
 */
export function isSettings(
  value: unknown,
  methods: readonly string[],
): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false
  const prototype = Object.getPrototypeOf(value)
  if (prototype !== Object.prototype && prototype !== null) return false
  return methods.every((m) => typeof (value as Record<string, unknown>)[m] !== 'function')
}

/** Memory-tier bounds and TTL of the engine-built cache when no setting changes them. */
export const CACHE_DEFAULTS = {
  maxEntries: 200_000,
  maxBytes: 256 * 1024 * 1024,
  ttl: 30 * 24 * 3600_000,
} as const

type Settings = Record<string, unknown>

function settingsOf(options: EngineOptions, name: TunableSlot, methods: readonly string[]) {
  const value = options[name]
  return isSettings(value, methods) ? (value as Settings) : undefined
}

function knownKeys(option: string, value: Settings, names: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!names.includes(key)) {
      throw new InvalidOptionError(
        `${option}.${key}`,
        `${option}.${key} is not a setting of ${option}; expected ${names.join(', ')}`,
      )
    }
  }
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
  const { redis } = cache
  if (typeof redis === 'object' && redis !== null && !Array.isArray(redis)) {
    const settings = redis as Settings
    knownKeys('cache.redis', settings, ['url', 'prefix'])
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

/** The string `code` and `field` of an `@mx/alerts` error, when it is one. */
function alertsError(error: unknown): { field: string | undefined } | undefined {
  const { code, field } = (error ?? {}) as { code?: unknown; field?: unknown }
  if (typeof code !== 'string' || !code.startsWith('MX_ALERT')) return undefined
  return { field: typeof field === 'string' && field !== '' ? field : undefined }
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

/** What the engine-built cache is made of, from the `cache` settings and the shortcuts. */
export interface BuiltCacheOptions {
  maxEntries: number
  maxBytes: number
  ttl: number
  /** Directory of the disk tier. */
  disk: string | undefined
  redis: string | undefined
  redisPrefix: string | undefined
  clock: { now(): number } | undefined
}

/** The settings of the engine-built slots, merged with the top-level shortcuts (already checked). */
export function builtSettings(
  options: EngineOptions,
  slotMethods: Readonly<Record<TunableSlot, readonly string[]>>,
) {
  const cache = (settingsOf(options, 'cache', slotMethods.cache) ?? {}) as CacheSettings
  const redis = typeof cache.redis === 'string' ? { url: cache.redis } : cache.redis
  const builtCache: BuiltCacheOptions = {
    maxEntries: cache.maxEntries ?? CACHE_DEFAULTS.maxEntries,
    maxBytes: cache.maxBytes ?? CACHE_DEFAULTS.maxBytes,
    ttl: cache.ttl ?? CACHE_DEFAULTS.ttl,
    disk:
      cache.dir ?? (options.cacheDir === undefined ? undefined : join(options.cacheDir, 'cache')),
    redis: redis?.url ?? options.redis,
    redisPrefix: redis?.prefix ?? options.redisPrefix,
    clock: cache.clock,
  }
  const memory = (settingsOf(options, 'memory', slotMethods.memory) ?? {}) as MemorySettings
  const alerts = (settingsOf(options, 'alerts', slotMethods.alerts) ?? {}) as AlertsSettings
  const workers = (settingsOf(options, 'workers', slotMethods.workers) ?? {}) as WorkersSettings
  return {
    cache: builtCache,
    memory: memory.budget === undefined ? {} : { budget: memory.budget },
    alerts: { sinks: alerts.sinks, rules: alerts.rules },
    workers: {
      threads: workers.threads ?? options.threads,
      timeout: workers.timeout ?? options.timeout,
      maxQueue: workers.maxQueue,
    },
  }
}
