// What the API reads and writes: the reads of reads.mjs through the query cache, and the one
// write (a document's title, description or keywords), which invalidates what it changed on
// every instance through the cache's bus.
import { createQueryCache } from './query-cache.mjs'
import { document, elements, related, search, stats } from './reads.mjs'

/** @param {Parameters<typeof createQueryCache>[0]} options */
export function createStore(options) {
  const { db } = options
  const queries = createQueryCache(options)
  const { read } = queries
  return {
    /** @param {Parameters<typeof search>[1]} query */
    search: (query) => search(read, query),
    /** @param {string} id */
    document: (id) => document(read, id),
    /** @param {string} id @param {number} after @param {number} limit */
    elements: (id, after, limit) => elements(read, id, after, limit),
    /** @param {string} id */
    related: (id) => related(read, id),
    stats: () => stats(read),
    warm: queries.warm,
    invalidate: queries.invalidate,

    /**
     * Changes a document's title, description or keywords; resolves the document, or undefined
     * when there is none with that id.
     * @param {string} id @param {{ title?: string, description?: string, keywords?: string[] }} changes
     */
    async update(id, changes) {
      const sets = []
      /** @type {unknown[]} */
      const params = [id]
      // the columns a write may change, named here: never a key of the request's body
      for (const column of /** @type {const} */ (['title', 'description', 'keywords'])) {
        if (changes[column] === undefined) continue
        params.push(changes[column])
        sets.push(`${column} = $${params.length}`)
      }
      if (sets.length === 0) return document(read, id)
      const { rows } = await db.query(
        `UPDATE documents SET ${sets.join(', ')}, updated_at = now() WHERE id = $1 RETURNING id`,
        params,
      )
      if (rows.length === 0) return undefined
      await queries.invalidate([id])
      return document(read, id)
    },
  }
}
