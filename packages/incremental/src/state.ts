import { type ChunkIndex, type ElementColumns, emptyChunks } from './chunks'
import { createGraph, type Graph } from './graph'
import { digest } from './hash'
import { IdIndex } from './id-index'
import type { PartialValues } from './map-reduce'
import type { SnapshotTable } from './snapshot'
import type { VersionRecord } from './store-types'
import type { DocumentContext } from './tracker-types'
import type { Element, GraphContext, SourceValue } from './types'

/** The inputs of the update being computed, read on demand by derived values. */
export interface CurrentInputs {
  elements: readonly Element[]
  byId: IdIndex
  hashes: string[]
  resultKeys: string[]
  ordered: Array<{ id: string; result: unknown }>
  fingerprint: string
  resultsFingerprint: string
  ids?: SourceValue
}

/** Marks a result the store could not return (it is recomputed, never guessed). */
export const MISSING: unique symbol = Symbol('missing result')

/** The elements of the latest version, by position, for O(1) reuse of unchanged results. */
export interface Previous extends ElementColumns {
  byId: IdIndex
  results: unknown[]
  chunks: ChunkIndex
  /** The element objects of the latest update (only while it is in memory). */
  elements?: readonly Element[]
  /** The `{ id, result }` entries of the latest update, shared (frozen) when still the same. */
  ordered?: ReadonlyArray<{ id: string; result: unknown }>
  /**
   * Result key → a position that held it, carried from version to version while ids stay in
   * place (only changed positions are added). Every key of the version is in it; a position
   * may since hold another key, so it is a hint to check, never an answer.
   */
  keyIndex?: Map<string, number>
  /** Content snapshots of those elements (default mode), to skip re-hashing unchanged ones. */
  snapshots?: SnapshotTable
}

/** The state of a document with no (readable) version. */
export const emptyPrevious = (): Previous => ({
  ids: [],
  hashes: [],
  resultKeys: [],
  byId: IdIndex.empty,
  results: [],
  chunks: emptyChunks(),
})

/** What a tracker keeps in memory about the latest version of one document. */
export interface DocumentState {
  head: number | null
  record: VersionRecord | undefined
  previous: Previous
  graph: Graph
  derivedNames: Set<string>
  /** Partial values of each `mapReduce` derived value, by chunk key (see `map-reduce.ts`). */
  partials: Map<string, PartialValues>
  current: CurrentInputs | undefined
}

export const keys = {
  element: (id: string) => `element:${id}`,
  result: (id: string) => `result:${id}`,
  derived: (name: string) => `derived:${name}`,
  config: (name: string) => `config:${name}`,
  elements: '@elements',
  results: '@results',
  ids: '@ids',
}

/** The state for a document: empty, or rebuilt from a stored record and its element list. */
export function stateFrom(
  head: number | null,
  record: VersionRecord | undefined,
  previous: Previous = emptyPrevious(),
): DocumentState {
  const state: DocumentState = {
    head,
    record,
    previous,
    graph: createGraph({
      ...(record ? { snapshot: record.derived } : {}),
      source: (key) => (state.current ? lookup(state.current, key) : undefined),
    }),
    derivedNames: new Set(),
    partials: new Map(),
    current: undefined,
  }
  return state
}

function lookup(current: CurrentInputs, key: string): SourceValue | undefined {
  if (key === keys.elements) return { value: current.elements, fingerprint: current.fingerprint }
  if (key === keys.results)
    return { value: current.ordered, fingerprint: current.resultsFingerprint }
  if (key === keys.ids) {
    if (!current.ids) {
      const ids = current.ordered.map((entry) => entry.id)
      current.ids = { value: ids, fingerprint: digest(ids.join('\u0000')) }
    }
    return current.ids
  }
  const colon = key.indexOf(':')
  const kind = key.slice(0, colon)
  if (kind !== 'element' && kind !== 'result') return undefined
  const index = current.byId.get(key.slice(colon + 1))
  if (index === undefined) return undefined
  return kind === 'element'
    ? { value: current.elements[index], fingerprint: current.hashes[index] as string }
    : {
        value: (current.ordered[index] as { result: unknown }).result,
        fingerprint: current.resultKeys[index] as string,
      }
}

/** Fingerprint of a document's content: the keys of its element chunks. */
export function documentFingerprint(chunks: ChunkIndex): string {
  return digest(chunks.keys.join(','))
}

/** The `ctx` a derived function sees, recording each read in the graph. */
export function documentContext<E extends Element, R>(ctx: GraphContext): DocumentContext<E, R> {
  return {
    elements: () => ctx.get<readonly E[]>(keys.elements),
    results: () => ctx.get<ReadonlyArray<{ id: string; result: R }>>(keys.results),
    ids: () => ctx.get<readonly string[]>(keys.ids),
    element: (id) => ctx.get<E | undefined>(keys.element(id)),
    result: (id) => ctx.get<R | undefined>(keys.result(id)),
    get: <T>(name: string) => ctx.get<T>(keys.derived(name)),
    config: <T>(name: string) => ctx.get<T>(keys.config(name)),
  }
}
