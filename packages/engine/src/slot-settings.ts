/**
 * The settings form of the slot options (`cache: { maxEntries }`, `memory: { budget }`,
 * `alerts: { sinks, rules }`, `workers: { threads, timeout, maxQueue }`): a plain object without
 * the slot's methods tunes the slot the engine builds, and builds it at any level.
 */
import { join } from 'node:path'
import type { Rule, Sink } from '@mx/alerts'
import type { EngineOptions } from './api'

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
  /**
   * `false`: a hit on the disk or Redis tier is not copied into the memory tier (default
   * `true`). For a process that looks each document up once, as a one-shot command line run.
   */
  promote?: boolean
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

/** The settings each tunable slot takes (`satisfies` makes the compiler keep each list complete). */
export const settingNames = {
  cache: Object.keys({
    maxEntries: true,
    maxBytes: true,
    ttl: true,
    dir: true,
    redis: true,
    clock: true,
    promote: true,
  } satisfies Record<keyof CacheSettings, true>),
  memory: Object.keys({ budget: true } satisfies Record<keyof MemorySettings, true>),
  alerts: Object.keys({ sinks: true, rules: true } satisfies Record<keyof AlertsSettings, true>),
  workers: Object.keys({ threads: true, timeout: true, maxQueue: true } satisfies Record<
    keyof WorkersSettings,
    true
  >),
}

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

/** A slot's settings object, as the options give it. */
export type Settings = Record<string, unknown>

/** The settings object of slot `name` (not the slot object itself), when the options give one. */
export function settingsOf(options: EngineOptions, name: TunableSlot, methods: readonly string[]) {
  const value = options[name]
  return isSettings(value, methods) ? (value as Settings) : undefined
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
  promote: boolean
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
    promote: cache.promote ?? true,
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
