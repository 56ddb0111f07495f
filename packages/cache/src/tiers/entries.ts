import type { TierEntry } from '../types'

/**
 * Kept in lru-cache in place of an `undefined` value (lru-cache treats setting `undefined` as a
 * delete). An object rather than a symbol: V8 compiles `value === UNDEFINED` to a pointer
 * comparison when both sides are objects, but to a generic call against a symbol.
 */
export const UNDEFINED: object = Object.freeze({ undefined: true })

/** Read on the cache's hot path (plain boolean fields, kept current by the memory tier). */
export interface Freshness {
  /**
   * Every stored value can be returned as it is: none is past its `expiresAt` and none stands
   * for `undefined`. Otherwise readers check `stale` and `UNDEFINED`.
   */
  plain: boolean
  /**
   * `plain`, and no stored key starts with NUL (no named-namespace or escaped keys): a root
   * namespace lookup may then use the caller's key as is, with no check of its first character.
   */
  rootFast: boolean
}

/**
 * The memory tier's metadata beside the values it keeps in lru-cache: the full entry of every
 * stored key (expiry, grace deadline, tags), the tag index, and which keys are in their grace
 * window. Touched on writes, deletions and expiry only; reads of fresh keys never come here.
 */
export class EntryIndex {
  /** Every stored key's entry (the same keys as the lru-cache segments hold). */
  readonly entries = new Map<string, TierEntry>()
  /** Keys past `expiresAt` but kept until `staleUntil` (for grace). */
  readonly stale = new Set<string>()
  readonly state: Freshness = { plain: true, rootFast: true }
  private readonly tagged = new Map<string, Set<string>>()
  /** Stored keys starting with NUL. */
  private nulKeys = 0
  /** Stored entries whose value is `undefined`. */
  private undefinedValues = 0

  get(key: string): TierEntry | undefined {
    return this.entries.get(key)
  }

  add(key: string, entry: TierEntry, stale: boolean): void {
    this.entries.set(key, entry)
    if (key.charCodeAt(0) === 0 && this.nulKeys++ === 0) this.update()
    if (entry.value === undefined && this.undefinedValues++ === 0) this.update()
    for (const tag of entry.tags) {
      const keys = this.tagged.get(tag)
      if (keys) keys.add(key)
      else this.tagged.set(tag, new Set([key]))
    }
    if (stale) this.markStale(key)
  }

  /** Drops everything known about `key` (idempotent). */
  forget(key: string): void {
    const entry = this.entries.get(key)
    if (entry === undefined) return
    this.entries.delete(key)
    for (const tag of entry.tags) {
      const keys = this.tagged.get(tag)
      if (keys?.delete(key) && keys.size === 0) this.tagged.delete(tag)
    }
    if (key.charCodeAt(0) === 0 && --this.nulKeys === 0) this.update()
    if (entry.value === undefined && --this.undefinedValues === 0) this.update()
    if (this.stale.delete(key) && this.stale.size === 0) this.update()
  }

  markStale(key: string): void {
    this.stale.add(key)
    this.update()
  }

  /** The keys carrying `tag` (a copy: deleting them edits the index). */
  keysTagged(tag: string): string[] {
    const keys = this.tagged.get(tag)
    return keys ? [...keys] : []
  }

  clear(): void {
    this.entries.clear()
    this.tagged.clear()
    this.stale.clear()
    this.nulKeys = 0
    this.undefinedValues = 0
    this.update()
  }

  private update(): void {
    this.state.plain = this.stale.size === 0 && this.undefinedValues === 0
    this.state.rootFast = this.state.plain && this.nulKeys === 0
  }
}
