import type { VersionRecord } from './store-types'
import type { TrackerCore } from './tracker-core'
import { loadState, readDocument } from './tracker-reads'
import type { StoredDocument, UpdateResult, UpdateSpec } from './tracker-types'
import type { Element } from './types'
import { planUpdate } from './update'

/**
 * `tracker.update()`: plans the next version from the document's state and commits it unless
 * nothing changed; the state is cached again only once the commit succeeded.
 */
export function updateDocument<E extends Element, R>(
  core: TrackerCore,
  docId: string,
  elements: readonly E[],
  spec: UpdateSpec<E, R>,
): Promise<UpdateResult<R>> {
  const { store, emitter } = core
  return core.exclusive(docId, async () => {
    const state = await loadState(core, docId)
    core.states.delete(docId)
    const plan = await planUpdate(docId, state, elements, spec, core.env)
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
    core.remember(docId, state)
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
}

/** `tracker.rollback()`: commits a new version holding the content of `version`. */
export function rollbackDocument<R>(
  core: TrackerCore,
  docId: string,
  version: number,
): Promise<StoredDocument<R>> {
  const { store } = core
  return core.exclusive(docId, async () => {
    const head = await store.head(docId)
    const target = await store.read(docId, version)
    const record: VersionRecord = {
      ...target,
      version: (head ?? 0) + 1,
      parent: head,
      createdAt: core.now(),
      kind: 'rollback',
      rollbackOf: version,
    }
    const created = await store.commit(docId, { base: head, record, blobs: {} })
    core.states.delete(docId)
    return readDocument<R>(core, docId, created)
  })
}
