import type { ExtractOptions } from '../api'
import { InvalidOptionError } from '../errors'
import { checkKnownKeys, describeValue } from '../kernel'

// The keys `engine.extract()` options take: `satisfies` keeps the list complete.
const EXTRACT_OPTIONS = Object.keys({ correlationId: true } satisfies Record<
  keyof ExtractOptions,
  true
>)

/** Longest correlation id taken from a caller (a queue job's id is about 20 characters). */
const MAX_LENGTH = 128

/**
 * The `correlationId` of `engine.extract(doc, options)`: undefined (the engine makes one), a
 * non-empty string of at most 128 characters, or an `InvalidOptionError` to reject with.
 */
export function checkCorrelationId(options: ExtractOptions): string | undefined | Error {
  if (typeof options !== 'object' || options === null) {
    return new InvalidOptionError(
      'options',
      `extract options must be an object, got ${describeValue(options)}`,
    )
  }
  try {
    checkKnownKeys(options, EXTRACT_OPTIONS, 'extract()')
  } catch (error) {
    return error as Error
  }
  const { correlationId } = options
  if (correlationId === undefined) return undefined
  if (
    typeof correlationId !== 'string' ||
    correlationId === '' ||
    correlationId.length > MAX_LENGTH
  )
    return new InvalidOptionError(
      'correlationId',
      `correlationId must be a non-empty string of at most ${MAX_LENGTH} characters, got ${describeValue(correlationId)}`,
    )
  return correlationId
}
