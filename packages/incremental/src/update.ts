import { chunkElements } from './chunks'
import { indexById } from './diff'
import { InvalidOptionError } from './errors'
import { digest } from './hash'
import { type ComputedResults, computePending } from './results'
import { matchesSnapshot, type Snapshot, takeSnapshot } from './snapshot'
import {
  type DocumentState,
  documentContext,
  documentFingerprint,
  keys,
  MISSING,
  type Previous,
} from './state'
import type {
  DerivedDefinition,
  DocumentValue,
  Element,
  RecomputeReason,
  UpdateCounts,
  UpdateSpec,
  VersionRecord,
} from './types'

export interface UpdateEnvironment {
  hashOf: (element: Element) => string
  resultKeyOf: (hash: string) => string
  resultsKey: string
  config: Record<string, unknown>
  now: () => number
  /** Element objects are never mutated: an object seen last time keeps its hash. */
  immutable: boolean
}

export interface PlannedUpdate<R> {
  record: VersionRecord
  blobs: Record<string, unknown>
  previous: Previous
  unchanged: boolean
  counts: UpdateCounts
  why: RecomputeReason[]
  value: DocumentValue<R>
}

/**
 * Computes the next version of a document from its in-memory state: element results are reused
 * by content key, derived values are pulled through the state's graph (so only the ones whose
 * recorded dependencies changed run), and the new record references unchanged results by key.
 */
export function planUpdate<E extends Element, R>(
  docId: string,
  state: DocumentState,
  elements: readonly E[],
  spec: UpdateSpec<E, R>,
  env: UpdateEnvironment,
): PlannedUpdate<R> | Promise<PlannedUpdate<R>> {
  if (!Array.isArray(elements)) {
    throw new InvalidOptionError('elements', `elements must be an array, got ${typeof elements}`)
  }
  const prev = state.previous
  const size = elements.length
  // same ids in the same order as last time (the common edit): reuse the id index as it is
  const sameIds = hasSameIds(elements, prev.ids)
  const byId = sameIds ? prev.byId : indexById(elements)
  const counts: UpdateCounts = {
    added: 0,
    updated: 0,
    skipped: 0,
    deleted: 0,
    recomputed: 0,
    reused: 0,
  }
  const ids: string[] = sameIds ? prev.ids : new Array(size)
  const hashes: string[] = new Array(size)
  const resultKeys: string[] = new Array(size)
  const results: unknown[] = new Array(size)
  const snapshots: Array<Snapshot | undefined> | undefined = env.immutable
    ? undefined
    : new Array(size)
  const prevElements = prev.elements
  const prevSnapshots = prev.snapshots
  const pending: number[] = []
  let matched = 0

  for (let i = 0; i < size; i++) {
    const element = elements[i] as E
    const id = element.id
    const at = sameIds ? i : prev.byId.get(id)
    let hash: string
    if (at === undefined) {
      hash = env.hashOf(element)
      if (snapshots) snapshots[i] = takeSnapshot(element)
    } else if (snapshots) {
      // default mode: an element whose fields still equal the snapshot keeps its hash
      const snapshot = prevSnapshots?.[at]
      if (snapshot !== undefined && matchesSnapshot(element, snapshot)) {
        hash = prev.hashes[at] as string
        snapshots[i] = snapshot
      } else {
        hash = env.hashOf(element)
        snapshots[i] = takeSnapshot(element)
      }
    } else {
      hash = prevElements?.[at] === element ? (prev.hashes[at] as string) : env.hashOf(element)
    }
    ids[i] = id
    hashes[i] = hash
    if (at !== undefined) matched++
    if (at !== undefined && prev.hashes[at] === hash && prev.results[at] !== MISSING) {
      // the common case: same element, same content, reuse by position without any lookup
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

  // changed or new elements: reuse a result with the same content key, else compute it
  const computed = computePending(prev, { elements, pending, resultKeys, results }, spec, counts)
  const planned: Classified<E> = {
    elements,
    sameIds,
    byId,
    ids,
    hashes,
    resultKeys,
    results,
    snapshots,
    counts,
  }
  const finish = (out: ComputedResults) => finishUpdate(docId, state, planned, out, spec, env)
  return computed instanceof Promise ? computed.then(finish) : finish(computed)
}

/** The element columns of an update once every element is hashed and classified. */
interface Classified<E extends Element> {
  elements: readonly E[]
  sameIds: boolean
  byId: Map<string, number>
  ids: string[]
  hashes: string[]
  resultKeys: string[]
  results: unknown[]
  snapshots: Array<Snapshot | undefined> | undefined
  counts: UpdateCounts
}

/** Builds the record of the next version once every element result is known. */
function finishUpdate<E extends Element, R>(
  docId: string,
  state: DocumentState,
  planned: Classified<E>,
  { blobs, why }: ComputedResults,
  spec: UpdateSpec<E, R>,
  env: UpdateEnvironment,
): PlannedUpdate<R> {
  const { elements, sameIds, byId, ids, hashes, resultKeys, results, snapshots, counts } = planned
  const prev = state.previous
  const size = elements.length
  const ordered: Array<{ id: string; result: R }> = new Array(size)
  const prevOrdered = sameIds ? (prev.ordered as typeof ordered | undefined) : undefined
  for (let i = 0; i < size; i++) {
    const kept = prevOrdered?.[i]
    ordered[i] =
      kept !== undefined && kept.result === results[i]
        ? kept
        : Object.freeze({ id: ids[i] as string, result: results[i] as R })
  }
  const graph = state.graph

  const chunks = chunkElements({ ids, hashes, resultKeys }, prev, blobs, sameIds)
  const fingerprint = documentFingerprint(chunks)
  state.current = {
    elements,
    byId,
    hashes,
    resultKeys,
    ordered,
    fingerprint,
    resultsFingerprint: digest(`${env.resultsKey}\u0000${fingerprint}`),
  }
  graph.invalidate()
  for (const [name, value] of Object.entries(env.config)) {
    graph.set(keys.config(name), value, { durability: 'high' })
  }

  const derivedSpec = spec.derived ?? {}
  const names = Object.keys(derivedSpec)
  for (const name of state.derivedNames) {
    if (!(name in derivedSpec)) graph.undefine(keys.derived(name))
  }
  state.derivedNames = new Set(names)
  for (const name of names) {
    const definition = derivedSpec[name] as DerivedDefinition<E, R>
    const compute = typeof definition === 'function' ? definition : definition?.compute
    if (typeof compute !== 'function') {
      throw new InvalidOptionError(
        `derived.${name}`,
        `derived.${name} must be a function or { compute, deps }`,
      )
    }
    const deps = typeof definition === 'function' ? [] : (definition.deps ?? []).map(graphKey)
    graph.derive(keys.derived(name), (ctx) => compute(documentContext<E, R>(ctx)), { deps })
  }
  const derived: Record<string, unknown> = {}
  let derivedRecomputed = 0
  const stop = graph.on('recompute', (reason) => {
    derivedRecomputed++
    why.push(reason)
  })
  try {
    for (const name of names) derived[name] = graph.get(keys.derived(name))
  } finally {
    stop()
  }
  counts.recomputed += derivedRecomputed
  counts.reused += names.length - derivedRecomputed

  const snapshot = graph.snapshot()
  const head = state.head
  const record: VersionRecord = {
    docId,
    version: (head ?? 0) + 1,
    parent: head,
    createdAt: env.now(),
    kind: 'update',
    chunks: chunks.keys,
    elementCount: size,
    fingerprint,
    derived: snapshot,
  }
  return {
    record,
    blobs,
    previous: {
      ids,
      hashes,
      resultKeys,
      byId,
      results,
      chunks,
      elements,
      ordered,
      ...(snapshots ? { snapshots } : {}),
    },
    unchanged: state.record !== undefined && sameContent(state.record, record),
    counts,
    why,
    value: { elements: ordered, derived },
  }
}

const WHOLE: Record<string, string> = {
  elements: keys.elements,
  results: keys.results,
  ids: keys.ids,
}

/** The graph key of a declared dependency. */
function graphKey(dep: string): string {
  const whole = WHOLE[dep]
  if (whole) return whole
  if (/^(element|result|derived|config):./.test(dep)) return dep
  throw new InvalidOptionError('deps', `unknown declared dependency "${dep}"`)
}

function sameContent(prev: VersionRecord, next: VersionRecord): boolean {
  if (prev.fingerprint !== next.fingerprint) return false
  const prevNames = Object.keys(prev.derived)
  const nextNames = Object.keys(next.derived)
  if (prevNames.length !== nextNames.length) return false
  for (const name of nextNames) {
    if (prev.derived[name]?.fingerprint !== next.derived[name]?.fingerprint) return false
  }
  return true
}

/** True when the elements carry exactly the ids of the previous version, position by position. */
function hasSameIds(elements: readonly Element[], ids: readonly string[]): boolean {
  if (elements.length !== ids.length) return false
  for (let i = 0; i < ids.length; i++) {
    const element = elements[i] as { id?: unknown } | null | undefined
    if (element == null || element.id !== ids[i]) return false
  }
  return true
}
