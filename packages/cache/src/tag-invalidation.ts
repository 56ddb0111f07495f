import type { CacheCore } from './core'
import type { Clock, MaybePromise, Tier, TierEntry } from './types'

/*
 * Tag invalidation (`invalidate({ tags })`, `{ dependsOn }`) in a tier without a native
 * `deleteTags`, with only `get` and `set`: invalidation stamps.
 *
 * - Invalidating a tag writes into the tier a stamp: an entry under `stampKey(tag)` holding the
 *   invalidation time from the cache's clock (for another instance's invalidation reaching a
 *   memory tier through the bus, the receiving cache's clock).
 * - While a cache has such a tier, every entry it writes records `writtenAt`.
 * - Reading a tagged entry from such a tier reads its tags' stamps from the same tier; a stamp
 *   at or after the entry's `writtenAt` (or any stamp, when the entry has none) invalidates it.
 *
 * Ties invalidate: a write in the same millisecond as an invalidation counts as before it (a
 * miss, never a stale value). Within one cache, `TagClock` keeps its own order even when the
 * clock has not moved: a write after an invalidation is dated 1 ms past it, an invalidation
 * after a write at least at its time. Across processes sharing a tier the times come from
 * different clocks: a writer whose clock runs d ms ahead of the invalidator's keeps a value
 * written up to d ms before the invalidation.
 *
 * A stamp never expires: it must outlive every entry written before it, whatever their TTL. Its
 * `staleUntil` is `Number.MAX_SAFE_INTEGER` rather than Infinity, which JSON and integer columns
 * do not keep. Stamps go with `clear('')` (an unnamed cache's `clear()`); a tier that evicts one
 * for room brings back what it invalidated (the README says so to tier authors).
 */

/** What stamp keys start with: NUL then `!` is a form no qualified key takes (see namespace.ts). */
export const STAMP_PREFIX = '\u0000!tag\u0000'
const FOREVER = Number.MAX_SAFE_INTEGER

/** The key of `tag`'s stamp. */
export function stampKey(tag: string): string {
  return STAMP_PREFIX + tag
}

/**
 * Write and invalidation times of one cache: from its clock, but ordered as this cache did
 * them when the clock did not move in between.
 */
export class TagClock {
  private readonly clock: Clock
  private lastStamp = Number.NEGATIVE_INFINITY
  private lastWrite = Number.NEGATIVE_INFINITY

  constructor(clock: Clock) {
    this.clock = clock
  }

  /** The `writtenAt` of a write starting now: after every invalidation this cache made. */
  writeTime(): number {
    const now = this.clock.now()
    const at = now > this.lastStamp ? now : this.lastStamp + 1
    if (at > this.lastWrite) this.lastWrite = at
    return at
  }

  /** The time of an invalidation now: at or after every write time this cache handed out. */
  stampTime(): number {
    const now = this.clock.now()
    const at = Math.max(now, this.lastWrite)
    if (at > this.lastStamp) this.lastStamp = at
    return at
  }
}

function isPromise(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function'
}

/** A stamp: its time as 8 bytes (a float64), a value every kind of tier stores. */
function stampEntry(at: number): TierEntry<Uint8Array> {
  const value = new Uint8Array(8)
  new DataView(value.buffer).setFloat64(0, at)
  return { value, expiresAt: FOREVER, staleUntil: FOREVER, tags: [] }
}

/** A stored stamp's time; undefined without one, and Infinity for an unreadable one (safe side). */
function timeOf(stamp: TierEntry | undefined): number | undefined {
  if (stamp === undefined) return undefined
  const { value } = stamp
  if (!(value instanceof Uint8Array) || value.byteLength !== 8) return Number.POSITIVE_INFINITY
  return new DataView(value.buffer, value.byteOffset, 8).getFloat64(0)
}

/** Writes the stamps of `tags` at `at` into `tier` (in one `setMany` where it has one). */
export function writeStamps(tier: Tier, tags: readonly string[], at: number): MaybePromise<void> {
  const entries = [...new Set(tags)].map((tag) => [stampKey(tag), stampEntry(at)] as const)
  if (tier.setMany) return tier.setMany(entries)
  const writes = entries.map(([key, entry]) => tier.set(key, entry))
  return writes.some(isPromise) ? Promise.all(writes).then(() => {}) : undefined
}

function outdated(entry: TierEntry, stamps: ReadonlyArray<TierEntry | undefined>): boolean {
  const writtenAt = entry.writtenAt ?? Number.NEGATIVE_INFINITY
  return stamps.some((stamp) => {
    const at = timeOf(stamp)
    return at !== undefined && at >= writtenAt
  })
}

/** Whether a tag of `entry` was invalidated in `tier` since the entry was written. */
export function isInvalidated(tier: Tier, entry: TierEntry): boolean | Promise<boolean> {
  const stamps = entry.tags.map((tag) => tier.get(stampKey(tag)))
  if (!stamps.some(isPromise)) return outdated(entry, stamps as Array<TierEntry | undefined>)
  return Promise.all(stamps).then((found) => outdated(entry, found))
}

/** {@link isInvalidated} through `getSync`, for the `getSync` hot path. */
export function isInvalidatedSync(
  getSync: (key: string) => TierEntry | undefined,
  entry: TierEntry,
): boolean {
  return outdated(
    entry,
    entry.tags.map((tag) => getSync(stampKey(tag))),
  )
}

/**
 * A tagged entry read from tier `index` of a cache with stamped tiers: undefined (and deleted)
 * when a stamp of that tier invalidates it. An entry from a tier with native `deleteTags` keeps
 * no `writtenAt` there: dated `readAt`, when the read began, it is promoted into stamped tiers
 * as written then (an invalidation after the read stamps at or after that time).
 */
export async function unstamped(
  core: CacheCore,
  index: number,
  key: string,
  entry: TierEntry,
  readAt: number,
): Promise<TierEntry | undefined> {
  const tier = core.tiers[index] as Tier
  if (!core.stamped[index]) {
    return entry.writtenAt === undefined ? { ...entry, writtenAt: readAt } : entry
  }
  if (!(await isInvalidated(tier, entry))) return entry
  await core.safely(index, 'delete', () => tier.delete([key]))
  return undefined
}

/**
 * The `getSync` of a stamped first tier as the hot path reads it: an entry a stamp invalidates
 * is deleted and missed.
 */
export function unstampedSync(
  core: CacheCore,
  getSync: (key: string) => TierEntry | undefined,
): (key: string) => TierEntry | undefined {
  const tier = core.tiers[0] as Tier
  return (key) => {
    const entry = getSync(key)
    if (entry === undefined || entry.tags.length === 0 || !isInvalidatedSync(getSync, entry)) {
      return entry
    }
    void core.safely(0, 'delete', () => tier.delete([key]))
    return undefined
  }
}
