import { InvalidOptionError } from './errors'
import { checkTrackerKeys, checkTrackerOptions } from './options'
import type { VersionInfo } from './store-types'
import { createTrackerCore } from './tracker-core'
import { pruneDocuments, reconcileDocuments } from './tracker-maintenance'
import { readDocument } from './tracker-reads'
import type {
  PruneOptions,
  PruneResult,
  ReconcileMode,
  ReconcileResult,
  StoredDocument,
  TrackerEvents,
  TrackerOptions,
  UpdateResult,
  UpdateSpec,
} from './tracker-types'
import { rollbackDocument, updateDocument } from './tracker-writes'
import type { Element } from './types'

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

/**
 * Creates a tracker: `update()` hashes each element (ignoring volatile fields), reuses the
 * results of unchanged elements, recomputes only the derived values whose recorded
 * dependencies changed, and commits a version that references unchanged results instead of
 * copying them. Versions can be listed, read, rolled back (as a new version) and pruned.
 */
export function createTracker(options: TrackerOptions): Tracker {
  checkTrackerKeys(options)
  const store = options?.store
  if (!store || typeof store.commit !== 'function') {
    throw new InvalidOptionError('store', 'createTracker needs options.store, a VersionStore')
  }
  checkTrackerOptions(options as unknown as Record<string, unknown>)
  const core = createTrackerCore(options)
  const { emitter } = core

  return {
    update: (docId, elements, spec = {}) => updateDocument(core, docId, elements, spec),
    get: (docId, version) => readDocument(core, docId, version),
    history: (docId) => store.list(docId),
    rollback: (docId, version) => rollbackDocument(core, docId, version),
    reconcile: (currentDocIds, reconcileOptions) =>
      reconcileDocuments(core, currentDocIds, reconcileOptions),
    prune: (pruneOptions) => pruneDocuments(core, pruneOptions),
    on(event, listener) {
      emitter.on(event, listener as never)
      return () => {
        emitter.off(event, listener as never)
      }
    },
  }
}
