import { InvalidOptionError } from './errors'
import { checkKnownKeys, describeValue } from './kernel'
import type { FsStoreOptions } from './stores/fs'
import type { PruneOptions, TrackerOptions } from './tracker-types'
import type { DiffOptions, GraphOptions } from './types'

// The keys each options object takes: `satisfies` makes the compiler keep every list complete.
const TRACKER_OPTIONS = Object.keys({
  store: true,
  ignoreFields: true,
  key: true,
  config: true,
  now: true,
  immutableElements: true,
  maxCachedDocuments: true,
} satisfies Record<keyof TrackerOptions, true>)
const DIFF_OPTIONS = Object.keys({ hashOf: true, ignoreFields: true } satisfies Record<
  keyof DiffOptions,
  true
>)
const GRAPH_OPTIONS = Object.keys({ source: true, snapshot: true } satisfies Record<
  keyof GraphOptions,
  true
>)
const FS_STORE_OPTIONS = Object.keys({ dir: true, durable: true } satisfies Record<
  keyof FsStoreOptions,
  true
>)
const PRUNE_OPTIONS = Object.keys({
  keepLast: true,
  olderThan: true,
  docIds: true,
} satisfies Record<keyof PruneOptions, true>)

/** Refuses a key `known` does not list when `options` is an object (`where` names the call). */
function knownKeys(options: unknown, known: readonly string[], where: string): void {
  if (typeof options === 'object' && options !== null) checkKnownKeys(options, known, where)
}

/** `createTracker` option keys, checked before anything else (a typo of `store` included). */
export function checkTrackerKeys(options: unknown): void {
  knownKeys(options, TRACKER_OPTIONS, 'createTracker()')
}

/** `fsStore` option keys, checked before anything else (a typo of `dir` included). */
export function checkFsStoreKeys(options: unknown): void {
  knownKeys(options, FS_STORE_OPTIONS, 'fsStore()')
}

/** `tracker.prune()` option keys: a misspelt `docIds` must not prune every document. */
export function checkPruneKeys(options: unknown): void {
  knownKeys(options, PRUNE_OPTIONS, 'prune()')
}

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
  checkKnownKeys(options as object, DIFF_OPTIONS, 'diffElements()')
  const { hashOf, ignoreFields } = options as Record<string, unknown>
  checkFunction('hashOf', hashOf)
  checkFieldNames('ignoreFields', ignoreFields)
}

/** `createGraph` options: `source` a lookup function, `snapshot` a saved graph snapshot. */
export function checkGraphOptions(options: unknown): void {
  checkOptionsObject('options', options, false)
  checkKnownKeys(options as object, GRAPH_OPTIONS, 'createGraph()')
  const { source, snapshot } = options as Record<string, unknown>
  checkFunction('source', source)
  checkOptionsObject('snapshot', snapshot)
}
