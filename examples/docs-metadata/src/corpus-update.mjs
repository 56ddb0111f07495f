// The corpus pass of a run (relate: keywords, sections, links, near-duplicates), kept up to date
// from the last run's state (run-state.mjs) with what changed in this one.
import { fingerprint, saveRunState } from './run-state.mjs'

/**
 * The corpus pass of a run, kept up to date from the last run's state: only the documents whose
 * fingerprint changed go into the index (their metadata is at hand: the engine decodes it on a
 * hit too), the ones that left the corpus or fail now leave it, unchanged files stay as they
 * are. When nothing changed, the last result is the result: no index is decoded and no state
 * written.
 * @param {ReturnType<typeof import('./run-state.mjs').loadRunState>} state
 */
export function corpusUpdate(state) {
  /** This run's fingerprints, by document id, as the documents are read. */
  const read = new Map()
  /** The documents that succeeded: relate()'s order once finish() sorts them as listed. */
  const ok = []
  let changed = false
  return {
    get size() {
      return ok.length
    },
    /**
     * Notes a document's fingerprint as it is read.
     * @param {import('@mx/engine').SourceDocument} doc
     */
    read(doc) {
      read.set(doc.id, fingerprint(doc))
    },
    /**
     * A document not read because its file is unchanged (unchanged.mjs): it is in the index as it
     * was.
     * @param {string} id
     */
    unchanged(id) {
      ok.push(id)
    },
    /**
     * A document the engine extracted (or served from its cache): into the index again when its
     * fingerprint changed. `fields` gives what the index reads of its metadata, called only then.
     * @param {string} id
     * @param {() => import('./extractor/relate-incremental.mjs').RelateInput} fields
     */
    extracted(id, fields) {
      const print = read.get(id)
      ok.push(id)
      if (print !== undefined && state.fingerprints.get(id) === print) return
      state.index().set(id, fields())
      // A document without a fingerprint (not read from the listing) goes in again every run.
      if (print === undefined) state.fingerprints.delete(id)
      else state.fingerprints.set(id, print)
      changed = true
    },
    /** A document that failed: out of the index. @param {string} id */
    failed(id) {
      if (state.fingerprints.delete(id)) {
        state.index().delete(id)
        changed = true
      }
    },
    /**
     * The corpus metadata as JSON, and how many documents of the last run's listing are gone
     * (null when there was no last run to compare with). The documents are related in the
     * listing's order, whatever order their results came in.
     * @param {{ id: string }[]} listing
     * @param {{ linesKept?: boolean }} [options] the run kept lines the state did not hold: the
     *   state is written even when the corpus is unchanged
     */
    finish(listing, { linesKept = false } = {}) {
      const position = new Map(listing.map((entry, i) => [entry.id, i]))
      ok.sort((a, b) => (position.get(a) ?? Infinity) - (position.get(b) ?? Infinity))
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
      if (changed || reordered || listed.length !== state.listed.length || removed || linesKept) {
        state.listed = listed
        state.order = ok
        saveRunState(state)
      }
      return { relations: state.relations, removed }
    },
  }
}
