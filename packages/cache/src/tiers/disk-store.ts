import * as crypto from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import type { Database, RootDatabase } from 'lmdb'
import { MissingPeerError } from '../errors'
import type { Clock, TierEntry, TierEvent } from '../types'
import { decodeRecord, encodeRecord, recordKey } from './record'

const EMPTY = Buffer.alloc(0)
// One-shot `crypto.hash` (Node >= 20.12) is several times faster than createHash for short keys.
const oneShotHash = (
  crypto as { hash?: (algorithm: string, data: string, encoding: string) => unknown }
).hash
/** Bytes before the record in a stored value: the access time, for the LRU index. */
export const ACCESS = 8
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

/** How a disk tier stores: its name (in errors), clock and size cap. */
export interface DiskSettings {
  readonly name: string
  readonly clock: Clock
  readonly maxBytes: number | undefined
  /** After an eviction the tier holds at most this fraction of `maxBytes`. */
  readonly evictTo: number
}

/** A disk tier's open LMDB environment: records by key hash, and their LRU, tag and size indexes. */
export interface DiskStore extends DiskSettings {
  readonly root: RootDatabase
  readonly entries: Database<Buffer, Buffer>
  readonly lru: Database<Buffer, Key>
  readonly tagIndex: Database<Buffer, Key>
  readonly meta: Database<number, string>
  readonly listeners: Set<(event: TierEvent) => void>
  /** Access times read but not written yet, by hash (hex): written together by `flushTouches`. */
  readonly touches: Map<string, Touch>
  /** The timer of the next `flushTouches`, while touches wait. */
  flushTimer: ReturnType<typeof setTimeout> | undefined
}

/** A read's new access time for a record whose stored one was `seenAt`. */
interface Touch {
  hash: Buffer
  seenAt: number
  now: number
}

/** Touches waiting for one write: at most this many, or this long (a timer that keeps no process alive). */
const MAX_TOUCHES = 4096
const TOUCH_DELAY_MS = 5000

/** Opens (creating `dir` if missing) the LMDB environment of a disk tier; loads `lmdb` first. */
export function openStore(dir: string, settings: DiskSettings): DiskStore {
  const { open } = loadLmdb()
  const listeners = new Set<(event: TierEvent) => void>()
  mkdirSync(dir, { recursive: true })
  const root: RootDatabase = open({ path: join(dir, 'cache.mdb'), maxDbs: 8 })
  const entries: Database<Buffer, Buffer> = root.openDB({
    name: 'entries',
    encoding: 'binary',
    keyEncoding: 'binary',
  })
  const lru: Database<Buffer, Key> = root.openDB({ name: 'lru', encoding: 'binary' })
  const tagIndex: Database<Buffer, Key> = root.openDB({ name: 'tags', encoding: 'binary' })
  const meta: Database<number, string> = root.openDB({ name: 'meta' })
  return {
    ...settings,
    root,
    entries,
    lru,
    tagIndex,
    meta,
    listeners,
    touches: new Map(),
    flushTimer: undefined,
  }
}

export function hashOf(key: string): Buffer {
  return oneShotHash
    ? (oneShotHash('sha256', key, 'buffer') as Buffer)
    : crypto.createHash('sha256').update(key).digest()
}

/** Removes one stored record and its index rows; call inside a write transaction. */
function removeStored(db: DiskStore, hash: Buffer, stored: Buffer): void {
  const hex = hash.toString('hex')
  db.entries.removeSync(hash)
  db.lru.removeSync([stored.readDoubleBE(0), hex])
  const key = recordKey(stored.subarray(ACCESS))
  if (key !== undefined) {
    try {
      for (const tag of decodeRecord(db.name, key, stored.subarray(ACCESS)).tags) {
        db.tagIndex.removeSync([tag, hex])
      }
    } catch {
      // A corrupt record's tag rows are left; they only point at a hash that no longer exists.
    }
  }
  db.meta.putSync('bytes', Math.max(0, (db.meta.get('bytes') ?? 0) - stored.length))
}

/** Removes the record stored under `hash`, if any; call inside a write transaction. */
export function removeHash(db: DiskStore, hash: Buffer): boolean {
  const stored = db.entries.getBinary(hash)
  if (!stored) return false
  removeStored(db, hash, stored)
  return true
}

function evictOldest(db: DiskStore, keep: string): string[] {
  const evicted: string[] = []
  const limit = (db.maxBytes ?? Number.POSITIVE_INFINITY) * db.evictTo
  for (const { key } of db.lru.getRange({})) {
    if ((db.meta.get('bytes') ?? 0) <= limit) break
    const hex = key[1]
    if (hex === keep) continue
    const hash = Buffer.from(hex, 'hex')
    const stored = db.entries.getBinary(hash)
    if (!stored) {
      db.lru.removeSync(key)
      continue
    }
    evicted.push(recordKey(stored.subarray(ACCESS)) ?? hex)
    removeStored(db, hash, stored)
  }
  return evicted
}

function emitEvictions(db: DiskStore, keys: string[], reason: 'size' | 'expired'): void {
  for (const key of keys)
    for (const listener of db.listeners) listener({ type: 'evict', key, reason })
}

/**
 * Notes a read's access time. Reads never write: the access times wait in memory and are written
 * together, in one transaction, by `flushTouches` (when many wait, a few seconds after the first,
 * and at close). A record read twice before then is written once, with its latest time.
 */
export function touch(db: DiskStore, hash: Buffer, seenAt: number, now: number): void {
  const hex = hash.toString('hex')
  const waiting = db.touches.get(hex)
  if (waiting) waiting.now = now
  else db.touches.set(hex, { hash, seenAt, now })
  if (db.touches.size >= MAX_TOUCHES) void flushTouches(db)
  else if (!db.flushTimer) {
    db.flushTimer = setTimeout(() => void flushTouches(db), TOUCH_DELAY_MS)
    db.flushTimer.unref()
  }
}

/**
 * Writes the waiting access times in one transaction. A failure loses only LRU precision: it is
 * swallowed.
 */
export async function flushTouches(db: DiskStore): Promise<void> {
  clearTimeout(db.flushTimer)
  db.flushTimer = undefined
  if (db.touches.size === 0) return
  await db.root.transaction(() => applyTouches(db)).catch(() => {})
}

/**
 * Moves each waiting record in the LRU index to its new access time; call inside a write
 * transaction (a write applies them first, so an eviction sees the reads). A record rewritten or
 * deleted since its read (its stored time is no longer `seenAt`) is left as it is.
 */
function applyTouches(db: DiskStore): void {
  for (const [hex, { hash, seenAt, now }] of db.touches) {
    const stored = db.entries.getBinary(hash)
    if (!stored || stored.readDoubleBE(0) !== seenAt) continue
    db.lru.removeSync([seenAt, hex])
    stored.writeDoubleBE(now, 0)
    db.entries.putSync(hash, stored)
    db.lru.putSync([now, hex], EMPTY)
  }
  db.touches.clear()
}

/** Deletes, in one transaction, every record whose key passes `test`; resolves how many. */
export async function matchAndDelete(
  db: DiskStore,
  test: (key: string) => boolean,
): Promise<number> {
  return db.root.transaction(() => {
    const doomed: Array<[Buffer, Buffer]> = []
    for (const { key, value } of db.entries.getRange({})) {
      const original = recordKey(value.subarray(ACCESS))
      if (original !== undefined && test(original))
        doomed.push([Buffer.from(key), Buffer.from(value)])
    }
    for (const [hash, stored] of doomed) removeStored(db, hash, stored)
    return doomed.length
  })
}

/** Writes records in one transaction (the last entry wins when a key repeats). */
export async function writeRecords(
  db: DiskStore,
  list: ReadonlyArray<readonly [string, TierEntry]>,
): Promise<void> {
  const { maxBytes } = db
  const now = db.clock.now()
  // Records are built before the transaction: the write lock is held only for the puts.
  const records = new Map<string, { hash: Buffer; stored: Buffer; entry: TierEntry }>()
  for (const [key, entry] of list) {
    const hash = hashOf(key)
    const stored = encodeRecord(key, entry, ACCESS)
    stored.writeDoubleBE(now, 0)
    records.set(hash.toString('hex'), { hash, stored, entry })
  }
  const evicted = await db.root.transaction(() => {
    applyTouches(db)
    let added = 0
    let last = ''
    for (const [hex, { hash, stored, entry }] of records) {
      removeHash(db, hash)
      if (entry.staleUntil <= now || (maxBytes !== undefined && stored.length > maxBytes)) continue
      db.entries.putSync(hash, stored)
      db.lru.putSync([now, hex], EMPTY)
      for (const tag of entry.tags) db.tagIndex.putSync([tag, hex], EMPTY)
      added += stored.length
      last = hex
    }
    if (added === 0) return []
    const bytes = (db.meta.get('bytes') ?? 0) + added
    db.meta.putSync('bytes', bytes)
    return maxBytes !== undefined && bytes > maxBytes ? evictOldest(db, last) : []
  })
  emitEvictions(db, evicted, 'size')
}

/** Deletes every record past its `staleUntil`; resolves how many. */
export function purgeExpired(db: DiskStore): Promise<number> {
  const now = db.clock.now()
  return db.root.transaction(() => {
    const doomed: Array<[Buffer, Buffer]> = []
    for (const { key, value } of db.entries.getRange({})) {
      // staleUntil sits right after the access time and the CRC in every record.
      if (value.length >= ACCESS + 20 && value.readDoubleBE(ACCESS + 12) <= now) {
        doomed.push([Buffer.from(key), Buffer.from(value)])
      }
    }
    for (const [hash, stored] of doomed) removeStored(db, hash, stored)
    return doomed.length
  })
}

/** Deletes, in one transaction, the records carrying any of `tags`; resolves how many. */
export function deleteTagged(db: DiskStore, tags: readonly string[]): Promise<number> {
  return db.root.transaction(() => {
    let count = 0
    for (const tag of tags) {
      const rows = [...db.tagIndex.getRange({ start: [tag, ''], end: [tag, '\uffff'] })]
      for (const { key } of rows) {
        db.tagIndex.removeSync(key)
        if (removeHash(db, Buffer.from(key[1], 'hex'))) count++
      }
    }
    return count
  })
}

/** The keys under `prefix` of the records not past their `staleUntil`. */
export function storedKeys(db: DiskStore, prefix: string): string[] {
  const now = db.clock.now()
  const found: string[] = []
  for (const { value } of db.entries.getRange({})) {
    // staleUntil sits right after the access time and the CRC in every record.
    if (value.length < ACCESS + 20 || value.readDoubleBE(ACCESS + 12) <= now) continue
    const key = recordKey(value.subarray(ACCESS))
    if (key?.startsWith(prefix)) found.push(key)
  }
  return found
}
