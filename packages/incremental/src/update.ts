import { indexById } from './diff'
import { canonicalJson, digest } from './hash'
import { type DocumentState, documentContext, documentFingerprint, keys } from './state'
import type {
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
}

export interface PlannedUpdate<R> {
  record: VersionRecord
  blobs: Record<string, unknown>
  results: Map<string, unknown>
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
): PlannedUpdate<R> {
  if (!Array.isArray(elements)) throw new TypeError('elements must be an array')
  indexById(elements)
  const prevEntries = state.record?.elements ?? []
  const prevHashes = new Map(prevEntries)
  const counts: UpdateCounts = {
    added: 0,
    updated: 0,
    skipped: 0,
    deleted: 0,
    recomputed: 0,
    reused: 0,
  }
  const why: RecomputeReason[] = []
  const results = new Map<string, unknown>()
  const entries: Array<[string, string]> = new Array(elements.length)
  const resultKeys: string[] = new Array(elements.length)
  const ordered: Array<{ id: string; result: R }> = new Array(elements.length)
  const graph = state.graph

  for (let i = 0; i < elements.length; i++) {
    const element = elements[i] as E
    const id = element.id
    const hash = env.hashOf(element)
    const before = prevHashes.get(id)
    if (before === undefined) counts.added++
    else if (before !== hash) counts.updated++
    else counts.skipped++
    const resultKey = env.resultKeyOf(hash)
    let result: unknown
    if (results.has(resultKey)) {
      result = results.get(resultKey)
      counts.reused++
    } else if (state.results.has(resultKey)) {
      result = state.results.get(resultKey)
      counts.reused++
    } else {
      result = spec.element ? spec.element(element) : null
      if (result === undefined) result = null
      canonicalJson(result)
      counts.recomputed++
      const input = keys.element(id)
      why.push({
        key: keys.result(id),
        changed: [input],
        inputs: [input],
        first: before === undefined,
      })
    }
    results.set(resultKey, result)
    entries[i] = [id, hash]
    resultKeys[i] = resultKey
    ordered[i] = { id, result: result as R }
    graph.set(keys.element(id), element, { fingerprint: hash })
    graph.set(keys.result(id), result, { fingerprint: resultKey })
  }
  const currentIds = new Set(entries.map(([id]) => id))
  for (const [id] of prevEntries) {
    if (currentIds.has(id)) continue
    counts.deleted++
    graph.delete(keys.element(id))
    graph.delete(keys.result(id))
  }

  const fingerprint = documentFingerprint(entries)
  const ids = entries.map(([id]) => id)
  graph.set(keys.elements, elements, { fingerprint })
  graph.set(keys.ids, ids, { fingerprint: digest(ids.join('\u0000')) })
  graph.set(keys.results, ordered, { fingerprint: digest(`${env.resultsKey}\u0000${fingerprint}`) })
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
    const compute = derivedSpec[name] as NonNullable<UpdateSpec<E, R>['derived']>[string]
    graph.derive(keys.derived(name), (ctx) => compute(documentContext<E, R>(ctx)))
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
  const blobs: Record<string, unknown> = {}
  for (const [key, result] of results) if (!state.results.has(key)) blobs[key] = result
  const head = state.head
  const record: VersionRecord = {
    docId,
    version: (head ?? 0) + 1,
    parent: head,
    createdAt: env.now(),
    kind: 'update',
    elements: entries,
    fingerprint,
    results: resultKeys,
    derived: snapshot,
  }
  return {
    record,
    blobs,
    results,
    unchanged: state.record !== undefined && sameContent(state.record, record),
    counts,
    why,
    value: { elements: ordered, derived },
  }
}

function sameContent(prev: VersionRecord, next: VersionRecord): boolean {
  if (prev.fingerprint !== next.fingerprint) return false
  if (prev.results.length !== next.results.length) return false
  for (let i = 0; i < prev.results.length; i++)
    if (prev.results[i] !== next.results[i]) return false
  const prevNames = Object.keys(prev.derived)
  const nextNames = Object.keys(next.derived)
  if (prevNames.length !== nextNames.length) return false
  for (const name of nextNames) {
    if (prev.derived[name]?.fingerprint !== next.derived[name]?.fingerprint) return false
  }
  return true
}
