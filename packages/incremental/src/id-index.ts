/**
 * Id → position of an element list, checked as it is built (every id a non-empty string, no id
 * twice). It replaces a `Map` on the hot paths (every `diffElements` call, every update that
 * inserts, removes or moves elements) for one measured reason: on Node 20, filling a `Map`
 * costs about 20 ns per entry up to 4,096 entries and 180 to 280 ns per entry for 6,000 to
 * 10,000 (past that size its table no longer fits a regular heap page and goes to V8's
 * large-object space), so a 10,000-entry Map takes 2.8 ms, against 0.5 ms for this
 * open-addressing table in an `Int32Array` (build plus one look-up per id). Ids are compared with `===`, so a hash collision costs a probe, never a
 * wrong answer.
 *
 * The hash is not keyed, so ids chosen to collide could make probing quadratic: when probing
 * gets long the index rebuilds itself as a `Map`, whose hash V8 seeds per process.
 */

import { DuplicateIdError, MissingIdError } from './errors'
import { fnv1a } from './hash'

/** Probes per id, on average, beyond which the ids are treated as adversarial. */
const MAX_AVERAGE_PROBES = 8

export class IdIndex {
  private constructor(
    private readonly ids: readonly string[],
    /** position + 1 of the id hashed to each slot (0: empty); length a power of two */
    private readonly slots: Int32Array,
    /** set instead of `slots` when probing got long */
    private readonly map: Map<string, number> | undefined,
  ) {}

  static readonly empty: IdIndex = new IdIndex([], new Int32Array(1), undefined)

  /**
   * Indexes the elements by their `id`; throws `MissingIdError` for an element without a
   * non-empty string id and `DuplicateIdError` for an id seen twice, whichever comes first.
   */
  static of(elements: readonly unknown[]): IdIndex {
    const ids: string[] = new Array(elements.length)
    for (let i = 0; i < elements.length; i++) {
      const id = (elements[i] as { id?: unknown } | null | undefined)?.id
      if (typeof id !== 'string' || id === '') {
        IdIndex.ofIds(ids.slice(0, i)) // a repeated id before this one is reported first
        throw new MissingIdError(i, id)
      }
      ids[i] = id
    }
    return IdIndex.ofIds(ids)
  }

  /** Indexes a list of ids (throws `DuplicateIdError` for an id seen twice). */
  static ofIds(ids: readonly string[]): IdIndex {
    let capacity = 2
    while (capacity < 2 * ids.length) capacity *= 2
    const slots = new Int32Array(capacity)
    const mask = capacity - 1
    const budget = MAX_AVERAGE_PROBES * ids.length + 64
    let probes = 0
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as string
      let slot = hashId(id) & mask
      for (let taken = slots[slot] as number; taken !== 0; taken = slots[slot] as number) {
        if (ids[taken - 1] === id) throw new DuplicateIdError(id, [taken - 1, i])
        slot = (slot + 1) & mask
        if (++probes > budget) return IdIndex.asMap(ids)
      }
      slots[slot] = i + 1
    }
    return new IdIndex(ids, slots, undefined)
  }

  private static asMap(ids: readonly string[]): IdIndex {
    const map = new Map<string, number>()
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as string
      const first = map.get(id)
      if (first !== undefined) throw new DuplicateIdError(id, [first, i])
      map.set(id, i)
    }
    return new IdIndex(ids, IdIndex.empty.slots, map)
  }

  get size(): number {
    return this.ids.length
  }

  /** The position of `id`, or undefined. */
  get(id: string): number | undefined {
    if (this.map !== undefined) return this.map.get(id)
    const { ids, slots } = this
    const mask = slots.length - 1
    let slot = hashId(id) & mask
    for (let taken = slots[slot] as number; taken !== 0; taken = slots[slot] as number) {
      if (ids[taken - 1] === id) return taken - 1
      slot = (slot + 1) & mask
    }
    return undefined
  }

  has(id: string): boolean {
    return this.get(id) !== undefined
  }
}

/** FNV-1a, then murmur3's finaliser to spread the low bits (the table uses only those). */
export function hashId(id: string): number {
  let h = fnv1a(id)
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return h ^ (h >>> 16)
}
