import type { IgnoreTree } from './hash'
import { IdIndex } from './id-index'
import { SnapshotTable } from './snapshot'
import { MISSING, type Previous } from './state'
import type { UpdateCounts } from './tracker-types'
import type { Element } from './types'

/** How elements are hashed and keyed (the part of the update environment this step needs). */
export interface ClassifyEnvironment {
  hashOf: (element: Element) => string
  resultKeyOf: (hash: string) => string
  /** Element objects are never mutated: an object seen last time keeps its hash. */
  immutable: boolean
  /** The fields the element hash leaves out (`id` and `ignoreFields`), see `elementIgnoreTree`. */
  ignore?: IgnoreTree
}

/** The element columns of an update once every element is hashed and classified. */
export interface Classified<E extends Element> {
  elements: readonly E[]
  /** The ids equal the previous version's, position by position. */
  sameIds: boolean
  byId: IdIndex
  ids: string[]
  hashes: string[]
  resultKeys: string[]
  /** Reused results; the pending positions are filled in later. */
  results: unknown[]
  snapshots: SnapshotTable | undefined
  counts: UpdateCounts
  /** Positions whose result could not be reused by position, in document order. */
  pending: number[]
  /**
   * With `sameIds`: the positions whose hash or result key differs from the previous version's
   * (every other position holds exactly the previous entry). Undefined otherwise.
   */
  changed: number[] | undefined
  /** Without `sameIds`: each element's position in the previous version (-1: a new id). */
  from: Int32Array | undefined
}

const zeroCounts = (): UpdateCounts => ({
  added: 0,
  updated: 0,
  skipped: 0,
  deleted: 0,
  recomputed: 0,
  reused: 0,
})

/**
 * Hashes the elements of an update (skipping the ones whose content provably did not change)
 * and sorts them into reused and pending. The common edit keeps every id in place; that case
 * starts from copies of the previous columns and only writes what changed.
 */
export function classify<E extends Element>(
  elements: readonly E[],
  prev: Previous,
  env: ClassifyEnvironment,
): Classified<E> {
  const classified =
    (elements.length > 0 && classifySameIds(elements, prev, env)) ||
    classifyMatched(elements, prev, env)
  classified.snapshots?.compact()
  return classified
}

/**
 * Every id is where it was (else undefined): compare position by position, starting from
 * copies of the previous columns. The ids are checked in the same pass as the contents, and
 * suspects are hashed only after it, so an id error is reported before any hashing, as on
 * the general path.
 */
function classifySameIds<E extends Element>(
  elements: readonly E[],
  prev: Previous,
  env: ClassifyEnvironment,
): Classified<E> | undefined {
  const size = elements.length
  const ids = prev.ids
  if (ids.length !== size) return undefined
  const prevSnapshots = prev.snapshots
  const suspects: number[] = []
  let snapshots: SnapshotTable | undefined
  if (env.immutable) {
    // the very same object keeps its hash (not even its id is read again); any other is hashed
    const prevElements = prev.elements
    for (let i = 0; i < size; i++) {
      const element = elements[i] as E | null | undefined
      if (prevElements !== undefined && prevElements[i] === element) continue
      if (element == null || element.id !== ids[i]) return undefined
      suspects.push(i)
    }
  } else if (prevSnapshots) {
    // an element whose fields still equal its snapshot keeps its hash
    snapshots = prevSnapshots.scan(elements, prev.elements, ids, suspects)
    if (snapshots === undefined) return undefined
  } else {
    for (let i = 0; i < size; i++) {
      const element = elements[i] as E | null | undefined
      if (element == null || element.id !== ids[i]) return undefined
      suspects.push(i)
    }
    snapshots = SnapshotTable.create(size)
  }
  // slices are memory copies: far cheaper than writing 10,000 entries one by one
  const hashes = prev.hashes.slice()
  const resultKeys = prev.resultKeys.slice()
  const results = prev.results.slice()
  const changed: number[] = []
  for (const i of suspects) {
    const element = elements[i] as E
    const hash = env.hashOf(element)
    snapshots?.take(i, element, env.ignore)
    if (hash !== hashes[i]) {
      hashes[i] = hash
      resultKeys[i] = env.resultKeyOf(hash)
      changed.push(i)
    }
  }
  const { pending, rekeyed } = withMissing(changed, { hashes, resultKeys, results }, env)
  const counts = zeroCounts()
  counts.updated = changed.length
  counts.skipped = size - changed.length
  counts.reused = size - pending.length
  return {
    elements,
    sameIds: true,
    byId: prev.byId,
    ids,
    hashes,
    resultKeys,
    results,
    snapshots,
    counts,
    pending,
    changed: rekeyed,
    from: undefined,
  }
}

/**
 * The pending positions: the changed ones, plus (in document order) unchanged ones without a
 * result: the store could not return it, or it was computed under another extraction key (their
 * result key is renewed, which changes their chunk too, hence `rekeyed`). Usually there are
 * none, and `changed` serves as both.
 */
function withMissing(
  changed: number[],
  columns: { hashes: string[]; resultKeys: string[]; results: unknown[] },
  env: ClassifyEnvironment,
): { pending: number[]; rekeyed: number[] } {
  const { hashes, resultKeys, results } = columns
  if (results.indexOf(MISSING) === -1) return { pending: changed, rekeyed: changed }
  const pending: number[] = []
  const rekeyed: number[] = []
  let next = 0
  for (let i = 0; i < results.length; i++) {
    if (changed[next] === i) {
      pending.push(i)
      rekeyed.push(i)
      next++
    } else if (results[i] === MISSING) {
      pending.push(i)
      const key = env.resultKeyOf(hashes[i] as string)
      if (key !== resultKeys[i]) {
        resultKeys[i] = key
        rekeyed.push(i)
      }
    }
  }
  return { pending, rekeyed }
}

/** Ids were inserted, removed or moved: match each element to its previous position by id. */
function classifyMatched<E extends Element>(
  elements: readonly E[],
  prev: Previous,
  env: ClassifyEnvironment,
): Classified<E> {
  const size = elements.length
  const byId = IdIndex.of(elements)
  const counts = zeroCounts()
  const ids: string[] = new Array(size)
  const hashes: string[] = new Array(size)
  const resultKeys: string[] = new Array(size)
  const results: unknown[] = new Array(size)
  const prevElements = prev.elements
  const prevSnapshots = prev.snapshots
  const snapshots = env.immutable
    ? undefined
    : (prevSnapshots?.empty(size) ?? SnapshotTable.create(size))
  const pending: number[] = []
  const from = new Int32Array(size)
  const prevIds = prev.ids
  // offset of the last match: after an insert or a delete the elements that follow are found
  // at the same offset, without an index look-up
  let offset = 0
  let matched = 0

  for (let i = 0; i < size; i++) {
    const element = elements[i] as E
    const id = element.id
    let at: number | undefined = i + offset
    if (prevIds[at] !== id) {
      at = prev.byId.get(id)
      if (at !== undefined) offset = at - i
    }
    let hash: string
    if (at === undefined) {
      hash = env.hashOf(element)
      snapshots?.take(i, element, env.ignore)
    } else if (snapshots) {
      if (prevSnapshots?.matches(at, element)) {
        hash = prev.hashes[at] as string
        snapshots.copy(prevSnapshots, at, i, prevElements?.[at] === element)
      } else {
        hash = env.hashOf(element)
        snapshots.take(i, element, env.ignore)
      }
    } else {
      hash = prevElements?.[at] === element ? (prev.hashes[at] as string) : env.hashOf(element)
    }
    ids[i] = id
    hashes[i] = hash
    from[i] = at ?? -1
    if (at !== undefined) matched++
    if (at !== undefined && prev.hashes[at] === hash && prev.results[at] !== MISSING) {
      // same element, same content: reuse by position without any lookup
      counts.skipped++
      counts.reused++
      resultKeys[i] = prev.resultKeys[at] as string
      results[i] = prev.results[at]
    } else {
      if (at === undefined) counts.added++
      else if (prev.hashes[at] === hash) counts.skipped++
      else counts.updated++
      resultKeys[i] = env.resultKeyOf(hash)
      pending.push(i)
    }
  }
  counts.deleted = prev.hashes.length - matched
  return {
    elements,
    sameIds: false,
    byId,
    ids,
    hashes,
    resultKeys,
    results,
    snapshots,
    counts,
    pending,
    changed: undefined,
    from,
  }
}
