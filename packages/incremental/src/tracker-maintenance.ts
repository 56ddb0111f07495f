import { InvalidOptionError, StoreCorruptError } from './errors'
import { checkKnownKeys } from './kernel'
import { checkPruneKeys } from './options'
import type { TrackerCore } from './tracker-core'
import type { PruneOptions, PruneResult, ReconcileMode, ReconcileResult } from './tracker-types'

const MODES: readonly ReconcileMode[] = ['upserts', 'duplicates-only', 'upserts-and-delete']
// The keys `reconcile()` options take: `satisfies` makes the compiler keep the list complete.
const RECONCILE_OPTIONS = Object.keys({ mode: true } satisfies Record<
  keyof Parameters<typeof reconcileDocuments>[2],
  true
>)

/** `tracker.reconcile()`: sorts the listed documents by what the store holds, deleting by mode. */
export async function reconcileDocuments(
  core: TrackerCore,
  currentDocIds: readonly string[],
  reconcileOptions: { mode: ReconcileMode },
): Promise<ReconcileResult> {
  const { store, states, exclusive } = core
  if (typeof reconcileOptions === 'object' && reconcileOptions !== null) {
    checkKnownKeys(reconcileOptions, RECONCILE_OPTIONS, 'reconcile()')
  }
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
}

/** `tracker.prune()`: removes old versions and the blobs that only they referenced. */
export async function pruneDocuments(
  core: TrackerCore,
  pruneOptions: PruneOptions,
): Promise<PruneResult> {
  const { store } = core
  checkPruneKeys(pruneOptions)
  const { keepLast, olderThan } = pruneOptions ?? {}
  if (keepLast === undefined && olderThan === undefined) {
    throw new InvalidOptionError('keepLast', 'prune needs keepLast, olderThan or both')
  }
  if (keepLast !== undefined && (!Number.isInteger(keepLast) || keepLast < 1)) {
    throw new InvalidOptionError('keepLast', `keepLast must be an integer >= 1, got ${keepLast}`)
  }
  if (olderThan !== undefined && !(Number.isFinite(olderThan) && olderThan >= 0)) {
    throw new InvalidOptionError(
      'olderThan',
      `olderThan must be a number of ms >= 0, got ${olderThan}`,
    )
  }
  const cutoff = olderThan === undefined ? Number.POSITIVE_INFINITY : core.now() - olderThan
  const result: PruneResult = { versionsRemoved: 0, blobsRemoved: 0 }
  for (const docId of pruneOptions.docIds ?? (await store.documents())) {
    await core.exclusive(docId, async () => {
      const versions = (await store.list(docId)).sort((a, b) => b.version - a.version)
      const remove = versions
        .filter((info, index) => index > 0 && index >= (keepLast ?? 1) && info.createdAt < cutoff)
        .map((info) => info.version)
      if (remove.length === 0) return
      const removing = new Set(remove)
      const live = new Set<string>()
      try {
        for (const info of versions) {
          if (removing.has(info.version)) continue
          const record = await store.read(docId, info.version)
          for (const key of record.chunks) live.add(key)
          for (const key of (await core.columnsOf(docId, record)).resultKeys) live.add(key)
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
}
