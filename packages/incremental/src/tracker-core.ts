import { EventEmitter } from 'eventemitter3'
import { type ChunkIndex, columnsFromChunks, type ElementColumns } from './chunks'
import { StoreCorruptError } from './errors'
import { digest, elementIgnoreTree, hashElement } from './hash'
import type { DocumentState } from './state'
import type { VersionRecord, VersionStore } from './store-types'
import type { TrackerEvents, TrackerOptions } from './tracker-types'
import type { Element } from './types'
import type { UpdateEnvironment } from './update'

/** What a tracker's operations share: its store, its update environment and its caches. */
export interface TrackerCore {
  store: VersionStore
  env: UpdateEnvironment
  now: () => number
  emitter: EventEmitter<TrackerEvents>
  /** Latest state of the most recently updated documents, least recently updated first. */
  states: Map<string, DocumentState>
  /** Keeps the latest state of the most recently updated documents (oldest evicted first). */
  remember(docId: string, state: DocumentState): void
  /** Runs one operation per document at a time so this tracker never conflicts with itself. */
  exclusive<T>(docId: string, task: () => Promise<T>): Promise<T>
  /** The element list of a stored version; a missing chunk means the store lost data. */
  columnsOf(docId: string, record: VersionRecord): Promise<ElementColumns & { chunks: ChunkIndex }>
}

/** The shared part of a tracker, from options `createTracker` has already checked. */
export function createTrackerCore(options: TrackerOptions): TrackerCore {
  const store = options.store
  const maxCached = options.maxCachedDocuments ?? 64
  const ignoreFields = [...(options.ignoreFields ?? [])]
  const extractionKey = options.key ?? ''
  const now = options.now ?? Date.now
  const states = new Map<string, DocumentState>()
  const queues = new Map<string, Promise<unknown>>()
  const hashCache = options.immutableElements ? new WeakMap<object, string>() : undefined

  const hashOf = (element: Element): string => {
    const cached = hashCache?.get(element)
    if (cached !== undefined) return cached
    const hash = hashElement(element, { ignoreFields })
    hashCache?.set(element, hash)
    return hash
  }
  const env: UpdateEnvironment = {
    hashOf,
    resultKeyOf:
      extractionKey === '' ? (hash) => hash : (hash) => digest(`${extractionKey}\u0000${hash}`),
    resultsKey: extractionKey,
    config: { ...(options.config ?? {}) },
    now,
    immutable: options.immutableElements === true,
    ignore: elementIgnoreTree(ignoreFields),
  }

  return {
    store,
    env,
    now,
    emitter: new EventEmitter<TrackerEvents>(),
    states,
    remember(docId, state) {
      states.delete(docId)
      if (maxCached === 0) return
      states.set(docId, state)
      if (states.size > maxCached) states.delete(states.keys().next().value as string)
    },
    exclusive<T>(docId: string, task: () => Promise<T>): Promise<T> {
      const previous = queues.get(docId) ?? Promise.resolve()
      const run = previous.then(task, task)
      const settled = run.catch(() => undefined)
      queues.set(docId, settled)
      void settled.then(() => {
        if (queues.get(docId) === settled) queues.delete(docId)
      })
      return run
    },
    async columnsOf(docId, record) {
      const columns = columnsFromChunks(record.chunks, await store.blobs(docId, record.chunks))
      if (!columns || columns.ids.length !== record.elementCount) {
        throw new StoreCorruptError(`${docId}@${record.version}`, 'element list chunks are missing')
      }
      return columns
    },
  }
}
