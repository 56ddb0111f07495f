/** A unit of a document (paragraph, heading, table...): a stable `id` plus any JSON fields. */
export interface Element {
  id: string
  [field: string]: unknown
}

export interface HashOptions {
  /** Field names (or dotted paths such as `meta.modifiedAt`) left out of the hash. */
  ignoreFields?: readonly string[]
}

/** One element matched between two versions of a document. */
export interface ElementMatch<E extends Element = Element> {
  prev: E
  next: E
  prevIndex: number
  nextIndex: number
  /** True when the match was made by content hash because the id changed. */
  byHash: boolean
}

/** What changed between two element lists; every element lands in exactly one bucket. */
export interface ElementDiff<E extends Element = Element> {
  added: E[]
  removed: E[]
  /** Same id, different content hash (possibly moved as well). */
  modified: ElementMatch<E>[]
  /** Same content, at a new place relative to the other matched elements. */
  moved: ElementMatch<E>[]
  /** Same content, same relative place (neighbours may have been inserted or removed). */
  unchanged: ElementMatch<E>[]
}

export interface DiffOptions extends HashOptions {
  /** Reuse precomputed hashes (e.g. from a previous version) instead of hashing again. */
  hashOf?: (element: Element, side: 'prev' | 'next') => string
}

/** How often an input changes: `high` inputs (configuration) let dependents skip re-checking. */
export type Durability = 'low' | 'high'

/** What a derived computation can read; each read is recorded as a dependency. */
export interface GraphContext {
  get<T = unknown>(key: string): T
}

export interface DeriveOptions {
  /** Dependencies read before the computation runs, in addition to the ones it reads. */
  deps?: readonly string[]
  /** Equality used for early cutoff; the default compares canonical-JSON hashes. */
  equals?: (a: unknown, b: unknown) => boolean
}

export interface InputOptions {
  durability?: Durability
  /** A precomputed fingerprint of the value; the default is its canonical-JSON hash. */
  fingerprint?: string
}

/** Why a derived value was recomputed: its changed direct dependencies and the root inputs. */
export interface RecomputeReason {
  key: string
  /** Direct dependencies whose fingerprint changed, or `[]` for a first computation. */
  changed: string[]
  /** The inputs whose change started it. */
  inputs: string[]
  first: boolean
}

/** A derived value's trace, enough to verify it again in a later process. */
export interface DerivedRecord {
  value: unknown
  fingerprint: string
  deps: Array<[key: string, fingerprint: string]>
  causes?: string[]
}

export type GraphSnapshot = Record<string, DerivedRecord>

export interface GraphEvents {
  recompute: (reason: RecomputeReason) => void
}

/** A low-durability input read on demand: the value and its fingerprint. */
export interface SourceValue {
  value: unknown
  fingerprint: string
}

export interface GraphOptions {
  /**
   * Inputs the graph does not hold, looked up by key when a derived value reads them (for large
   * input sets that change together). Call `invalidate()` after they change.
   */
  source?: (key: string) => SourceValue | undefined
  /** Traces saved by `snapshot()`: derived values verify against them instead of recomputing. */
  snapshot?: GraphSnapshot
}
