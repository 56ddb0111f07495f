import { DuplicateIdError, StoreCorruptError, UnknownVersionError } from './errors'
import { IdIndex } from './id-index'
import { type DocumentState, MISSING, stateFrom } from './state'
import type { TrackerCore } from './tracker-core'
import type { StoredDocument } from './tracker-types'

/**
 * The state an update starts from: the cached one while it is still the head, else rebuilt from
 * the store (a read, not a recompute), else empty when the head cannot be read.
 */
export async function loadState(core: TrackerCore, docId: string): Promise<DocumentState> {
  const { store, env } = core
  const head = await store.head(docId)
  const cached = core.states.get(docId)
  if (cached && cached.head === head) return cached
  if (head === null) return stateFrom(null, undefined)
  try {
    const record = await store.read(docId, head)
    const columns = await core.columnsOf(docId, record)
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
    core.emitter.emit('corrupt', { docId, error })
    return stateFrom(head, undefined)
  }
}

/** A stored version (the latest by default) with every element result and derived value. */
export async function readDocument<R>(
  core: TrackerCore,
  docId: string,
  version?: number,
): Promise<StoredDocument<R>> {
  const { store } = core
  const target = version ?? (await store.head(docId))
  if (target === null) throw new UnknownVersionError(docId, null)
  const record = await store.read(docId, target)
  const columns = await core.columnsOf(docId, record)
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

/** The id index of a stored version: a repeated id there means the store is corrupt. */
function indexStored(ids: readonly string[], where: string): IdIndex {
  try {
    return IdIndex.ofIds(ids)
  } catch (error) {
    if (!(error instanceof DuplicateIdError)) throw error
    throw new StoreCorruptError(where, error.message, { cause: error })
  }
}
