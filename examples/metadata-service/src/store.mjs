// What the API reads and writes, in SQL, through the query cache: each read is `getOrSet` under
// its SQL and parameters, tagged with the rows it returned (`doc:<id>`) and depending on the
// tables it read (`dependsOn`). A write invalidates the rows it changed and the tables whose
// listings it may change, on every instance through the cache's bus.
import { keyOf } from '@mx/cache'
import { decodeCursor, encodeCursor } from './cursor.mjs'

/** Freshness of a cached query (ms), and how long after it a stale result may stand in while PostgreSQL is down. */
export const defaultQueryTtl = 60_000
export const defaultQueryGrace = 15 * 60_000

const listColumns = 'id, title, description, format, lang, words, reading_minutes, keywords'

/**
 * @param {{ db: ReturnType<typeof import('./db/pool.mjs').createDatabase>,
 *   cache?: import('@mx/cache').Cache, ttl?: number, grace?: number }} options `cache` undefined:
 *   every read goes to PostgreSQL; `ttl` and `grace` of cached queries in ms
 */
export function createStore({
  db,
  cache,
  ttl: queryTtl = defaultQueryTtl,
  grace: queryGrace = defaultQueryGrace,
}) {
  /** Most requested queries since the last warm-up: key → query and hits. */
  const demand = new Map()

  /**
   * Runs `sql` through the query cache.
   * @param {string} sql
   * @param {unknown[]} params
   * @param {{ tags?: (rows: any[]) => string[], dependsOn: string[] }} deps
   */
  async function read(sql, params, deps) {
    const run = async () => (await db.query(sql, params)).rows
    if (cache === undefined) return run()
    const key = keyOf('sql', sql, params)
    const wanted = demand.get(key)
    if (wanted) wanted.hits++
    else demand.set(key, { sql, params, deps, hits: 1 })
    return cache.getOrSet(
      key,
      async (ctx) => {
        const rows = await run()
        ctx.setTags(deps.tags?.(rows) ?? [])
        return rows
      },
      { ttl: queryTtl, grace: queryGrace, dependsOn: deps.dependsOn },
    )
  }

  return {
    /**
     * One page of documents: matching `q` (PostgreSQL full text, best first) or all (by id),
     * filtered by language and format, after `cursor` (keyset pagination: no OFFSET).
     * @param {{ q?: string, lang?: string, format?: string, cursor?: string, limit: number }} query
     */
    async search({ q, lang, format, cursor, limit }) {
      const after = decodeCursor(cursor, q !== undefined)
      const params = []
      const where = []
      const param = (value) => {
        params.push(value)
        return `$${params.length}`
      }
      if (lang !== undefined) where.push(`lang = ${param(lang)}`)
      if (format !== undefined) where.push(`format = ${param(format)}`)
      let sql
      if (q !== undefined) {
        const query = param(q)
        where.push(`search @@ websearch_to_tsquery('simple', ${query})`)
        const rank = `ts_rank(search, websearch_to_tsquery('simple', ${query}))`
        // rank is a float4: compared as float4 again, a rank read back from a cursor is exact
        if (after)
          where.push(
            `(${rank} < ${param(after.rank)}::real OR (${rank} = $${params.length}::real AND id > ${param(after.id)}))`,
          )
        sql = `SELECT ${listColumns}, ${rank} AS rank FROM documents WHERE ${where.join(' AND ')} ORDER BY rank DESC, id LIMIT ${param(limit + 1)}`
      } else {
        if (after) where.push(`id > ${param(after.id)}`)
        sql = `SELECT ${listColumns} FROM documents ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id LIMIT ${param(limit + 1)}`
      }
      const rows = await read(sql, params, {
        tags: (found) => found.map((row) => `doc:${row.id}`),
        dependsOn: ['documents'],
      })
      const items = rows.slice(0, limit)
      const last = items.at(-1)
      const next = rows.length > limit && last ? encodeCursor(last, q !== undefined) : null
      return { items: items.map(({ rank: _rank, ...item }) => item), next }
    },

    /** @param {string} id */
    async document(id) {
      const rows = await read(
        `SELECT ${listColumns}, outline, metadata, updated_at FROM documents WHERE id = $1`,
        [id],
        { tags: () => [`doc:${id}`], dependsOn: [] },
      )
      return rows[0]
    },

    /**
     * Elements of a document from `after` on (positions), at most `limit`.
     * @param {string} id @param {number} after @param {number} limit
     */
    async elements(id, after, limit) {
      return read(
        'SELECT position, element_id AS id, type, depth, text FROM elements WHERE document_id = $1 AND position > $2 ORDER BY position LIMIT $3',
        [id, after, limit],
        { tags: () => [`doc:${id}`], dependsOn: [] },
      )
    },

    /** Documents it links to, that link to it, and its near-duplicates. @param {string} id */
    async related(id) {
      const rows = await read(
        `SELECT l.kind, l.from_id = $1 AS outgoing, d.id, d.title, l.href, l.similarity
           FROM links l JOIN documents d ON d.id = CASE WHEN l.from_id = $1 THEN l.to_id ELSE l.from_id END
          WHERE (l.from_id = $1 OR l.to_id = $1)
          ORDER BY l.kind, d.id`,
        [id],
        {
          tags: (found) => [`doc:${id}`, ...found.map((row) => `doc:${row.id}`)],
          dependsOn: ['links'],
        },
      )
      const pick = ({ id: other, title, href, similarity }) => ({
        id: other,
        title,
        href,
        similarity,
      })
      const seen = new Set()
      const duplicates = rows.filter(
        (row) => row.kind === 'duplicate' && !seen.has(row.id) && seen.add(row.id),
      )
      return {
        links: rows.filter((row) => row.kind === 'link' && row.outgoing).map(pick),
        linkedFrom: rows.filter((row) => row.kind === 'link' && !row.outgoing).map(pick),
        duplicates: duplicates.map(pick),
      }
    },

    async stats() {
      const [totals] = await read(
        `SELECT (SELECT count(*)::int FROM documents) AS documents,
                (SELECT coalesce(sum(words), 0)::bigint::text FROM documents) AS words,
                (SELECT count(*)::int FROM elements) AS elements,
                (SELECT count(*)::int FROM links WHERE kind = 'link') AS links,
                (SELECT (count(*) / 2)::int FROM links WHERE kind = 'duplicate') AS duplicates`,
        [],
        { dependsOn: ['documents', 'elements', 'links'] },
      )
      const byFormat = await read(
        'SELECT format AS name, count(*)::int AS documents FROM documents GROUP BY format ORDER BY documents DESC, name',
        [],
        {
          dependsOn: ['documents'],
        },
      )
      const byLanguage = await read(
        "SELECT coalesce(lang, 'und') AS name, count(*)::int AS documents FROM documents GROUP BY lang ORDER BY documents DESC, name LIMIT 20",
        [],
        { dependsOn: ['documents'] },
      )
      return { ...totals, words: Number(totals.words), byFormat, byLanguage }
    },

    /**
     * Changes a document's title, description or keywords; resolves the document, or undefined
     * when there is none with that id. Invalidates its rows, and the listings it may enter or leave.
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
      if (sets.length === 0) return this.document(id)
      const { rows } = await db.query(
        `UPDATE documents SET ${sets.join(', ')}, updated_at = now() WHERE id = $1 RETURNING id`,
        params,
      )
      if (rows.length === 0) return undefined
      await invalidate([id])
      return this.document(id)
    },

    /** Drops what is cached about `ids` and every listing (after a write). */
    invalidate,

    /**
     * Re-runs the most requested queries (at most `top`) and writes their results, so they stay
     * fresh; resolves how many. A query that fails is skipped (its cached result stays).
     */
    async warm(top = 50) {
      if (cache === undefined) return 0
      const hottest = [...demand.entries()].sort((a, b) => b[1].hits - a[1].hits).slice(0, top)
      demand.clear()
      let warmed = 0
      for (const [key, { sql, params, deps }] of hottest) {
        try {
          const rows = (await db.query(sql, params)).rows
          await cache.set(key, rows, {
            ttl: queryTtl,
            grace: queryGrace,
            tags: deps.tags?.(rows) ?? [],
            dependsOn: deps.dependsOn,
          })
          warmed++
        } catch {
          // PostgreSQL down: the cached result stays, within its grace
        }
      }
      return warmed
    },
  }

  /**
   * After a write to `ids`: drops their rows (queries and responses tagged `doc:<id>`) and every
   * listing (responses tagged `table:documents`, queries depending on `documents`). Elements and
   * links are not changed by a write through the API; an ingest clears the whole cache.
   * @param {string[]} ids
   */
  async function invalidate(ids) {
    if (cache === undefined) return
    await cache.invalidate({ tags: [...ids.map((id) => `doc:${id}`), 'table:documents'] })
    await cache.invalidate({ dependsOn: ['documents'] })
  }
}
