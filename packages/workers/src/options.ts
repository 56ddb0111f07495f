import { availableParallelism } from 'node:os'
import { InvalidOptionError } from './errors'
import {
  checkKnownKeys,
  describeValue,
  type Clock as KernelClock,
  positiveInteger,
  withTimers,
} from './kernel'
import type {
  BackoffOptions,
  BatchOptions,
  PoolOptions,
  RecycleOptions,
  RetryOptions,
} from './types'

/** The pool's clock with its timers filled in (the global ones when the given clock has none). */
export type ResolvedClock = KernelClock

export interface ResolvedOptions {
  task: string
  threads: number
  maxQueue: number
  batching: boolean
  maxItems: number
  targetMs: number
  timeout: number
  attempts: number
  backoff: { delay: number; factor: number; maxDelay: number; jitter: number }
  retryErrors: boolean
  afterTasks: number
  maxHeapMB: number
  resourceLimits: PoolOptions['resourceLimits']
  idleTimeout: number
  probe: boolean
  clock: ResolvedClock
}

/**
 * Young-generation size (MB) of each worker thread when `resourceLimits` does not set one.
 * V8's own default lets every isolate grow its young generation to 48 MB under a high
 * allocation rate (a long `map()` whose task allocates per item), all of it resident.
 */
export const DEFAULT_YOUNG_GENERATION_MB = 8

function nonNegative(
  option: string,
  value: unknown,
  fallback: number,
  allowInfinity = false,
): number {
  if (value === undefined) return fallback
  if (
    typeof value !== 'number' ||
    Number.isNaN(value) ||
    value < 0 ||
    (!allowInfinity && !Number.isFinite(value))
  ) {
    throw new InvalidOptionError(
      option,
      `${option} must be a non-negative number, got ${describeValue(value)}`,
    )
  }
  return value
}

function boolean(option: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback
  if (typeof value !== 'boolean')
    throw new InvalidOptionError(
      option,
      `${option} must be true or false, got ${describeValue(value)}`,
    )
  return value
}

// The keys each options object takes: `satisfies` makes the compiler keep every list complete.
const POOL_OPTIONS = Object.keys({
  task: true,
  threads: true,
  maxQueue: true,
  batch: true,
  timeout: true,
  retries: true,
  recycle: true,
  resourceLimits: true,
  idleTimeout: true,
  probe: true,
  clock: true,
} satisfies Record<keyof PoolOptions, true>)
const BATCH_OPTIONS = Object.keys({ maxItems: true, targetMs: true } satisfies Record<
  keyof BatchOptions,
  true
>)
const RETRY_OPTIONS = Object.keys({
  attempts: true,
  backoff: true,
  retryErrors: true,
} satisfies Record<keyof RetryOptions, true>)
const BACKOFF_OPTIONS = Object.keys({
  delay: true,
  factor: true,
  maxDelay: true,
  jitter: true,
} satisfies Record<keyof BackoffOptions, true>)
const RECYCLE_OPTIONS = Object.keys({ afterTasks: true, maxHeapMB: true } satisfies Record<
  keyof RecycleOptions,
  true
>)

/** Refuses an unknown key of the options object or of a nested one (`path`), naming the nearest. */
function knownKeys(value: unknown, known: readonly string[], path?: string): void {
  if (typeof value === 'object' && value !== null)
    checkKnownKeys(value, known, 'createPool()', path)
}

/** Validates `createPool` options up front; every message names the option and the bad value. */
export function resolveOptions(options: PoolOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError(
      'options',
      `options must be an object, got ${describeValue(options)}`,
    )
  }
  knownKeys(options, POOL_OPTIONS)
  knownKeys(options.batch, BATCH_OPTIONS, 'batch')
  knownKeys(options.retries, RETRY_OPTIONS, 'retries')
  knownKeys(options.retries?.backoff, BACKOFF_OPTIONS, 'retries.backoff')
  knownKeys(options.recycle, RECYCLE_OPTIONS, 'recycle')
  const { task } = options
  if (!(task instanceof URL) && (typeof task !== 'string' || task.length === 0)) {
    throw new InvalidOptionError(
      'task',
      `task must be a URL or a non-empty path, got ${describeValue(task)}`,
    )
  }
  const batch = options.batch ?? 'auto'
  if (batch !== 'auto' && batch !== false && (typeof batch !== 'object' || batch === null)) {
    throw new InvalidOptionError(
      'batch',
      `batch must be 'auto', false or { maxItems, targetMs }, got ${describeValue(batch)}`,
    )
  }
  const limits = typeof batch === 'object' ? batch : {}
  const retries = options.retries ?? {}
  const backoff = retries.backoff ?? {}
  const jitter = nonNegative('retries.backoff.jitter', backoff.jitter, 0.5)
  if (jitter > 1) {
    throw new InvalidOptionError(
      'retries.backoff.jitter',
      `retries.backoff.jitter must be between 0 and 1, got ${jitter}`,
    )
  }
  const recycle = options.recycle ?? {}
  const given = options.clock ?? { now: () => performance.now() }
  if (typeof given?.now !== 'function') {
    throw new InvalidOptionError('clock', 'clock must have a now() function')
  }
  const timers = [given.setTimeout, given.clearTimeout].filter((fn) => fn !== undefined)
  if (timers.length === 1 || timers.some((fn) => typeof fn !== 'function')) {
    throw new InvalidOptionError(
      'clock',
      'clock.setTimeout and clock.clearTimeout must both be functions, or both be absent',
    )
  }
  const clock = withTimers(given)
  return {
    task: task instanceof URL ? task.href : task,
    threads: positiveInteger('threads', options.threads, Math.max(1, availableParallelism())),
    maxQueue: positiveInteger('maxQueue', options.maxQueue, Number.POSITIVE_INFINITY, true),
    batching: batch !== false,
    maxItems: positiveInteger('batch.maxItems', limits.maxItems, 512),
    targetMs: nonNegative('batch.targetMs', limits.targetMs, 10),
    timeout: nonNegative('timeout', options.timeout, 0),
    attempts: positiveInteger('retries.attempts', retries.attempts, 3),
    backoff: {
      delay: nonNegative('retries.backoff.delay', backoff.delay, 50),
      factor: nonNegative('retries.backoff.factor', backoff.factor, 2),
      maxDelay: nonNegative('retries.backoff.maxDelay', backoff.maxDelay, 5000),
      jitter,
    },
    retryErrors: retries.retryErrors === true,
    afterTasks: positiveInteger(
      'recycle.afterTasks',
      recycle.afterTasks,
      Number.POSITIVE_INFINITY,
      true,
    ),
    maxHeapMB: nonNegative('recycle.maxHeapMB', recycle.maxHeapMB, Number.POSITIVE_INFINITY, true),
    resourceLimits: {
      maxYoungGenerationSizeMb: DEFAULT_YOUNG_GENERATION_MB,
      ...resourceLimits(options.resourceLimits),
    },
    idleTimeout: nonNegative('idleTimeout', options.idleTimeout, Number.POSITIVE_INFINITY, true),
    probe: boolean('probe', options.probe, true),
    clock,
  }
}

/**
 * The bounds of each `resourceLimits` field, in MB. V8 takes any number here, and some abort the
 * whole process instead of failing the thread (a code range it cannot reserve, a semi-space it
 * cannot commit): such a value is refused up front. The old generation's floor leaves room to
 * load a task module; below it every task fails with an out-of-memory crash.
 */
const RESOURCE_LIMITS: Record<string, [min: number, max: number]> = {
  maxYoungGenerationSizeMb: [1, 1024],
  maxOldGenerationSizeMb: [16, 1024 * 1024],
  codeRangeSizeMb: [0, 512],
  stackSizeMb: [0.25, 64],
}

/** `resourceLimits` checked field by field (unknown fields refused), or undefined. */
function resourceLimits(value: unknown): PoolOptions['resourceLimits'] {
  if (value === undefined) return undefined
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidOptionError(
      'resourceLimits',
      `resourceLimits must be an object, got ${describeValue(value)}`,
    )
  }
  for (const [field, limit] of Object.entries(value)) {
    const option = `resourceLimits.${field}`
    const bounds = RESOURCE_LIMITS[field]
    if (bounds === undefined) {
      const known = Object.keys(RESOURCE_LIMITS).join(', ')
      throw new InvalidOptionError(option, `${option} is not a resource limit; expected ${known}`)
    }
    const [min, max] = bounds
    if (limit === undefined) continue
    if (typeof limit !== 'number' || !(limit >= min && limit <= max)) {
      throw new InvalidOptionError(
        option,
        `${option} must be a number of MB from ${min} to ${max}, got ${describeValue(limit)}`,
      )
    }
  }
  return value as PoolOptions['resourceLimits']
}

/** Delay before retry number `retry` (1-based), spread by jitter so retries do not stampede. */
export function backoffDelay(
  backoff: ResolvedOptions['backoff'],
  retry: number,
  random = Math.random,
): number {
  const base = Math.min(backoff.maxDelay, backoff.delay * backoff.factor ** (retry - 1))
  return Math.max(0, Math.round(base * (1 + backoff.jitter * (random() * 2 - 1))))
}
