// The query cache: each read is `getOrSet` under its SQL and parameters, tagged with the rows it
// returned and depending on the tables it read, fresh for `ttl` and then, while PostgreSQL is
// down, served stale for `grace`. It counts what is asked most, and `warm()` re-runs those.
import { keyOf } from '@mx/cache'

/** Freshness of a cached query (ms), and how long after it a stale result may stand in while PostgreSQL is down. */
export const defaultQueryTtl = 60_000
export const defaultQueryGrace = 15 * 60_000

/**
 * @typedef {{ tags?: (rows: any[]) => string[], dependsOn: string[] }} Dependencies
 * @typedef {(sql: string, params: unknown[], deps: Dependencies) => Promise<any[]>} Read
 */

/**
 * @param {{ db: ReturnType<typeof import('../db/pool.mjs').createDatabase>,
 *   cache?: import('@mx/cache').Cache, ttl?: number, grace?: number }} options `cache`
 *   undefined: every read goes to PostgreSQL
 */
export function createQueryCache({ db, cache, ttl = defaultQueryTtl, grace = defaultQueryGrace }) {
  /** Queries asked since the last warm-up: key → query and how often. */
  const demand = new Map()
  const run = async (sql, params) => (await db.query(sql, params)).rows

  /** @type {Read} */
  async function read(sql, params, deps) {
    if (cache === undefined) return run(sql, params)
    const key = keyOf('sql', sql, params)
    const wanted = demand.get(key)
    if (wanted) wanted.hits++
    else demand.set(key, { sql, params, deps, hits: 1 })
    return cache.getOrSet(
      key,
      async (ctx) => {
        const rows = await run(sql, params)
        ctx.setTags(deps.tags?.(rows) ?? [])
        return rows
      },
      { ttl, grace, dependsOn: deps.dependsOn },
    )
  }

  /**
   * Re-runs the most asked queries (at most `top`) and writes their results, so they stay
   * fresh; resolves how many. A query that fails is skipped (its cached result stays).
   */
  async function warm(top = 50) {
    if (cache === undefined) return 0
    const hottest = [...demand.entries()].sort((a, b) => b[1].hits - a[1].hits).slice(0, top)
    demand.clear()
    let warmed = 0
    for (const [key, { sql, params, deps }] of hottest) {
      try {
        const rows = await run(sql, params)
        const tags = deps.tags?.(rows) ?? []
        await cache.set(key, rows, { ttl, grace, tags, dependsOn: deps.dependsOn })
        warmed++
      } catch {
        // PostgreSQL down: the cached result stays, within its grace
      }
    }
    return warmed
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

  return { read, warm, invalidate }
}
