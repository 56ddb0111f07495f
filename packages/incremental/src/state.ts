import { createGraph, type Graph } from './graph'
import { digest } from './hash'
import type { DocumentContext, Element, GraphContext, VersionRecord } from './types'

/** What a tracker keeps in memory about the latest version of one document. */
export interface DocumentState {
  head: number | null
  record: VersionRecord | undefined
  /** Result key → element result, for the results the latest version references. */
  results: Map<string, unknown>
  graph: Graph
  derivedNames: Set<string>
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

/** The state for a document: empty, or rebuilt from a stored record and its results. */
export function stateFrom(
  head: number | null,
  record: VersionRecord | undefined,
  results: Map<string, unknown>,
): DocumentState {
  return {
    head,
    record,
    results,
    graph: createGraph(record ? { snapshot: record.derived } : {}),
    derivedNames: new Set(),
  }
}

/** Fingerprint of a document's content: its ids and element hashes in order. */
export function documentFingerprint(entries: ReadonlyArray<readonly [string, string]>): string {
  let text = ''
  for (const [id, hash] of entries) text += `${id}\u0000${hash}\u0001`
  return digest(text)
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
