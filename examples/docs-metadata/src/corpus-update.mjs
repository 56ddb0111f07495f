// The corpus pass of a run (relate: keywords, sections, links, near-duplicates), kept up to date
// from the last run's state (run-state.mjs) with what changed in this one.
import { metadataFields } from '@mx/engine'
import { fingerprint, saveRunState } from './run-state.mjs'

/**
 * The corpus pass of a run, kept up to date from the last run's state: only the documents whose
 * fingerprint changed go into the index (their metadata is at hand: the engine decodes it on a
 * hit too), the ones that left the corpus or fail now leave it. When nothing changed, the last
 * result is the result: no index is decoded and no state written.
 * @param {ReturnType<typeof import('./run-state.mjs').loadRunState>} state
 */
export function corpusUpdate(state) {
  /** This run's fingerprints, by document id, as the documents are read. */
  const read = new Map()
  /** The documents that succeeded, in output order: relate()'s order. */
  const ok = []
  let changed = false
  return {
    get size() {
      return ok.length
    },
    /** @param {AsyncIterable<import('@mx/engine').SourceDocument>} source */
    async *fingerprinted(source) {
      for await (const doc of source) {
        read.set(doc.id, fingerprint(doc))
        yield doc
      }
    },
    /** @param {import('@mx/engine').ExtractResult} result */
    add(result) {
      const print = read.get(result.id)
      if (!result.ok) {
        if (state.fingerprints.delete(result.id)) {
          state.index().delete(result.id)
          changed = true
        }
        return
      }
      ok.push(result.id)
      if (print !== undefined && state.fingerprints.get(result.id) === print) return
      state.index().set(result.id, relateInput(result))
      // A document without a fingerprint (not read from the listing) goes in again every run.
      if (print === undefined) state.fingerprints.delete(result.id)
      else state.fingerprints.set(result.id, print)
      changed = true
    },
    /**
     * The corpus metadata as JSON, and how many documents of the last run's listing are gone
     * (null when there was no last run to compare with).
     * @param {{ id: string }[]} listing
     */
    finish(listing) {
      const succeeded = new Set(ok)
      for (const id of state.fingerprints.keys())
        if (!succeeded.has(id)) {
          state.fingerprints.delete(id)
          state.index().delete(id)
          changed = true
        }
      const listed = listing.map((entry) => entry.id)
      const now = new Set(listed)
      const removed = state.known ? state.listed.filter((id) => !now.has(id)).length : null
      const reordered =
        ok.length !== state.order.length || ok.some((id, i) => state.order[i] !== id)
      if (changed || reordered || state.relations === undefined)
        state.relations = state.index().resultJson(ok)
      if (changed || reordered || listed.length !== state.listed.length || removed) {
        state.listed = listed
        state.order = ok
        saveRunState(state)
      }
      return { relations: state.relations, removed }
    },
  }
}

/**
 * What the corpus pass reads of a document's metadata (see relate-incremental.mjs), decoded
 * alone for a result served from the cache.
 * @param {import('@mx/engine').ExtractSuccess} result
 * @returns {import('./extractor/relate-incremental.mjs').RelateInput}
 */
function relateInput(result) {
  const { terms, signature, links, outline, words } = /** @type {any} */ (
    metadataFields(result, ['terms', 'signature', 'links', 'outline', 'words'])
  )
  return { terms, signature, links, outline, words }
}
