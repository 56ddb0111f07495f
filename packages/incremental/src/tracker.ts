import { EventEmitter } from 'eventemitter3'
import { columnsFromChunks } from './chunks'
import {
  DuplicateIdError,
  InvalidOptionError,
  StoreCorruptError,
  UnknownVersionError,
} from './errors'
import { digest, elementIgnoreTree, hashElement } from './hash'
import { IdIndex } from './id-index'
import { checkTrackerOptions } from './options'
import { type DocumentState, MISSING, stateFrom } from './state'
import type {
  Element,
  PruneOptions,
  PruneResult,
  ReconcileMode,
  ReconcileResult,
  StoredDocument,
  TrackerEvents,
  TrackerOptions,
  UpdateResult,
  UpdateSpec,
  VersionInfo,
  VersionRecord,
} from './types'
import { planUpdate, type UpdateEnvironment } from './update'

/** Tracks documents element by element, with versions in a `VersionStore` (see `createTracker`). */
export interface Tracker {
  update<E extends Element, R = unknown>(
    docId: string,
    elements: readonly E[],
    spec?: UpdateSpec<E, R>,
  ): Promise<UpdateResult<R>>
  get<R = unknown>(docId: string, version?: number): Promise<StoredDocument<R>>
  history(docId: string): Promise<VersionInfo[]>
  rollback<R = unknown>(docId: string, version: number): Promise<StoredDocument<R>>
  reconcile(
    currentDocIds: readonly string[],
    options: { mode: ReconcileMode },
  ): Promise<ReconcileResult>
  prune(options: PruneOptions): Promise<PruneResult>
  on<K extends keyof TrackerEvents>(event: K, listener: TrackerEvents[K]): () => void
}

const MODES: readonly ReconcileMode[] = ['upserts', 'duplicates-only', 'upserts-and-delete']

/**
 * Creates a tracker: `update()` hashes each element (ignoring volatile fields), reuses the
 * results of unchanged elements, recomputes only the derived values whose recorded
 * dependencies changed, and commits a version that references unchanged results instead of
 * copying them. Versions can be listed, read, rolled back (as a new version) and pruned.
 */
export function createTracker(options: TrackerOptions): Tracker {
  const store = options?.store
  if (!store || typeof store.commit !== 'function') {
    throw new InvalidOptionError('store', 'createTracker needs options.store, a VersionStore')
  }
  checkTrackerOptions(options as unknown as Record<string, unknown>)
  const maxCached = options.maxCachedDocuments ?? 64
  const ignoreFields = [...(options.ignoreFields ?? [])]
  const extractionKey = options.key ?? ''
  const now = options.now ?? Date.now
  const emitter = new EventEmitter<TrackerEvents>()
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

  /** Keeps the latest state of the most recently updated documents (oldest evicted first). */
  function remember(docId: string, state: DocumentState): void {
    states.delete(docId)
    if (maxCached === 0) return
    states.set(docId, state)
    if (states.size > maxCached) states.delete(states.keys().next().value as string)
  }

  /** Runs one operation per document at a time so this tracker never conflicts with itself. */
  function exclusive<T>(docId: string, task: () => Promise<T>): Promise<T> {
    const previous = queues.get(docId) ?? Promise.resolve()
    const run = previous.then(task, task)
    const settled = run.catch(() => undefined)
    queues.set(docId, settled)
    void settled.then(() => {
      if (queues.get(docId) === settled) queues.delete(docId)
    })
    return run
  }

  /** The element list of a stored version; a missing chunk means the store lost data. */
  async function columnsOf(docId: string, record: VersionRecord) {
    const columns = columnsFromChunks(record.chunks, await store.blobs(docId, record.chunks))
    if (!columns || columns.ids.length !== record.elementCount) {
      throw new StoreCorruptError(`${docId}@${record.version}`, 'element list chunks are missing')
    }
    return columns
  }

  async function loadState(docId: string): Promise<DocumentState> {
    const head = await store.head(docId)
    const cached = states.get(docId)
    if (cached && cached.head === head) return cached
    if (head === null) return stateFrom(null, undefined)
    try {
      const record = await store.read(docId, head)
      const columns = await columnsOf(docId, record)
      const found = await store.blobs(docId, [...new Set(columns.resultKeys)])
      const byId = indexStored(columns.ids, `${docId}@${record.version}`)
      // a result stored under another extraction key (`options.key` changed) is not reused
      const results = columns.resultKeys.map((key, i) =>
        found.has(key) && key === env.resultKeyOf(columns.hashes[i] as string)
          ? found.get(key)
          : MISSING,
      )
      return stateFrom(head, record, { ...columns, byId, results })
    } catch (error) {
      if (!(error instanceof StoreCorruptError)) throw error
      emitter.emit('corrupt', { docId, error })
      return stateFrom(head, undefined)
    }
  }

  async function readDocument<R>(docId: string, version?: number): Promise<StoredDocument<R>> {
    const target = version ?? (await store.head(docId))
    if (target === null) throw new UnknownVersionError(docId, null)
    const record = await store.read(docId, target)
    const columns = await columnsOf(docId, record)
    const blobs = await store.blobs(docId, [...new Set(columns.resultKeys)])
    const elements = columns.ids.map((id, i) => {
      const key = columns.resultKeys[i] as string
      if (!blobs.has(key)) {
        throw new StoreCorruptError(
          `${docId}@${target}`,
          `element result ${key} of "${id}" is missing`,
        )
      }
      return { id, result: blobs.get(key) as R }
    })
    const derived: Record<string, unknown> = {}
    for (const [key, trace] of Object.entries(record.derived)) {
      if (key.startsWith('derived:')) derived[key.slice('derived:'.length)] = trace.value
    }
    const out: StoredDocument<R> = {
      docId,
      version: record.version,
      createdAt: record.createdAt,
      kind: record.kind,
      value: { elements, derived },
    }
    if (record.rollbackOf !== undefined) out.rollbackOf = record.rollbackOf
    return out
  }

  return {
    update(docId, elements, spec = {}) {
      return exclusive(docId, async () => {
        const state = await loadState(docId)
        states.delete(docId)
        const plan = await planUpdate(docId, state, elements, spec, env)
        let version = state.head ?? 0
        if (!plan.unchanged) {
          version = await store.commit(docId, {
            base: state.head,
            record: plan.record,
            blobs: plan.blobs,
          })
          state.head = version
          state.record = plan.record
        }
        state.previous = plan.previous
        remember(docId, state)
        for (const reason of plan.why) emitter.emit('recompute', { docId, reason })
        if (!plan.unchanged) emitter.emit('commit', { docId, version, counts: plan.counts })
        return {
          docId,
          version,
          created: !plan.unchanged,
          value: plan.value,
          counts: plan.counts,
          why: plan.why,
        }
      })
    },
    get: (docId, version) => readDocument(docId, version),
    history: (docId) => store.list(docId),
    rollback(docId, version) {
      return exclusive(docId, async () => {
        const head = await store.head(docId)
        const target = await store.read(docId, version)
        const record: VersionRecord = {
          ...target,
          version: (head ?? 0) + 1,
          parent: head,
          createdAt: now(),
          kind: 'rollback',
          rollbackOf: version,
        }
        const created = await store.commit(docId, { base: head, record, blobs: {} })
        states.delete(docId)
        return readDocument(docId, created)
      })
    },
    async reconcile(currentDocIds, reconcileOptions) {
      const mode = reconcileOptions?.mode
      if (!MODES.includes(mode)) {
        throw new InvalidOptionError(
          'mode',
          `mode must be one of ${MODES.join(', ')}, got ${String(mode)}`,
        )
      }
      const current = new Set(currentDocIds)
      const fingerprints = new Map<string, string>()
      const corrupt: string[] = []
      for (const docId of await store.documents()) {
        const head = await store.head(docId)
        if (head === null) continue
        try {
          fingerprints.set(docId, (await store.read(docId, head)).fingerprint)
        } catch (error) {
          if (!(error instanceof StoreCorruptError)) throw error
          corrupt.push(docId)
        }
      }
      const present = [...current].filter((docId) => fingerprints.has(docId))
      const missing = [...current].filter((docId) => !fingerprints.has(docId))
      const keptContent = new Set(present.map((docId) => fingerprints.get(docId)))
      const deleted: string[] = []
      for (const [docId, fingerprint] of fingerprints) {
        if (current.has(docId) || mode === 'upserts') continue
        if (mode === 'duplicates-only' && !keptContent.has(fingerprint)) continue
        await exclusive(docId, () => store.deleteDocument(docId))
        states.delete(docId)
        deleted.push(docId)
      }
      if (mode === 'upserts-and-delete') {
        for (const docId of corrupt) {
          if (current.has(docId)) continue
          await exclusive(docId, () => store.deleteDocument(docId))
          states.delete(docId)
          deleted.push(docId)
        }
      }
      return { missing, present, corrupt, deleted: deleted.sort() }
    },
    async prune(pruneOptions) {
      const { keepLast, olderThan } = pruneOptions ?? {}
      if (keepLast === undefined && olderThan === undefined) {
        throw new InvalidOptionError('keepLast', 'prune needs keepLast, olderThan or both')
      }
      if (keepLast !== undefined && (!Number.isInteger(keepLast) || keepLast < 1)) {
        throw new InvalidOptionError(
          'keepLast',
          `keepLast must be an integer >= 1, got ${keepLast}`,
        )
      }
      if (olderThan !== undefined && !(Number.isFinite(olderThan) && olderThan >= 0)) {
        throw new InvalidOptionError(
          'olderThan',
          `olderThan must be a number of ms >= 0, got ${olderThan}`,
        )
      }
      const cutoff = olderThan === undefined ? Number.POSITIVE_INFINITY : now() - olderThan
      const result: PruneResult = { versionsRemoved: 0, blobsRemoved: 0 }
      for (const docId of pruneOptions.docIds ?? (await store.documents())) {
        await exclusive(docId, async () => {
          const versions = (await store.list(docId)).sort((a, b) => b.version - a.version)
          const remove = versions
            .filter(
              (info, index) => index > 0 && index >= (keepLast ?? 1) && info.createdAt < cutoff,
            )
            .map((info) => info.version)
          if (remove.length === 0) return
          const removing = new Set(remove)
          const live = new Set<string>()
          try {
            for (const info of versions) {
              if (removing.has(info.version)) continue
              const record = await store.read(docId, info.version)
              for (const key of record.chunks) live.add(key)
              for (const key of (await columnsOf(docId, record)).resultKeys) live.add(key)
            }
          } catch (error) {
            // a kept version we cannot read may need blobs held by the doomed files: keep all
            if (error instanceof StoreCorruptError) return
            throw error
          }
          const { blobsRemoved } = await store.prune(docId, { versions: remove, live })
          result.versionsRemoved += remove.length
          result.blobsRemoved += blobsRemoved
        })
      }
      return result
    },
    on(event, listener) {
      emitter.on(event, listener as never)
      return () => {
        emitter.off(event, listener as never)
      }
    },
  }
}

/** The id index of a stored version: a repeated id there means the store is corrupt. */
function indexStored(ids: readonly string[], where: string): IdIndex {
  try {
    return IdIndex.ofIds(ids)
  } catch (error) {
    if (!(error instanceof DuplicateIdError)) throw error
    throw new StoreCorruptError(where, error.message, { cause: error })
  }
}
