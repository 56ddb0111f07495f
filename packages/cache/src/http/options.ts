import { InvalidOptionError } from '../errors'
import { describeValue } from '../kernel'
import { checkKeys } from '../option-keys'
import type { Cache } from '../types'
import { checkNumber } from '../util'
import type { HttpCacheOptions } from './types'

/** Throws `InvalidOptionError` (`MX_INVALID_OPTION`) naming the first bad argument of `httpCache`. */
export function checkHttpCacheOptions(cache: Cache, options: HttpCacheOptions): void {
  if (typeof (cache as Partial<Cache> | null)?.getOrSet !== 'function') {
    throw new InvalidOptionError(
      'cache',
      `httpCache needs a cache (createCache()), got ${describeValue(cache)}`,
    )
  }
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new InvalidOptionError(
      'options',
      `httpCache options must be an object, got ${describeValue(options)}`,
    )
  }
  checkKeys('httpCache', options)
  checkNumber('ttl', options.ttl)
  checkNumber('maxBodyBytes', options.maxBodyBytes, { integer: true, exclusiveMin: true })
  for (const name of ['key', 'match', 'tags'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw new InvalidOptionError(
        name,
        `${name} must be a function, got ${describeValue(options[name])}`,
      )
    }
  }
  if (
    options.vary !== undefined &&
    (!Array.isArray(options.vary) || !options.vary.every(isToken))
  ) {
    throw new InvalidOptionError(
      'vary',
      `vary must be an array of header names, got ${describeValue(options.vary)}`,
    )
  }
  for (const name of ['tagHeader', 'statusHeader'] as const) {
    const value = options[name]
    if (value !== undefined && value !== false && !isToken(value)) {
      throw new InvalidOptionError(
        name,
        `${name} must be a header name or false, got ${describeValue(value)}`,
      )
    }
  }
  if (options.etag !== undefined && typeof options.etag !== 'boolean') {
    throw new InvalidOptionError(
      'etag',
      `etag must be a boolean, got ${describeValue(options.etag)}`,
    )
  }
  if (typeof options.clock?.now !== 'function' && options.clock !== undefined) {
    throw new InvalidOptionError(
      'clock',
      `clock must have a now() function, got ${describeValue(options.clock)}`,
    )
  }
}

/** A header name (an RFC 9110 token). */
export function isToken(value: unknown): value is string {
  return typeof value === 'string' && /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(value)
}
