import { DocumentError, messageOf } from '../errors'
import type { FailureInfo } from './types'

/**
 * Codes (an error's `code` or its cause's) that no retry, breaker or fallback acts on: the input's
 * fault or the run's, not the extractor's. A document failing with one is never retried (whatever
 * `retry.on` says), never counted by a breaker, and goes to a fallback only if `fallbackOn` says
 * so. `MX_ENGINE_CIRCUIT_OPEN` is never retried either, but always goes on to the next extractor.
 */
export const nonRetryable: ReadonlySet<string> = new Set([
  'MX_ENGINE_INPUT',
  'MX_ENGINE_CIRCUIT_OPEN',
  'MX_ENGINE_CLOSED',
  'MX_ENGINE_ABORTED',
  'MX_WORKERS_ABORTED',
  'MX_WORKERS_POOL_CLOSED',
  // The docs-metadata parser's "this is not text": the same bytes fail the same way every time.
  'MX_DOCS_INVALID_UTF8',
  'MX_DOCS_BINARY',
])

/** Failure codes a breaker counts: the extractor's own failures (bad input is not). */
const counted = new Set([
  'MX_ENGINE_PARSE',
  'MX_ENGINE_EXTRACT',
  'MX_ENGINE_TIMEOUT',
  'MX_ENGINE_CRASH',
])

/**
 * A failure known by its code and message alone, with no `Error` (and no stack trace) built: the
 * breaker's fast path fails thousands of documents a second with one.
 */
export class KnownFailure {
  constructor(readonly info: FailureInfo) {}
}

/** The stable code, message and cause code of a document failure (as its result will carry them). */
export function failureInfo(error: unknown): FailureInfo {
  if (error instanceof KnownFailure) return { ...error.info }
  const known = error instanceof DocumentError
  const code = known ? error.code : 'MX_ENGINE_EXTRACT'
  const cause = (known ? error.cause : error) as { code?: unknown } | null | undefined
  const info: FailureInfo = { code, message: messageOf(error) }
  if (typeof cause?.code === 'string' && cause.code !== code) info.causeCode = cause.code
  return info
}

export function isNonRetryable(info: FailureInfo): boolean {
  return (
    nonRetryable.has(info.code) ||
    (info.causeCode !== undefined && nonRetryable.has(info.causeCode))
  )
}

/** Whether a breaker counts this failure against its extractor. */
export function countsAgainstBreaker(info: FailureInfo): boolean {
  return counted.has(info.code) && !isNonRetryable(info)
}

/** A code list as a predicate: a failure matches when its code or cause code is listed. */
export function matchCodes(codes: readonly string[]): (info: FailureInfo) => boolean {
  const set = new Set(codes)
  return (info) => set.has(info.code) || (info.causeCode !== undefined && set.has(info.causeCode))
}
