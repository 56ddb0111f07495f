/** Checks of `extractor` (one or a chain), `retry`, `breaker`, `fallbackOn` and the clock's timers. */

import type { EngineOptions } from '../api'
import { positiveInteger, positiveNumber } from '../checks'
import { InvalidOptionError } from '../errors'
import { checkExtractor } from '../extractor'
import { checkKnownKeys, describeValue } from '../kernel'
import type { BreakerOptions, BreakerRateOptions, RetryBackoffOptions, RetryOptions } from './types'

// The keys of `retry`, `breaker` and their parts: `satisfies` keeps every list complete.
const RETRY_OPTIONS = Object.keys({ attempts: true, backoff: true, on: true } satisfies Record<
  keyof RetryOptions,
  true
>)
const BACKOFF_OPTIONS = Object.keys({
  initial: true,
  max: true,
  factor: true,
  jitter: true,
} satisfies Record<keyof RetryBackoffOptions, true>)
const BREAKER_OPTIONS = Object.keys({
  failures: true,
  rate: true,
  coolDown: true,
  probes: true,
} satisfies Record<keyof BreakerOptions, true>)
const RATE_OPTIONS = Object.keys({ threshold: true, window: true, minimum: true } satisfies Record<
  keyof BreakerRateOptions,
  true
>)

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** One extractor as `createEngine` takes it: a file URL, a non-empty path, or an extractor object. */
function checkSource(value: unknown, path: string): void {
  if (typeof value === 'string') {
    if (value === '')
      throw new InvalidOptionError(path, `${path} must be a non-empty string, got ""`)
  } else if (value instanceof URL) {
    if (value.protocol !== 'file:') {
      throw new InvalidOptionError(path, `${path} URL must be a file: URL, got ${value.href}`)
    }
  } else checkExtractor(value, path)
}

/** `extractor`: one extractor, or a non-empty list (a fallback chain) whose entries are named `extractor[i]`. */
export function checkExtractorOption(extractor: unknown): void {
  if (extractor === undefined) {
    throw new InvalidOptionError(
      'extractor',
      'extractor is required: a module URL or path, or an extractor object',
    )
  }
  if (!Array.isArray(extractor)) {
    checkSource(extractor, 'extractor')
    return
  }
  if (extractor.length === 0) {
    throw new InvalidOptionError(
      'extractor',
      'extractor must be an extractor or a non-empty list of extractors, got an empty array',
    )
  }
  extractor.forEach((entry, i) => {
    checkSource(entry, `extractor[${i}]`)
  })
}

function checkCodes(name: string, value: unknown, what: string): void {
  if (value === undefined || typeof value === 'function') return
  if (!Array.isArray(value)) {
    throw new InvalidOptionError(
      name,
      `${name} must be a list of error codes or a function ${what}, got ${describeValue(value)}`,
    )
  }
  value.forEach((code, i) => {
    if (typeof code !== 'string' || code === '') {
      throw new InvalidOptionError(
        `${name}[${i}]`,
        `${name}[${i}] must be a non-empty string (an error code), got ${describeValue(code)}`,
      )
    }
  })
}

function unitInterval(name: string, value: unknown, openAtZero: boolean): void {
  if (value === undefined) return
  const ok = typeof value === 'number' && (openAtZero ? value > 0 : value >= 0) && value <= 1
  if (!ok) {
    const range = openAtZero ? '(0, 1]' : '[0, 1]'
    throw new InvalidOptionError(
      name,
      `${name} must be a number in ${range}, got ${describeValue(value)}`,
    )
  }
}

/** `retry` of `createEngine` or of one `extractMany` call (`where` names the call). */
export function checkRetry(retry: unknown, where = 'createEngine()'): void {
  if (retry === undefined || retry === false) return
  if (!isObject(retry)) {
    throw new InvalidOptionError(
      'retry',
      `retry must be false or an object ({ attempts, backoff, on }), got ${describeValue(retry)}`,
    )
  }
  checkKnownKeys(retry, RETRY_OPTIONS, where, 'retry')
  positiveInteger('retry.attempts', retry.attempts)
  const { backoff } = retry
  if (backoff !== undefined) {
    if (!isObject(backoff)) {
      throw new InvalidOptionError(
        'retry.backoff',
        `retry.backoff must be an object ({ initial, max, factor, jitter }), got ${describeValue(backoff)}`,
      )
    }
    checkKnownKeys(backoff, BACKOFF_OPTIONS, where, 'retry.backoff')
    positiveNumber('retry.backoff.initial', backoff.initial, true)
    positiveNumber('retry.backoff.max', backoff.max, true)
    const { factor } = backoff
    if (factor !== undefined && !(typeof factor === 'number' && factor >= 1)) {
      throw new InvalidOptionError(
        'retry.backoff.factor',
        `retry.backoff.factor must be a number ≥ 1, got ${describeValue(factor)}`,
      )
    }
    unitInterval('retry.backoff.jitter', backoff.jitter, false)
  }
  checkCodes('retry.on', retry.on, '(error) => boolean')
}

function checkBreaker(breaker: unknown): void {
  if (breaker === undefined || typeof breaker === 'boolean') return
  if (!isObject(breaker)) {
    throw new InvalidOptionError(
      'breaker',
      `breaker must be true, false or an object ({ failures, rate, coolDown, probes }), got ${describeValue(breaker)}`,
    )
  }
  checkKnownKeys(breaker, BREAKER_OPTIONS, 'createEngine()', 'breaker')
  positiveInteger('breaker.failures', breaker.failures)
  const { rate } = breaker
  if (rate !== undefined && rate !== false) {
    if (!isObject(rate)) {
      throw new InvalidOptionError(
        'breaker.rate',
        `breaker.rate must be false or an object ({ threshold, window, minimum }), got ${describeValue(rate)}`,
      )
    }
    checkKnownKeys(rate, RATE_OPTIONS, 'createEngine()', 'breaker.rate')
    unitInterval('breaker.rate.threshold', rate.threshold, true)
    positiveNumber('breaker.rate.window', rate.window)
    positiveInteger('breaker.rate.minimum', rate.minimum)
  }
  positiveNumber('breaker.coolDown', breaker.coolDown, true)
  positiveInteger('breaker.probes', breaker.probes)
}

/** `retry`, `breaker`, `fallbackOn` and the clock's optional timers. */
export function checkResilience(options: EngineOptions): void {
  checkRetry(options.retry)
  checkBreaker(options.breaker)
  checkCodes('fallbackOn', options.fallbackOn, '(error, doc) => boolean')
  const clock = options.clock as Record<string, unknown> | undefined
  for (const name of ['setTimeout', 'clearTimeout'] as const) {
    const value = clock?.[name]
    if (value !== undefined && typeof value !== 'function') {
      throw new InvalidOptionError(
        `clock.${name}`,
        `clock.${name} must be a function when given, got ${describeValue(value)}`,
      )
    }
  }
}
