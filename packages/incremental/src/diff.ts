import { DuplicateIdError, MissingIdError } from './errors'
import { elementIgnoreTree, hashElement } from './hash'
import { IdIndex } from './id-index'
import { checkDiffArguments } from './options'
import { sameContent } from './same-content'
import type { DiffOptions, Element, ElementDiff, ElementMatch } from './types'

/**
 * Diffs two element lists in O(n) matching plus an O(n log n) longest-increasing-subsequence
 * pass for moves. Elements match by id first, then leftovers by content hash (an element whose
 * id was regenerated keeps its identity). A matched element counts as moved only if it left
 * the longest run of elements that kept their relative order, so inserting or deleting a
 * neighbour never marks the rest as moved.
 */
export function diffElements<E extends Element>(
  prev: readonly E[],
  next: readonly E[],
  options: DiffOptions = {},
): ElementDiff<E> {
  checkDiffArguments(prev, next, options)
  const prevById = IdIndex.of(prev)
  // prevFor[j]: the index in prev matched to next[j], nextFor[i]: the other way round (or -1)
  const { prevFor, nextFor } = matchIds(prevById, prev.length, next)
  let prevHashes: string[]
  let nextHashes: string[]
  if (options.hashOf) {
    // the caller's hashes: asked for every element on both sides (the same object may get a
    // stored hash as `prev` and a fresh one as `next`)
    const hashOf = options.hashOf
    prevHashes = prev.map((element) => hashOf(element, 'prev'))
    nextHashes = next.map((element) => hashOf(element, 'next'))
  } else {
    // a pair matched by id whose content provably hashes the same (the very same object, or
    // equal fields) is unchanged without hashing either side; only the rest are hashed
    const ignoreFields = options.ignoreFields
    const ignore = elementIgnoreTree(ignoreFields)
    prevHashes = new Array(prev.length)
    nextHashes = new Array(next.length)
    for (let j = 0; j < next.length; j++) {
      const i = prevFor[j] as number
      if (i === -1) continue
      const before = prev[i]
      const after = next[j]
      if (before === after || sameContent(before, after, ignore)) {
        prevHashes[i] = ''
        nextHashes[j] = ''
      }
    }
    const hash = (element: Element) => hashElement(element, { ignoreFields })
    for (let i = 0; i < prev.length; i++) prevHashes[i] ??= hash(prev[i] as E)
    for (let j = 0; j < next.length; j++) nextHashes[j] ??= hash(next[j] as E)
  }
  const byHash = new Uint8Array(next.length)
  const leftovers = new Map<string, number[]>()
  for (let i = prev.length - 1; i >= 0; i--) {
    if (nextFor[i] !== -1) continue
    const hash = prevHashes[i] as string
    const list = leftovers.get(hash)
    if (list) list.push(i)
    else leftovers.set(hash, [i])
  }
  if (leftovers.size > 0) {
    for (let j = 0; j < next.length; j++) {
      if (prevFor[j] !== -1) continue
      const i = leftovers.get(nextHashes[j] as string)?.pop()
      if (i === undefined) continue
      prevFor[j] = i
      nextFor[i] = j
      byHash[j] = 1
    }
  }

  const inPlace = longestIncreasingRun(prevFor)
  const diff: ElementDiff<E> = { added: [], removed: [], modified: [], moved: [], unchanged: [] }
  for (let j = 0; j < next.length; j++) {
    const i = prevFor[j] as number
    if (i === -1) {
      diff.added.push(next[j] as E)
      continue
    }
    const match: ElementMatch<E> = {
      prev: prev[i] as E,
      next: next[j] as E,
      prevIndex: i,
      nextIndex: j,
      byHash: byHash[j] === 1,
    }
    if (prevHashes[i] !== nextHashes[j]) diff.modified.push(match)
    else if (inPlace[j]) diff.unchanged.push(match)
    else diff.moved.push(match)
  }
  for (let i = 0; i < prev.length; i++) if (nextFor[i] === -1) diff.removed.push(prev[i] as E)
  return diff
}

/**
 * Matches the elements of `next` to those of `prev` by id, both ways (-1: no match), checking
 * the ids of `next` as `IdIndex.of` does (same errors, same order) without a second index: a
 * repeated id is either found in `prev` twice, or among the few ids `prev` does not have.
 */
function matchIds(
  prevById: IdIndex,
  prevLength: number,
  next: readonly Element[],
): { prevFor: Int32Array; nextFor: Int32Array } {
  const prevFor = new Int32Array(next.length).fill(-1)
  const nextFor = new Int32Array(prevLength).fill(-1)
  const added = new Map<string, number>()
  for (let j = 0; j < next.length; j++) {
    const id = (next[j] as { id?: unknown } | null | undefined)?.id
    if (typeof id !== 'string' || id === '') throw new MissingIdError(j, id)
    const i = prevById.get(id)
    const seen = i === undefined ? added.get(id) : nextFor[i]
    if (seen !== undefined && seen !== -1) throw new DuplicateIdError(id, [seen, j])
    if (i === undefined) {
      added.set(id, j)
    } else {
      nextFor[i] = j
      prevFor[j] = i
    }
  }
  return { prevFor, nextFor }
}

/** Marks the positions (ignoring -1) that form one longest strictly increasing subsequence. */
function longestIncreasingRun(values: Int32Array): Uint8Array {
  const n = values.length
  const tails: number[] = [] // tails[k] = position ending the best run of length k+1
  const parent = new Int32Array(n).fill(-1)
  for (let j = 0; j < n; j++) {
    const value = values[j] as number
    if (value === -1) continue
    let lo = 0
    let hi = tails.length
    // most elements keep their order: extending the longest run needs no search
    if (hi > 0 && (values[tails[hi - 1] as number] as number) < value) lo = hi
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if ((values[tails[mid] as number] as number) < value) lo = mid + 1
      else hi = mid
    }
    if (lo > 0) parent[j] = tails[lo - 1] as number
    tails[lo] = j
  }
  const marked = new Uint8Array(n)
  let at = tails.length > 0 ? (tails[tails.length - 1] as number) : -1
  while (at !== -1) {
    marked[at] = 1
    at = parent[at] as number
  }
  return marked
}
