// The API's reads, in SQL, each through `read` (the query cache, or PostgreSQL directly): what
// each returns, and the rows and tables it depends on (tags `doc:<id>`, `dependsOn` tables).
import { decodeCursor, encodeCursor } from '../cursor.mjs'

/** @typedef {import('./query-cache.mjs').Read} Read */

const listColumns = 'id, title, description, format, lang, words, reading_minutes, keywords'

/**
 * One page of documents: matching `q` (PostgreSQL full text, best first) or all (by id),
 * filtered by language and format, after `cursor` (keyset pagination: no OFFSET).
 * @param {Read} read
 * @param {{ q?: string, lang?: string, format?: string, cursor?: string, limit: number }} query
 */
export async function search(read, query) {
  const { q, lang, format, cursor, limit } = query
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
}

/** @param {Read} read @param {string} id */
export async function document(read, id) {
  const rows = await read(
    `SELECT ${listColumns}, outline, metadata, updated_at FROM documents WHERE id = $1`,
    [id],
    { tags: () => [`doc:${id}`], dependsOn: [] },
  )
  return rows[0]
}

/**
 * Elements of a document from `after` on (positions), at most `limit`.
 * @param {Read} read @param {string} id @param {number} after @param {number} limit
 */
export async function elements(read, id, after, limit) {
  return read(
    'SELECT position, element_id AS id, type, depth, text FROM elements WHERE document_id = $1 AND position > $2 ORDER BY position LIMIT $3',
    [id, after, limit],
    { tags: () => [`doc:${id}`], dependsOn: [] },
  )
}

/** Documents it links to, that link to it, and its near-duplicates. @param {Read} read @param {string} id */
export async function related(read, id) {
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
}

/** Counts of documents, elements, links, and documents by format and language. @param {Read} read */
export async function stats(read) {
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
}
