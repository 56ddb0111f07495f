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
 *
 * The table is here; how a snapshot is recorded is in snapshot-encode.ts, and how an element is
 * compared with one in snapshot-compare.ts.
 */

import type { IgnoreTree } from './hash'
import { matchesShape } from './snapshot-compare'
import { ARRAY, deeplyFrozen, encode, IGNORED, OBJECT, PRIM, type Shape } from './snapshot-encode'

export type { Shape } from './snapshot-encode'

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
