import { CorruptEntryError, InvalidOptionError } from '../errors'
import { describeValue } from '../kernel'
import { checkKeys } from '../option-keys'
import { inScope } from '../pattern-invalidation'
import type { Clock, Tier, TierEntry } from '../types'
import { checkNumber, globToRegExp, systemClock } from '../util'
import {
  ACCESS,
  deleteTagged,
  flushTouches,
  hashOf,
  matchAndDelete,
  openStore,
  purgeExpired,
  removeHash,
  storedKeys,
  touch,
  writeRecords,
} from './disk-store'
import { decodeRecord } from './record'

export interface DiskTierOptions {
  /** Directory of the LMDB environment (created if missing); processes may share it. */
  dir: string
  /** Size cap in bytes of the stored records; least recently used ones are evicted past it. */
  maxBytes?: number
  /** After an eviction the tier holds at most this fraction of `maxBytes`. Default 0.9. */
  evictTo?: number
  /**
   * LRU precision: a read records a new access time only when the stored one is at least this
   * many ms old (as `relatime` does for files), so re-reading a cache within the hour writes
   * nothing. Reads never write themselves: their access times are written together, later and
   * at close. Default 3 600 000 (one hour).
   */
  accessResolution?: number
  clock?: Clock
  name?: string
}

/** Disk tier with its current size. */
export interface DiskTier extends Tier {
  readonly kind: 'shared'
  /** Native tag invalidation, through the tag index (one transaction). */
  deleteTags(tags: readonly string[]): Promise<number>
  /** Native pattern invalidation: one transaction over the records. */
  deleteMatching(prefix: string, glob: string): Promise<number>
  /** Bytes of records currently stored (all processes sharing `dir`). */
  bytes(): number
  /** Deletes every record past its `staleUntil` (reads already skip them); resolves how many. */
  purgeExpired(): Promise<number>
}

/**
 * Disk tier on LMDB (the `lmdb` package, an optional peer: without it `diskTier()` throws
 * `MissingPeerError`): memory-mapped reads of a few microseconds, ACID write
 * transactions (a SIGKILL mid-write leaves the previous state, never a torn entry), safe to share
 * between processes. Keys are SHA-256 hashed (no path or length issues); every record carries
 * its key and a CRC-32 checked on read; a size cap evicts the least recently used records.
 */
export function diskTier(options: DiskTierOptions): DiskTier {
  checkKeys('diskTier', options)
  if (typeof options?.dir !== 'string' || options.dir.length === 0) {
    throw new InvalidOptionError(
      'dir',
      `dir must be a non-empty string, got ${describeValue(options?.dir)}`,
    )
  }
  checkNumber('maxBytes', options.maxBytes, { min: 1, integer: true })
  checkNumber('evictTo', options.evictTo, { min: 0, max: 1 })
  checkNumber('accessResolution', options.accessResolution)
  const name = options.name ?? 'disk'
  const clock = options.clock ?? systemClock
  const resolution = options.accessResolution ?? 3_600_000
  const db = openStore(options.dir, {
    name,
    clock,
    maxBytes: options.maxBytes,
    evictTo: options.evictTo ?? 0.9,
  })
  const { root, entries, meta, listeners } = db

  const tier: DiskTier = {
    name,
    kind: 'shared',
    bytes: () => meta.get('bytes') ?? 0,
    purgeExpired: () => purgeExpired(db),
    get(key) {
      const hash = hashOf(key)
      const stored = entries.getBinary(hash)
      if (!stored) return undefined
      let entry: TierEntry<Uint8Array>
      try {
        if (stored.length < ACCESS) throw new CorruptEntryError(name, 'truncated record')
        entry = decodeRecord(name, key, stored.subarray(ACCESS))
      } catch (error) {
        void root.transaction(() => removeHash(db, hash)).catch(() => {})
        throw error
      }
      const now = clock.now()
      if (entry.staleUntil <= now) {
        void root.transaction(() => removeHash(db, hash)).catch(() => {})
        return undefined
      }
      const seenAt = stored.readDoubleBE(0)
      if (now - seenAt >= resolution) touch(db, hash, seenAt, now)
      return entry
    },
    set: (key, entry) => writeRecords(db, [[key, entry]]),
    setMany: (list) => writeRecords(db, list),
    delete(keys) {
      return root.transaction(() => {
        let count = 0
        for (const key of keys) if (removeHash(db, hashOf(key))) count++
        return count
      })
    },
    deleteTags: (tags) => deleteTagged(db, tags),
    deleteMatching(prefix, glob) {
      const pattern = globToRegExp(glob)
      return matchAndDelete(
        db,
        (key) => inScope(key, prefix) && pattern.test(key.slice(prefix.length)),
      )
    },
    async clear(prefix) {
      if (prefix !== '') {
        await matchAndDelete(db, (key) => key.startsWith(prefix))
        return
      }
      await root.transaction(() => {
        entries.clearSync()
        db.lru.clearSync()
        db.tagIndex.clearSync()
        meta.putSync('bytes', 0)
      })
    },
    keys: (prefix) => storedKeys(db, prefix),
    subscribe(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    async close() {
      listeners.clear()
      await flushTouches(db)
      await root.close()
    },
  }
  return tier
}
