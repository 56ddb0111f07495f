import { BatchResultError, InvalidOptionError } from './errors'
import { canonicalJson } from './hash'
import { keys, MISSING, type Previous } from './state'
import type { UpdateCounts, UpdateSpec } from './tracker-types'
import type { Element, RecomputeReason } from './types'

/** The columns of the update being planned that element results are written into. */
export interface PendingResults {
  elements: readonly Element[]
  /** Positions (in document order) whose previous result could not be reused by position. */
  pending: readonly number[]
  resultKeys: readonly string[]
  results: unknown[]
  /** The ids are the previous version's, in place: the key index will be carried forward. */
  sameIds: boolean
}

/** What computing the pending results produced. */
export interface ComputedResults {
  /** Results this update introduces, by content key. */
  blobs: Record<string, unknown>
  /** One reason per computed result, in document order. */
  why: RecomputeReason[]
  /** The previous version's key index, when one was consulted or built (see `Previous.keyIndex`). */
  keyIndex?: Map<string, number>
}

/**
 * Fills the results of the pending positions: a result with the same content key (from the
 * previous version or an earlier element of this update) is reused; the others are computed,
 * one `spec.element` call each, or all together in one `spec.elements` call (which wins when
 * both are given). Returns a promise only when the batch hook does.
 */
export function computePending<E extends Element, R>(
  prev: Previous,
  columns: PendingResults,
  spec: UpdateSpec<E, R>,
  counts: UpdateCounts,
): ComputedResults | Promise<ComputedResults> {
  const { elements, pending, resultKeys, results } = columns
  const batch = spec.elements
  if (batch !== undefined && typeof batch !== 'function') {
    throw new InvalidOptionError('spec.elements', 'spec.elements must be a function (dirty) => R[]')
  }
  if (pending.length === 0) return { blobs: {}, why: [] }
  const { known, keyIndex } = knownResults(prev, !columns.sameIds)
  // positions computed here (first of their content key), and repeats that reuse one of them
  const dirty: number[] = []
  const repeats: number[] = []
  const firstOfKey = new Set<string>()
  for (const i of pending) {
    const key = resultKeys[i] as string
    const found = known(key)
    if (found !== MISSING) {
      results[i] = found
      counts.reused++
    } else if (firstOfKey.has(key)) {
      repeats.push(i)
    } else {
      firstOfKey.add(key)
      dirty.push(i)
    }
  }
  const finish = (computed: readonly unknown[]): ComputedResults => {
    const index = keyIndex()
    return {
      ...record(prev, columns, dirty, repeats, computed, counts),
      ...(index && { keyIndex: index }),
    }
  }

  if (dirty.length === 0) return finish([])
  if (batch) {
    const out = batch(dirty.map((i) => elements[i] as E))
    return isPromiseLike(out)
      ? Promise.resolve(out).then((value) => finish(checkBatch(value, dirty.length)))
      : finish(checkBatch(out, dirty.length))
  }
  const element = spec.element
  return finish(dirty.map((i) => (element ? element(elements[i] as E) : null)))
}

/** Writes the computed results into the columns and counts them; repeats reuse their twin. */
function record(
  prev: Previous,
  columns: PendingResults,
  dirty: readonly number[],
  repeats: readonly number[],
  computed: readonly unknown[],
  counts: UpdateCounts,
): ComputedResults {
  const blobs: Record<string, unknown> = {}
  const why: RecomputeReason[] = []
  recordComputed(prev, columns, dirty, computed, counts, blobs, why)
  reuseRepeats(columns, repeats, counts, blobs)
  // `dirty` is in document order, so the reasons are too, as with one call per element
  return { blobs, why }
}

// The two loops below are functions of their own, ending with their loop: the first update of
// a large document runs them 10,000 times, and V8 compiles them on-stack from inside the loop.
// Code after such a loop gets no type feedback before that compilation, and V8 (Node 20) keeps
// re-entering the compiled loop on later small updates and bailing out at that code, on every
// call. Nothing after the loop means nothing to bail out on.

function recordComputed(
  prev: Previous,
  columns: PendingResults,
  dirty: readonly number[],
  computed: readonly unknown[],
  counts: UpdateCounts,
  blobs: Record<string, unknown>,
  why: RecomputeReason[],
): void {
  const { elements, resultKeys, results } = columns
  for (let n = 0; n < dirty.length; n++) {
    const i = dirty[n] as number
    let result = computed[n]
    if (result === undefined) result = null
    canonicalJson(result) // throws MX_INCREMENTAL_NOT_SERIALIZABLE before anything is stored
    results[i] = result
    blobs[resultKeys[i] as string] = result
    counts.recomputed++
    const id = (elements[i] as Element).id
    const input = keys.element(id)
    why.push({ key: keys.result(id), changed: [input], inputs: [input], first: !prev.byId.has(id) })
  }
}

function reuseRepeats(
  columns: PendingResults,
  repeats: readonly number[],
  counts: UpdateCounts,
  blobs: Record<string, unknown>,
): void {
  const { resultKeys, results } = columns
  for (let n = 0; n < repeats.length; n++) {
    const i = repeats[n] as number
    results[i] = blobs[resultKeys[i] as string]
    counts.reused++
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  )
}

/** The batch hook must return one result per dirty element, in the same order. */
function checkBatch(value: unknown, expected: number): readonly unknown[] {
  if (!Array.isArray(value)) throw new BatchResultError(expected, value)
  if (value.length !== expected) throw new BatchResultError(expected, value)
  return value
}

type KnownResults = (key: string) => unknown

/** Look-ups answered by scanning the key column before an index is worth building. */
const SCANS_BEFORE_INDEX = 8

/**
 * Looks results up by content key among the previous version's results, through the key index.
 * The index only gives hints: every key of the version is in it, but a position may since hold
 * another key, so a hit is checked and a stale one falls back to scanning the key column.
 * When the previous version has no index, one is built, to be carried from version to version
 * while ids stay in place. When they did not (`scanFirst`: an insert, a removal, a move), no
 * index would be carried, and the first few look-ups scan instead: an insert looks up one key,
 * and indexing 10,000 keys for it would cost far more.
 */
function knownResults(
  prev: Previous,
  scanFirst: boolean,
): { known: KnownResults; keyIndex: () => Map<string, number> | undefined } {
  const { resultKeys, results } = prev
  let keyIndex = prev.keyIndex
  let scans = scanFirst ? 0 : SCANS_BEFORE_INDEX
  const scan = (key: string): unknown => {
    for (let j = 0; j < resultKeys.length; j++) {
      if (resultKeys[j] === key && results[j] !== MISSING) return results[j]
    }
    return MISSING
  }
  const known = (key: string): unknown => {
    if (keyIndex === undefined && ++scans <= SCANS_BEFORE_INDEX) return scan(key)
    keyIndex ??= indexKeys(resultKeys)
    const at = keyIndex.get(key)
    if (at === undefined) return MISSING
    return resultKeys[at] === key && results[at] !== MISSING ? results[at] : scan(key)
  }
  return { known, keyIndex: () => keyIndex }
}

/** Result key → a position holding it (the last one). */
export function indexKeys(resultKeys: readonly string[]): Map<string, number> {
  const index = new Map<string, number>()
  for (let j = 0; j < resultKeys.length; j++) index.set(resultKeys[j] as string, j)
  return index
}
