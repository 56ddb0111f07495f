import * as crypto from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import type { Database, RootDatabase } from 'lmdb'
import { CorruptEntryError, InvalidOptionError, MissingPeerError } from '../errors'
import { describeValue } from '../kernel'
import type { Clock, Tier, TierEntry, TierEvent } from '../types'
import { checkNumber, globToRegExp, systemClock } from '../util'
import { inScope } from './memory'
import { decodeRecord, encodeRecord, recordKey } from './record'

export interface DiskTierOptions {
  /** Directory of the LMDB environment (created if missing); processes may share it. */
  dir: string
  /** Size cap in bytes of the stored records; least recently used ones are evicted past it. */
  maxBytes?: number
  /** After an eviction the tier holds at most this fraction of `maxBytes`. Default 0.9. */
  evictTo?: number
  /** Access times are written at most once per this many ms per key (LRU precision). Default 1000. */
  accessResolution?: number
  clock?: Clock
  name?: string
}

/** Disk tier with its current size. */
export interface DiskTier extends Tier {
  readonly kind: 'shared'
  /** Bytes of records currently stored (all processes sharing `dir`). */
  bytes(): number
  /** Deletes every record past its `staleUntil` (reads already skip them); resolves how many. */
  purgeExpired(): Promise<number>
}

const EMPTY = Buffer.alloc(0)
// One-shot `crypto.hash` (Node >= 20.12) is several times faster than createHash for short keys.
const oneShotHash = (
  crypto as { hash?: (algorithm: string, data: string, encoding: string) => unknown }
).hash
const ACCESS = 8
type Key = [number | string, string]

let lmdb: typeof import('lmdb') | undefined

/**
 * LMDB, loaded on the first `diskTier()`: an optional peer, so installs that use only the memory
 * and Redis tiers need no native module. Synchronous (`require`), as `diskTier()` is.
 */
function loadLmdb(): typeof import('lmdb') {
  if (!lmdb) {
    try {
      lmdb = createRequire(import.meta.url)('lmdb') as typeof import('lmdb')
    } catch (error) {
      throw new MissingPeerError('lmdb', 'diskTier()', error, 'use the memory and Redis tiers only')
    }
  }
  return lmdb
}

/**
 * Disk tier on LMDB (the `lmdb` package, an optional peer: without it `diskTier()` throws
 * `MissingPeerError`): memory-mapped reads of a few microseconds, ACID write
 * transactions (a SIGKILL mid-write leaves the previous state, never a torn entry), safe to share
 * between processes. Keys are SHA-256 hashed (no path or length issues); every record carries
 * its key and a CRC-32 checked on read; a size cap evicts the least recently used records.
 */
export function diskTier(options: DiskTierOptions): DiskTier {
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
  const maxBytes = options.maxBytes
  const evictTo = options.evictTo ?? 0.9
  const resolution = options.accessResolution ?? 1000
  const { open } = loadLmdb()
  const listeners = new Set<(event: TierEvent) => void>()
  mkdirSync(options.dir, { recursive: true })
  const root: RootDatabase = open({ path: join(options.dir, 'cache.mdb'), maxDbs: 8 })
  const entries: Database<Buffer, Buffer> = root.openDB({
    name: 'entries',
    encoding: 'binary',
    keyEncoding: 'binary',
  })
  const lru: Database<Buffer, Key> = root.openDB({ name: 'lru', encoding: 'binary' })
  const tagIndex: Database<Buffer, Key> = root.openDB({ name: 'tags', encoding: 'binary' })
  const meta: Database<number, string> = root.openDB({ name: 'meta' })

  const hashOf = (key: string): Buffer =>
    oneShotHash
      ? (oneShotHash('sha256', key, 'buffer') as Buffer)
      : crypto.createHash('sha256').update(key).digest()
  const touching = new Set<string>()

  /** Removes one stored record and its index rows; call inside a write transaction. */
  const removeStored = (hash: Buffer, stored: Buffer): void => {
    const hex = hash.toString('hex')
    entries.removeSync(hash)
    lru.removeSync([stored.readDoubleBE(0), hex])
    const key = recordKey(stored.subarray(ACCESS))
    if (key !== undefined) {
      try {
        for (const tag of decodeRecord(name, key, stored.subarray(ACCESS)).tags) {
          tagIndex.removeSync([tag, hex])
        }
      } catch {
        // A corrupt record's tag rows are left; they only point at a hash that no longer exists.
      }
    }
    meta.putSync('bytes', Math.max(0, (meta.get('bytes') ?? 0) - stored.length))
  }

  const removeHash = (hash: Buffer): boolean => {
    const stored = entries.getBinary(hash)
    if (!stored) return false
    removeStored(hash, stored)
    return true
  }

  const evictOldest = (keep: string): string[] => {
    const evicted: string[] = []
    const limit = (maxBytes ?? Number.POSITIVE_INFINITY) * evictTo
    for (const { key } of lru.getRange({})) {
      if ((meta.get('bytes') ?? 0) <= limit) break
      const hex = key[1]
      if (hex === keep) continue
      const hash = Buffer.from(hex, 'hex')
      const stored = entries.getBinary(hash)
      if (!stored) {
        lru.removeSync(key)
        continue
      }
      evicted.push(recordKey(stored.subarray(ACCESS)) ?? hex)
      removeStored(hash, stored)
    }
    return evicted
  }

  const emitEvictions = (keys: string[], reason: 'size' | 'expired') => {
    for (const key of keys)
      for (const listener of listeners) listener({ type: 'evict', key, reason })
  }

  // Access times move the record in the LRU index; at most one pending update per key.
  const touch = (hash: Buffer, seenAt: number, now: number) => {
    const hex = hash.toString('hex')
    if (touching.has(hex)) return
    touching.add(hex)
    root
      .transaction(() => {
        const stored = entries.getBinary(hash)
        if (!stored || stored.readDoubleBE(0) !== seenAt) return
        lru.removeSync([seenAt, hex])
        stored.writeDoubleBE(now, 0)
        entries.putSync(hash, stored)
        lru.putSync([now, hex], EMPTY)
      })
      .catch(() => {})
      .finally(() => touching.delete(hex))
  }

  const matchAndDelete = async (test: (key: string) => boolean): Promise<number> =>
    root.transaction(() => {
      const doomed: Array<[Buffer, Buffer]> = []
      for (const { key, value } of entries.getRange({})) {
        const original = recordKey(value.subarray(ACCESS))
        if (original !== undefined && test(original))
          doomed.push([Buffer.from(key), Buffer.from(value)])
      }
      for (const [hash, stored] of doomed) removeStored(hash, stored)
      return doomed.length
    })

  /** Writes records in one transaction (the last entry wins when a key repeats). */
  const writeRecords = async (list: ReadonlyArray<readonly [string, TierEntry]>): Promise<void> => {
    const now = clock.now()
    // Records are built before the transaction: the write lock is held only for the puts.
    const records = new Map<string, { hash: Buffer; stored: Buffer; entry: TierEntry }>()
    for (const [key, entry] of list) {
      const hash = hashOf(key)
      const stored = encodeRecord(key, entry, ACCESS)
      stored.writeDoubleBE(now, 0)
      records.set(hash.toString('hex'), { hash, stored, entry })
    }
    const evicted = await root.transaction(() => {
      let added = 0
      let last = ''
      for (const [hex, { hash, stored, entry }] of records) {
        removeHash(hash)
        if (entry.staleUntil <= now || (maxBytes !== undefined && stored.length > maxBytes))
          continue
        entries.putSync(hash, stored)
        lru.putSync([now, hex], EMPTY)
        for (const tag of entry.tags) tagIndex.putSync([tag, hex], EMPTY)
        added += stored.length
        last = hex
      }
      if (added === 0) return []
      const bytes = (meta.get('bytes') ?? 0) + added
      meta.putSync('bytes', bytes)
      return maxBytes !== undefined && bytes > maxBytes ? evictOldest(last) : []
    })
    emitEvictions(evicted, 'size')
  }

  const tier: DiskTier = {
    name,
    kind: 'shared',
    bytes: () => meta.get('bytes') ?? 0,
    purgeExpired() {
      const now = clock.now()
      return root.transaction(() => {
        const doomed: Array<[Buffer, Buffer]> = []
        for (const { key, value } of entries.getRange({})) {
          // staleUntil sits right after the access time and the CRC in every record.
          if (value.length >= ACCESS + 20 && value.readDoubleBE(ACCESS + 12) <= now) {
            doomed.push([Buffer.from(key), Buffer.from(value)])
          }
        }
        for (const [hash, stored] of doomed) removeStored(hash, stored)
        return doomed.length
      })
    },
    get(key) {
      const hash = hashOf(key)
      const stored = entries.getBinary(hash)
      if (!stored) return undefined
      let entry: TierEntry<Uint8Array>
      try {
        if (stored.length < ACCESS) throw new CorruptEntryError(name, 'truncated record')
        entry = decodeRecord(name, key, stored.subarray(ACCESS))
      } catch (error) {
        void root.transaction(() => removeHash(hash)).catch(() => {})
        throw error
      }
      const now = clock.now()
      if (entry.staleUntil <= now) {
        void root.transaction(() => removeHash(hash)).catch(() => {})
        return undefined
      }
      const seenAt = stored.readDoubleBE(0)
      if (now - seenAt >= resolution) touch(hash, seenAt, now)
      return entry
    },
    set: (key, entry) => writeRecords([[key, entry]]),
    setMany: writeRecords,
    delete(keys) {
      return root.transaction(() => {
        let count = 0
        for (const key of keys) if (removeHash(hashOf(key))) count++
        return count
      })
    },
    deleteTags(tags) {
      return root.transaction(() => {
        let count = 0
        for (const tag of tags) {
          const rows = [...tagIndex.getRange({ start: [tag, ''], end: [tag, '\uffff'] })]
          for (const { key } of rows) {
            tagIndex.removeSync(key)
            if (removeHash(Buffer.from(key[1], 'hex'))) count++
          }
        }
        return count
      })
    },
    deleteMatching(prefix, glob) {
      const pattern = globToRegExp(glob)
      return matchAndDelete((key) => inScope(key, prefix) && pattern.test(key.slice(prefix.length)))
    },
    async clear(prefix) {
      if (prefix !== '') {
        await matchAndDelete((key) => key.startsWith(prefix))
        return
      }
      await root.transaction(() => {
        entries.clearSync()
        lru.clearSync()
        tagIndex.clearSync()
        meta.putSync('bytes', 0)
      })
    },
    keys(prefix) {
      const now = clock.now()
      const found: string[] = []
      for (const { value } of entries.getRange({})) {
        // staleUntil sits right after the access time and the CRC in every record.
        if (value.length < ACCESS + 20 || value.readDoubleBE(ACCESS + 12) <= now) continue
        const key = recordKey(value.subarray(ACCESS))
        if (key?.startsWith(prefix)) found.push(key)
      }
      return found
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    async close() {
      listeners.clear()
      await root.close()
    },
  }
  return tier
}
