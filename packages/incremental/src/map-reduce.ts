/**
 * Document-wide derived values computed chunk by chunk. A plain derived function that reads
 * every element or result (an outline, a word count, the set of links) runs in full after any
 * edit. A `mapReduce` value runs `map` on the elements of the chunks that changed only: the
 * element list is already cut into content-addressed chunks (`chunks.ts`, about 32 elements
 * each), each chunk's values are reduced to one partial value, kept by chunk key, and the value
 * is `reduce` over the partials of every chunk, in document order.
 */

import type { ChunkIndex } from './chunks'
import { InvalidOptionError } from './errors'
import { checkKnownKeys } from './kernel'
import type { DocumentContext } from './tracker-types'
import type { Element } from './types'

/** Brand of a `mapReduce` definition (`Symbol.for`, so the ESM and CJS builds agree). */
const MAP_REDUCE: unique symbol = Symbol.for('@mx/incremental/mapReduce') as never

/**
 * A derived value folded over the elements. Method signatures (rather than function-typed
 * properties) let a definition of any `P` stand in a `DerivedDefinition<E, R>`.
 */
export interface MapReduceDefinition<E extends Element = Element, R = unknown, P = unknown> {
  readonly [MAP_REDUCE]: true
  /** One element and its result → a value. */
  map(element: E, result: R): P
  /**
   * Values (of `map`, or earlier outputs of `reduce`) → one value. It must be associative and
   * give the same answer however the list is split: it merges the values of a chunk, then the
   * merged values of all the chunks. It gets `[]` for an empty document.
   */
  reduce(values: readonly P[]): P
}

/**
 * A derived value computed as `reduce` over `map(element, result)` of every element, where an
 * update re-maps only the chunks (about 32 elements) holding a change and reuses the partial
 * value of every other chunk. Like the element function, `map` must be pure and must not read
 * ignored fields; when its code changes, change the tracker's `key`. Partial values are frozen
 * (shallowly), so a `reduce` that mutates its input fails loudly instead of corrupting them.
 *
 * ```ts
 * derived: {
 *   words: mapReduce({ map: (el, r) => r.words, reduce: (counts) => sum(counts) }),
 *   links: mapReduce({ map: (el, r) => r.urls, reduce: (lists) => [...new Set(lists.flat())] }),
 * }
 * ```
 */
export function mapReduce<E extends Element = Element, R = unknown, P = unknown>(options: {
  map: (element: E, result: R) => P
  reduce: (values: readonly P[]) => P
}): MapReduceDefinition<E, R, P> {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidOptionError('mapReduce', 'mapReduce takes { map, reduce }')
  }
  checkKnownKeys(options, MAP_REDUCE_OPTIONS, 'mapReduce()')
  const { map, reduce } = options
  if (typeof map !== 'function') {
    throw new InvalidOptionError('map', 'mapReduce: map must be a function (element, result) => P')
  }
  if (typeof reduce !== 'function') {
    throw new InvalidOptionError('reduce', 'mapReduce: reduce must be a function (values) => P')
  }
  return Object.freeze({ [MAP_REDUCE]: true as const, map, reduce })
}

// The keys `mapReduce` takes: `satisfies` makes the compiler keep the list complete.
const MAP_REDUCE_OPTIONS = Object.keys({ map: true, reduce: true } satisfies Record<
  keyof Parameters<typeof mapReduce>[0],
  true
>)

export function isMapReduce(value: unknown): value is MapReduceDefinition {
  return typeof value === 'object' && value !== null && MAP_REDUCE in value
}

/** Partial values of one `mapReduce` derived value, by chunk key. */
export type PartialValues = Map<string, unknown>

/**
 * Computes a `mapReduce` value for the current version, whose element list is cut into
 * `chunks`. `cached` holds the partial values of earlier versions (valid for as long as a chunk
 * key names the same content); returns the value and the partials of this version's chunks.
 */
export function runMapReduce(
  definition: MapReduceDefinition,
  ctx: DocumentContext,
  chunks: ChunkIndex,
  cached: PartialValues | undefined,
): { value: unknown; partials: PartialValues } {
  // both reads are recorded: the value depends on every element and every result
  const elements = ctx.elements()
  const results = ctx.results()
  const { starts, keys } = chunks
  const partials: PartialValues = new Map()
  const parts: unknown[] = new Array(keys.length)
  for (let c = 0; c < keys.length; c++) {
    const key = keys[c] as string
    let part = cached?.get(key)
    if (part === undefined && !cached?.has(key)) {
      const end = starts[c + 1] ?? elements.length
      const values: unknown[] = []
      for (let i = starts[c] as number; i < end; i++) {
        values.push(definition.map(elements[i] as Element, results[i]?.result))
      }
      part = freeze(definition.reduce(values))
    }
    partials.set(key, part)
    parts[c] = part
  }
  return { value: definition.reduce(parts), partials }
}

function freeze<T>(value: T): T {
  return typeof value === 'object' && value !== null ? Object.freeze(value) : value
}
