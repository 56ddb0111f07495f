/**
 * A worker thread's side of the engine's disk tier: opened once per thread, read for the element
 * results of a document's previous version, written (entry and `DocumentVersion`) without
 * waiting for the commit, flushed before the engine closes. A failure is counted, never thrown.
 */
import type { Cache } from '@mx/cache'
import { cachedDocument, elementsOf } from './cached-document'
import { type DocumentVersion, versionKey } from './keys'
import type { WorkerDocument, WorkerDocumentReply, WorkerStore } from './types'

/**
 * A worker's own view of the engine's disk tier: the tier errors it has seen (reported back in
 * the replies as `degraded`), and the write in flight.
 */
export interface Store {
  cache: Cache
  errors: number
  /** Errors already reported in a reply. */
  reported: number
  /** Writes not awaited by their task (see `save`), oldest first. */
  writing: Set<Promise<void>>
}

/**
 * How many documents' writes a thread keeps in flight before it waits for the oldest. LMDB
 * commits the writes queued while one commit runs in the next single transaction, so a few in
 * flight turn one commit per document into one per batch; the bound keeps the memory they hold
 * small when the disk is slower than the extractor.
 */
const MAX_WRITES_IN_FLIGHT = 64

const stores = new Map<string, Promise<Store | undefined>>()

/** Stores this thread failed to open, and how many of those a reply has reported. */
const failedOpens = { count: 0, reported: 0 }

/**
 * Opens the store once per thread; one that cannot be opened (@mx/cache missing, the tier
 * refusing its directory) is left out, and counted once in the next reply's `degraded`.
 */
export async function openStore(options: WorkerStore): Promise<Store | undefined> {
  const id = `${options.dir}\u0000${options.namespace}\u0000${options.ttl}`
  let opening = stores.get(id)
  if (!opening) {
    // Loaded on first use: a thread that never writes a cache never loads @mx/cache and LMDB.
    opening = import('@mx/cache')
      .then(({ createCache, diskTier }) => {
        const cache = createCache({
          namespace: options.namespace,
          tiers: [diskTier({ dir: options.dir })],
          ttl: options.ttl,
        })
        const store: Store = { cache, errors: 0, reported: 0, writing: new Set() }
        cache.on('error', () => {
          store.errors++
        })
        return store
      })
      .catch(() => {
        failedOpens.count++
        return undefined
      })
    stores.set(id, opening)
  }
  return opening
}

/**
 * The element results of the version of this document the store holds, by element: those whose
 * key is among that version's element keys (unchanged elements), `undefined` for the rest. One
 * read for a document never stored (its `DocumentVersion` is missing), two otherwise. A failed
 * read is counted and reuses nothing.
 */
export async function previousResults(
  store: Store,
  task: WorkerDocument,
  keys: readonly string[],
): Promise<unknown[]> {
  try {
    const version = await store.cache.get<DocumentVersion>(
      versionKey(task.doc.id, task.extractorKey),
    )
    if (!Array.isArray(version?.keys) || typeof version.doc !== 'string') return []
    const previous = cachedDocument(await store.cache.get(version.doc))
    if (!previous) return []
    const elements = elementsOf(previous)
    if (elements.length !== version.keys.length) return []
    const byKey = new Map<string, unknown>()
    version.keys.forEach((key, i) => {
      byKey.set(key, elements[i])
    })
    return keys.map((key) => byKey.get(key))
  } catch {
    store.errors++
    return []
  }
}

/**
 * Writes the document's entry (its metadata and element results) and its `DocumentVersion` (where
 * the next edit of the same document finds the results of its unchanged elements) in one batch:
 * two records per document whatever its size, one disk transaction. The thread does not wait for
 * the commit: it goes on with the next documents while LMDB commits, and waits for the oldest
 * write only when `MAX_WRITES_IN_FLIGHT` are pending. `flush` waits for them all. A failure is
 * counted, never thrown.
 */
export async function save(
  store: Store | undefined,
  task: { doc: { id: string }; docKey?: string | undefined; extractorKey: string },
  keys: string[] | undefined,
  value: Buffer,
): Promise<boolean> {
  const { docKey } = task
  if (!store || docKey === undefined || keys === undefined) return false
  if (store.writing.size >= MAX_WRITES_IN_FLIGHT) await store.writing.values().next().value
  const version: DocumentVersion = { doc: docKey, keys }
  const writing: Promise<void> = store.cache
    .setMany([
      { key: docKey, value },
      { key: versionKey(task.doc.id, task.extractorKey), value: version },
    ])
    .catch(() => {
      store.errors++
    })
    .finally(() => store.writing.delete(writing))
  store.writing.add(writing)
  return true
}

/** Store errors (and failed opens) not yet reported to the main thread. */
export function unreported(store: Store | undefined): number {
  const failed = failedOpens.count - failedOpens.reported
  failedOpens.reported = failedOpens.count
  if (!store) return failed
  const count = store.errors - store.reported
  store.reported = store.errors
  return failed + count
}

/** Waits for the writes this thread has in flight; resolves the errors not yet reported. */
export async function flush(): Promise<WorkerDocumentReply> {
  let degraded = 0
  for (const opening of stores.values()) {
    const store = await opening
    if (store) await Promise.all(store.writing)
    degraded += unreported(store)
  }
  return { kind: 'flushed', degraded }
}
