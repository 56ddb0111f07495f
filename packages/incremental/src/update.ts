import { chunkElements } from './chunks'
import { type Classified, type ClassifyEnvironment, classify } from './classify'
import { InvalidOptionError } from './errors'
import { digest } from './hash'
import { isMapReduce, runMapReduce } from './map-reduce'
import { type ComputedResults, computePending } from './results'
import {
  type DocumentState,
  documentContext,
  documentFingerprint,
  keys,
  type Previous,
} from './state'
import type { VersionRecord } from './store-types'
import type { DerivedDefinition, DocumentValue, UpdateCounts, UpdateSpec } from './tracker-types'
import type { Element, RecomputeReason } from './types'

export interface UpdateEnvironment extends ClassifyEnvironment {
  resultsKey: string
  config: Record<string, unknown>
  now: () => number
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
  const planned = classify(elements, state.previous, env)
  // changed or new elements: reuse a result with the same content key, else compute it
  const computed = computePending(state.previous, planned, spec, planned.counts)
  const finish = (out: ComputedResults) => finishUpdate(docId, state, planned, out, spec, env)
  return computed instanceof Promise ? computed.then(finish) : finish(computed)
}

/** Builds the record of the next version once every element result is known. */
function finishUpdate<E extends Element, R>(
  docId: string,
  state: DocumentState,
  planned: Classified<E>,
  { blobs, why, keyIndex }: ComputedResults,
  spec: UpdateSpec<E, R>,
  env: UpdateEnvironment,
): PlannedUpdate<R> {
  const { elements, sameIds, byId, ids, hashes, resultKeys, results, snapshots, counts } = planned
  const prev = state.previous
  const ordered = orderedResults<R>(planned, prev)
  const graph = state.graph

  const chunks = chunkElements(planned, prev, blobs, sameIds ? planned.changed : undefined)
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
  // partial values belong to a name only while it is a mapReduce value
  for (const name of state.partials.keys()) {
    if (!isMapReduce(derivedSpec[name])) state.partials.delete(name)
  }
  state.derivedNames = new Set(names)
  for (const name of names) {
    const definition = derivedSpec[name] as DerivedDefinition<E, R>
    if (isMapReduce(definition)) {
      graph.derive(keys.derived(name), (ctx) => {
        const out = runMapReduce(definition, documentContext(ctx), chunks, state.partials.get(name))
        state.partials.set(name, out.partials)
        return out.value
      })
      continue
    }
    const compute = typeof definition === 'function' ? definition : definition?.compute
    if (typeof compute !== 'function') {
      throw new InvalidOptionError(
        `derived.${name}`,
        `derived.${name} must be a function, { compute, deps } or mapReduce({ map, reduce })`,
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
    elementCount: elements.length,
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
      ...nextKeyIndex(planned, keyIndex ?? prev.keyIndex),
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

/**
 * The `{ id, result }` entries of the value: frozen, and shared with the previous update's
 * while the element keeps its id and its result is the same object (so when ids stay in place
 * only the pending positions can differ).
 */
function orderedResults<R>(
  planned: Classified<Element>,
  prev: Previous,
): Array<{ id: string; result: R }> {
  type Entry = { id: string; result: R }
  const { ids, results, pending, from } = planned
  const entry = (i: number) => Object.freeze({ id: ids[i] as string, result: results[i] as R })
  const prevOrdered = prev.ordered as Entry[] | undefined
  if (prevOrdered === undefined) {
    const ordered: Entry[] = new Array(ids.length)
    for (let i = 0; i < ids.length; i++) ordered[i] = entry(i)
    return ordered
  }
  if (from !== undefined) {
    // ids were inserted, removed or moved: take each entry from the element's previous position
    const ordered: Entry[] = new Array(ids.length)
    for (let i = 0; i < ids.length; i++) {
      const at = from[i] as number
      const kept = at === -1 ? undefined : prevOrdered[at]
      ordered[i] = kept !== undefined && kept.result === results[i] ? kept : entry(i)
    }
    return ordered
  }
  const ordered = prevOrdered.slice()
  for (const i of pending) {
    if ((ordered[i] as Entry).result !== results[i]) ordered[i] = entry(i)
  }
  return ordered
}

/**
 * The key index for the next update: the same map with this update's new keys added, while ids
 * stayed in place (positions still mean the same) and stale entries have not piled up.
 */
function nextKeyIndex(
  planned: Classified<Element>,
  index: Map<string, number> | undefined,
): { keyIndex?: Map<string, number> } {
  const { changed, resultKeys } = planned
  if (!planned.sameIds || changed === undefined || index === undefined) return {}
  if (index.size > 2 * resultKeys.length + 1024) return {}
  for (const i of changed) index.set(resultKeys[i] as string, i)
  return { keyIndex: index }
}
