import { InvalidOptionError } from './errors'
import { describeValue } from './kernel'

function invalid(option: string, expected: string, value: unknown): InvalidOptionError {
  return new InvalidOptionError(
    option,
    `${option} must be ${expected}, got ${describeValue(value)}`,
  )
}

/** Throws unless `value` is an options object (`undefined` passes when `optional`). */
export function checkOptionsObject(option: string, value: unknown, optional = true): void {
  if (optional && value === undefined) return
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(option, 'an object', value)
  }
}

function checkFieldNames(option: string, value: unknown): void {
  if (value === undefined) return
  if (!Array.isArray(value) || value.some((name) => typeof name !== 'string')) {
    throw invalid(option, 'an array of field names', value)
  }
}

function checkFunction(option: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') throw invalid(option, 'a function', value)
}

/** `createTracker` options besides `store`: each names itself in the error. */
export function checkTrackerOptions(options: Record<string, unknown>): void {
  checkFieldNames('ignoreFields', options.ignoreFields)
  const { maxCachedDocuments, key, now, config } = options
  if (
    maxCachedDocuments !== undefined &&
    (typeof maxCachedDocuments !== 'number' ||
      !Number.isInteger(maxCachedDocuments) ||
      maxCachedDocuments < 0)
  ) {
    throw invalid('maxCachedDocuments', 'an integer >= 0', maxCachedDocuments)
  }
  if (key !== undefined && typeof key !== 'string') throw invalid('key', 'a string', key)
  checkFunction('now', now)
  checkOptionsObject('config', config)
}

/** `diffElements(prev, next, options)` arguments: two element arrays and an options object. */
export function checkDiffArguments(prev: unknown, next: unknown, options: unknown): void {
  if (!Array.isArray(prev)) throw invalid('prev', 'an array of elements', prev)
  if (!Array.isArray(next)) throw invalid('next', 'an array of elements', next)
  checkOptionsObject('options', options, false)
  const { hashOf, ignoreFields } = options as Record<string, unknown>
  checkFunction('hashOf', hashOf)
  checkFieldNames('ignoreFields', ignoreFields)
}

/** `createGraph` options: `source` a lookup function, `snapshot` a saved graph snapshot. */
export function checkGraphOptions(options: unknown): void {
  checkOptionsObject('options', options, false)
  const { source, snapshot } = options as Record<string, unknown>
  checkFunction('source', source)
  checkOptionsObject('snapshot', snapshot)
}
