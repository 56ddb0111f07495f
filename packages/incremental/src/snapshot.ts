/**
 * Content snapshots: a record of each element's fields, taken when the element is hashed, so
 * the next update can tell whether an element still holds exactly that content by comparing
 * field by field (`===`, no serialisation, no digest). A match proves the hash is still right
 * whether the caller passes the same object, a mutated one or a fresh copy; any doubt (a
 * different key order, a Date, a class instance, a cycle) is a mismatch, and the element is
 * simply hashed again.
 *
 * Layout, chosen for the one loop that matters (comparing 10,000 unchanged elements): an
 * element's snapshot is a *shape* (its keys and structure markers, shared by every element
 * with the same structure) and a run of primitive values in one pool array shared by all the
 * versions of a document. Fields the hash ignores (the `id`, `ignoreFields`) are recorded as
 * present but their values are neither kept nor read again: they cannot change the hash, and
 * volatile fields (timestamps, Dates) are the ones that change most. The pool is append-only, so a table handed to the next update never
 * changes under the previous one; it is compacted when most of it is garbage.
 *
 * A snapshot also records whether the element was deeply frozen (every object and array in
 * it frozen, data properties only). Such an object can never change, so when the next update
 * passes the very same object it is not read at all: callers that freeze their elements (as
 * Immer does) get the speed of `immutableElements` without promising anything.
 */

import { type IgnoreTree, isPlain } from './hash'

/** Structure of a snapshot: keys and markers in depth-first order, and how many values. */
export interface Shape {
  readonly tokens: readonly unknown[]
  readonly count: number
}

// markers are unique objects, so they never equal a key string
const PRIM = Object.freeze({ marker: 'primitive' })
const OBJECT = Object.freeze({ marker: 'object' })
const ARRAY = Object.freeze({ marker: 'array' })
const END = Object.freeze({ marker: 'end' })
const IGNORED = Object.freeze({ marker: 'ignored' })
const MAX_DEPTH = 32
/** Distinct shapes interned per document before the intern map starts over. */
const MAX_SHAPES = 4096

interface Pool {
  values: unknown[]
  shapes: Map<string, Shape>
}

/** Snapshots of a version's elements, by position. */
export class SnapshotTable {
  private constructor(
    private pool: Pool,
    private readonly shapes: Array<Shape | undefined>,
    private readonly offsets: number[],
    /** 1 where the snapshot was taken from a deeply frozen object (see the file comment). */
    private readonly frozen: Uint8Array,
    private live: number,
  ) {}

  /** A table of `size` positions without snapshots. */
  static create(size: number): SnapshotTable {
    return new SnapshotTable(
      { values: [], shapes: new Map() },
      new Array(size),
      new Array(size),
      new Uint8Array(size),
      0,
    )
  }

  /** A table of `size` empty positions sharing this one's pool (fill it with `copy`/`take`). */
  empty(size: number): SnapshotTable {
    return new SnapshotTable(this.pool, new Array(size), new Array(size), new Uint8Array(size), 0)
  }

  /** A copy of this table (same positions) that can be changed without touching this one. */
  clone(): SnapshotTable {
    return new SnapshotTable(
      this.pool,
      this.shapes.slice(),
      this.offsets.slice(),
      this.frozen.slice(),
      this.live,
    )
  }

  get size(): number {
    return this.shapes.length
  }

  /** Values held by the pool (live and garbage); compaction keeps it under 3x the live ones. */
  get pooled(): number {
    return this.pool.values.length
  }

  has(position: number): boolean {
    return this.shapes[position] !== undefined
  }

  /**
   * Copies the snapshot at `from` of `source` (which shares this pool) to `position`.
   * `sameObject`: the element now at `position` is the object the snapshot was taken from (a
   * copy with equal content may not be frozen, so it does not inherit the frozen mark).
   */
  copy(source: SnapshotTable, from: number, position: number, sameObject: boolean): void {
    const shape = source.shapes[from]
    if (source.pool !== this.pool) throw new Error('snapshot tables of different pools')
    this.forget(position)
    this.shapes[position] = shape
    this.offsets[position] = source.offsets[from] as number
    this.frozen[position] = sameObject ? (source.frozen[from] as number) : 0
    if (shape) this.live += shape.count
  }

  /**
   * Records the content of `value` at `position`; returns false (and leaves the position
   * empty) when it holds anything but plain objects, arrays and primitives. `ignore` is the
   * hash's ignore tree (see `elementIgnoreTree`): those fields' values are left out.
   */
  take(position: number, value: unknown, ignore?: IgnoreTree): boolean {
    this.forget(position)
    const tokens: unknown[] = []
    const values: unknown[] = []
    if (!encode(value, tokens, values, 0, ignore)) return false
    this.shapes[position] = this.intern(tokens, values.length)
    this.offsets[position] = this.pool.values.length
    this.frozen[position] = deeplyFrozen(value, 0) ? 1 : 0
    for (const item of values) this.pool.values.push(item)
    this.live += values.length
    return true
  }

  /** True when `value` holds exactly the content recorded at `position`. */
  matches(position: number, value: unknown): boolean {
    const shape = this.shapes[position]
    if (shape === undefined) return false
    return matchesShape(value, shape, this.pool.values, this.offsets[position] as number)
  }

  /**
   * The table for the next update when every id is still at its position: returns undefined
   * as soon as an element is missing or its id differs from `ids`; otherwise pushes to
   * `suspects` the positions whose content may have changed (to be hashed and taken again)
   * and returns a copy of this table. An element that is the very object of `previous` at the
   * same position, deeply frozen when its snapshot was taken, is not read at all.
   */
  scan(
    elements: readonly unknown[],
    previous: readonly unknown[] | undefined,
    ids: readonly string[],
    suspects: number[],
  ): SnapshotTable | undefined {
    const { shapes, offsets, frozen } = this
    const values = this.pool.values
    const nextFrozen = new Uint8Array(elements.length)
    for (let i = 0; i < elements.length; i++) {
      const element = elements[i] as { id?: unknown } | null | undefined
      if (frozen[i] === 1 && previous !== undefined && previous[i] === element) {
        nextFrozen[i] = 1
        continue
      }
      if (element == null || element.id !== ids[i]) return undefined
      const shape = shapes[i]
      if (shape === undefined || !matchesShape(element, shape, values, offsets[i] as number)) {
        suspects.push(i)
      } else if (previous?.[i] !== element && deeplyFrozen(element, 0)) {
        // equal content in another object: that one may be frozen (a non-frozen one answers
        // at once), and then the next update need not read it
        nextFrozen[i] = 1
      }
    }
    return new SnapshotTable(this.pool, shapes.slice(), offsets.slice(), nextFrozen, this.live)
  }

  /** Rewrites the pool with only the live values once garbage dominates it. */
  compact(): void {
    const total = this.pool.values.length
    if (total < 4096 || total < 3 * this.live) return
    const values: unknown[] = []
    for (let i = 0; i < this.shapes.length; i++) {
      const shape = this.shapes[i]
      if (!shape) continue
      const start = this.offsets[i] as number
      this.offsets[i] = values.length
      for (let j = start; j < start + shape.count; j++) values.push(this.pool.values[j])
    }
    this.pool = { values, shapes: this.pool.shapes }
  }

  private forget(position: number): void {
    const shape = this.shapes[position]
    if (shape) this.live -= shape.count
    this.shapes[position] = undefined
  }

  /** Elements with the same structure share one shape (fewer objects, one hot token list). */
  private intern(tokens: unknown[], count: number): Shape {
    const signature = tokens
      .map((t) => (typeof t === 'string' ? JSON.stringify(t) : name(t)))
      .join()
    const known = this.pool.shapes.get(signature)
    if (known && sameTokens(known.tokens, tokens)) return known
    if (this.pool.shapes.size >= MAX_SHAPES) this.pool.shapes.clear()
    const shape: Shape = { tokens, count }
    this.pool.shapes.set(signature, shape)
    return shape
  }
}

function name(marker: unknown): string {
  if (marker === IGNORED) return 'i'
  return marker === PRIM ? 'p' : marker === OBJECT ? 'o' : marker === ARRAY ? 'a' : 'e'
}

function sameTokens(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

function encode(
  value: unknown,
  tokens: unknown[],
  values: unknown[],
  depth: number,
  ignore: IgnoreTree | undefined,
): boolean {
  if (typeof value !== 'object' || value === null) {
    if (typeof value === 'function' || typeof value === 'symbol') return false
    tokens.push(PRIM)
    values.push(value)
    return true
  }
  if (depth >= MAX_DEPTH) return false
  if (Array.isArray(value)) {
    // as in the hash, ignore rules do not reach into arrays
    tokens.push(ARRAY)
    for (let i = 0; i < value.length; i++) {
      if (!encode(value[i], tokens, values, depth + 1, undefined)) return false
    }
  } else {
    if (!isPlain(value)) return false
    tokens.push(OBJECT)
    const fields = value as Record<string, unknown>
    for (const key of Object.keys(fields)) {
      tokens.push(key)
      const rule = ignore?.get(key)
      if (rule === true) {
        tokens.push(IGNORED)
        continue
      }
      if (!encode(fields[key], tokens, values, depth + 1, rule)) return false
    }
  }
  tokens.push(END)
  return true
}

// The comparison walks one shape and one run of the pool. Its cursors live in one object
// rather than being passed and returned (two values) or kept in module-level `let`s (slower:
// every access is checked for the temporal dead zone). It is synchronous and reaches no tracker
// code, so nothing can interleave.
const EMPTY: readonly unknown[] = []
const cursor = { tokens: EMPTY, values: EMPTY, token: 0, at: 0 }

/**
 * True when nothing in `value` can ever change: every object and array in it is frozen and
 * holds data properties only (a frozen getter could still return something new).
 */
function deeplyFrozen(value: unknown, depth: number): boolean {
  if (typeof value !== 'object' || value === null) return true
  if (depth >= MAX_DEPTH || !Object.isFrozen(value)) return false
  const descriptors = Object.getOwnPropertyDescriptors(value)
  for (const key in descriptors) {
    const descriptor = descriptors[key] as PropertyDescriptor
    if (!('value' in descriptor) || !deeplyFrozen(descriptor.value, depth + 1)) return false
  }
  return true
}

/**
 * True when `value` holds exactly the content of `shape` whose values start at `at` in
 * `values`. The usual element (a plain object whose fields are primitives, or plain objects
 * of primitives such as a `meta` record) is compared in this one function; anything else goes
 * through the general `compareValue`.
 */
function matchesShape(value: unknown, shape: Shape, values: readonly unknown[], at: number) {
  const tokens = shape.tokens
  if (typeof value !== 'object' || value === null || tokens[0] !== OBJECT || !isPlain(value)) {
    return compareFrom(value, tokens, values, 0, at, 0) === tokens.length
  }
  let token = 1
  const fields = value as Record<string, unknown>
  for (const key in fields) {
    if (tokens[token] !== key) return false
    const kind = tokens[token + 1]
    if (kind === IGNORED) {
      token += 2
      continue
    }
    const field = fields[key]
    if (typeof field !== 'object' || field === null) {
      if (kind !== PRIM || values[at] !== field) return false
      token += 2
      at++
      continue
    }
    if (kind !== OBJECT || !isPlain(field)) {
      token = compareFrom(field, tokens, values, token + 1, at, 1)
      if (token < 0) return false
      at = cursor.at
      continue
    }
    // a nested plain object: its primitive fields here too, anything deeper recurses
    token += 2
    const nested = field as Record<string, unknown>
    for (const inner in nested) {
      if (tokens[token] !== inner) return false
      const innerKind = tokens[token + 1]
      if (innerKind === IGNORED) {
        token += 2
        continue
      }
      const item = nested[inner]
      if (typeof item !== 'object' || item === null) {
        if (innerKind !== PRIM || values[at] !== item) return false
        token += 2
        at++
        continue
      }
      token = compareFrom(item, tokens, values, token + 1, at, 2)
      if (token < 0) return false
      at = cursor.at
    }
    if (tokens[token] !== END) return false
    token++
  }
  return tokens[token] === END && token + 1 === tokens.length
}

/**
 * Compares `value` with the shape tokens from `token` and the values from `at`; returns the
 * token after it (and leaves the value position in `cursor.at`), or -1 on any difference.
 */
function compareFrom(
  value: unknown,
  tokens: readonly unknown[],
  values: readonly unknown[],
  token: number,
  at: number,
  depth: number,
): number {
  cursor.tokens = tokens
  cursor.values = values
  cursor.token = token
  cursor.at = at
  const same = compareValue(value, depth)
  cursor.tokens = EMPTY
  cursor.values = EMPTY
  return same ? cursor.token : -1
}

function compareValue(value: unknown, depth: number): boolean {
  const { tokens, values } = cursor
  let token = cursor.token
  let at = cursor.at
  if (typeof value !== 'object' || value === null) {
    // NaN never matches itself, so a NaN field is re-hashed (and rejected) every time
    if (tokens[token] !== PRIM || values[at] !== value) return false
    cursor.token = token + 1
    cursor.at = at + 1
    return true
  }
  if (depth >= MAX_DEPTH) return false
  if (Array.isArray(value)) {
    if (tokens[token] !== ARRAY) return false
    cursor.token = token + 1
    for (let i = 0; i < value.length; i++) if (!compareValue(value[i], depth + 1)) return false
    token = cursor.token
    at = cursor.at
  } else {
    // a Date or a class instance never matches, even with the same enumerable fields
    if (tokens[token] !== OBJECT || !isPlain(value)) return false
    token++
    // for...in walks the enum cache without allocating a key array; an inherited enumerable
    // key (a polluted prototype) only makes the comparison fail, never pass wrongly
    const fields = value as Record<string, unknown>
    for (const key in fields) {
      if (tokens[token] !== key) return false
      const next = tokens[token + 1]
      if (next === IGNORED) {
        // present, value not read: it cannot change the hash
        token += 2
        continue
      }
      const field = fields[key]
      if (typeof field !== 'object' || field === null) {
        // primitive fields inline (the common case), nested values recurse
        if (next !== PRIM || values[at] !== field) return false
        token += 2
        at++
      } else {
        cursor.token = token + 1
        cursor.at = at
        if (!compareValue(field, depth + 1)) return false
        token = cursor.token
        at = cursor.at
      }
    }
  }
  if (tokens[token] !== END) return false
  cursor.token = token + 1
  cursor.at = at
  return true
}
