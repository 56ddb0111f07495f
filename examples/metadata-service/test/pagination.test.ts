// Keyset pagination while documents are inserted: every document present before the walk is
// listed exactly once, and no page repeats a document, by id and by search rank alike.
import { describePostgres, describeRedis } from '@mx/testkit'
import pg from 'pg'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { json, startStack } from './helpers'

let stack: Awaited<ReturnType<typeof startStack>>

/** Walks every page of `query` (5 a page) while `between` runs between pages; resolves the ids in order. */
async function walk(
  url: string,
  query: string,
  between: (page: number) => Promise<void>,
): Promise<string[]> {
  const ids: string[] = []
  let cursor: string | null = null
  let page = 0
  do {
    const answer = await json(
      `${url}/documents?limit=5${query}${cursor ? `&cursor=${cursor}` : ''}`,
    )
    expect(answer.status).toBe(200)
    ids.push(...answer.body.items.map((item: { id: string }) => item.id))
    cursor = answer.body.next
    await between(page++)
  } while (cursor)
  return ids
}

describePostgres('keyset pagination', () => {
  describeRedis('with inserts during the walk', () => {
    let client: pg.Pool
    beforeAll(async () => {
      stack = await startStack(import.meta.url)
      // a pool: the inserts of one page run at once, on their own connections
      client = new pg.Pool({ connectionString: stack.pg.url, max: 7 })
    })
    afterAll(async () => {
      await client?.end()
      await stack?.stop()
    })

    // ids spread over the whole range, so some land before the cursor and some after it
    let inserted = 0
    async function insertSome(page: number) {
      const prefixes = [
        'a',
        'guides/a',
        'guides/topic-00',
        'guides/topic-15x',
        'guides/zz',
        'notes',
        'z',
      ]
      const writes = prefixes.map((prefix) => {
        const id = `${prefix}-new-${page}-${inserted++}.md`
        return client.query(
          `INSERT INTO documents (id, title, format, body_search) VALUES ($1, $2, 'markdown', to_tsvector('simple', 'topic details'))`,
          [id, `Topic inserted ${inserted}`],
        )
      })
      await Promise.all(writes)
    }

    it.each([
      ['by id', ''],
      ['by search rank', '&q=topic'],
    ])('lists every document present at the start exactly once, %s', async (_name, query) => {
      const { url } = await stack.service({ cache: false })
      const before = (
        await client.query(
          query === ''
            ? 'SELECT id FROM documents'
            : "SELECT id FROM documents WHERE search @@ websearch_to_tsquery('simple', 'topic')",
        )
      ).rows.map((row) => row.id as string)
      expect(before.length).toBeGreaterThan(20)
      const ids = await walk(url, query, insertSome)
      expect(new Set(ids).size).toBe(ids.length)
      const listed = new Set(ids)
      expect(before.filter((id) => !listed.has(id))).toEqual([])
    })
  })
})
