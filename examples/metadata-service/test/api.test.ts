// The API on a private PostgreSQL holding the fixture corpus, behind the real Redis: what each
// route answers, how bad input is refused, and what the caches spare PostgreSQL.
import { describePostgres, describeRedis } from '@mx/testkit'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { docPath, json, patch, startStack } from './helpers'

let stack: Awaited<ReturnType<typeof startStack>>
let url: string
let service: Awaited<ReturnType<typeof stack.service>>['service']

describePostgres('metadata service API', () => {
  describeRedis('with PostgreSQL and Redis', () => {
    beforeAll(async () => {
      stack = await startStack(import.meta.url)
      ;({ url, service } = await stack.service())
    })
    afterAll(() => stack?.stop())

    it('lists every document by id, a page at a time, with a cursor for the next', async () => {
      const seen: string[] = []
      let cursor: string | null = null
      do {
        const query: string = cursor ? `&cursor=${cursor}` : ''
        const page = await json(`${url}/documents?limit=7${query}`)
        expect(page.status).toBe(200)
        expect(page.body.items.length).toBeLessThanOrEqual(7)
        seen.push(...page.body.items.map((item: { id: string }) => item.id))
        cursor = page.body.next
      } while (cursor)
      expect(seen).toHaveLength(37)
      expect(seen).toEqual([...seen].sort())
    })

    it('searches with PostgreSQL full text, best match first, filtered by format and language', async () => {
      const found = await json(`${url}/documents?q=${encodeURIComponent('release notes')}`)
      expect(found.body.items.map((item: { id: string }) => item.id).sort()).toEqual([
        'guides/release-notes-1.md',
        'guides/release-notes-2.md',
      ])
      const title = await json(`${url}/documents?q=glossary`)
      expect(title.body.items[0].id).toBe('glossary.html')
      const html = await json(`${url}/documents?format=html`)
      expect(html.body.items.map((item: { id: string }) => item.id)).toEqual(['glossary.html'])
      const text = await json(`${url}/documents?format=text&q=operator`)
      expect(text.body.items.map((item: { id: string }) => item.id)).toEqual(['notes.txt'])
      const lang = html.body.items[0].lang
      const sameLang = await json(`${url}/documents?lang=${lang}&limit=100`)
      expect(sameLang.body.items.every((item: { lang: string }) => item.lang === lang)).toBe(true)
    })

    it('answers a document, its related documents and its elements as NDJSON', async () => {
      const doc = await json(`${url}${docPath('guides/caching.md')}`)
      expect(doc.body).toMatchObject({
        id: 'guides/caching.md',
        title: 'Caching in depth',
        format: 'markdown',
      })
      expect(doc.body.outline.map((heading: { text: string }) => heading.text)).toEqual([
        'Caching in depth',
        'Tiers',
        'Invalidation',
      ])
      expect(doc.body.keywords.length).toBeGreaterThan(0)
      const related = await json(`${url}${docPath('guides/caching.md')}/related`)
      expect(related.body.links.map((link: { id: string }) => link.id)).toEqual([
        'guides/workers.md',
        'index.md',
      ])
      expect(related.body.linkedFrom.map((link: { id: string }) => link.id)).toEqual(['index.md'])
      const duplicates = await json(`${url}${docPath('guides/release-notes-1.md')}/related`)
      expect(duplicates.body.duplicates.map((other: { id: string }) => other.id)).toEqual([
        'guides/release-notes-2.md',
      ])
      const elements = await fetch(`${url}${docPath('guides/caching.md')}/elements`)
      expect(elements.headers.get('content-type')).toMatch(/application\/x-ndjson/)
      const lines = (await elements.text())
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line))
      expect(lines[0]).toMatchObject({
        position: 1,
        type: 'heading',
        depth: 1,
        text: 'Caching in depth',
      })
      expect(lines.map((line) => line.type)).toContain('code')
      expect(lines.map((line) => line.position)).toEqual(lines.map((_, i) => i + 1))
    })

    it('counts documents, formats and languages', async () => {
      const stats = await json(`${url}/stats`)
      expect(stats.body).toMatchObject({ documents: 37, links: expect.any(Number), duplicates: 1 })
      expect(stats.body.byFormat).toEqual([
        { name: 'markdown', documents: 35 },
        { name: 'html', documents: 1 },
        { name: 'text', documents: 1 },
      ])
    })

    it.each([
      ['/documents?limit=500', 'querystring/limit must be <= 100'],
      ['/documents?limit=0', 'querystring/limit must be >= 1'],
      ['/documents?format=docx', 'querystring/format must be equal to one of the allowed values'],
      ['/documents?lang=english', 'querystring/lang must match pattern'],
      ['/documents?sort=title', 'querystring must NOT have additional properties'],
      ['/documents?cursor=bm9wZQ', 'cursor: not a cursor this API gave out'],
    ])('refuses %s with 400 and a message naming what is wrong', async (path, message) => {
      const answer = await json(`${url}${path}`)
      expect(answer.status).toBe(400)
      expect(answer.body.message).toContain(message)
    })

    it('answers 404 for an unknown document and 400 for a bad write', async () => {
      expect((await json(`${url}${docPath('nope.md')}`)).status).toBe(404)
      expect((await json(`${url}${docPath('nope.md')}/elements`)).status).toBe(404)
      expect((await patch(url, 'nope.md', { title: 'x' })).status).toBe(404)
      const empty = await patch(url, 'index.md', {})
      expect(empty.status, JSON.stringify(empty.body)).toBe(400)
      expect(empty.body.message).toContain('body must NOT have fewer than 1 properties')
      const wrong = await patch(url, 'index.md', { title: ['a', 'b'] })
      expect(wrong.body.message).toContain('body/title must be string')
    })

    it('serves repeated reads from the caches without PostgreSQL, and a write is seen at once', async () => {
      const paths = [
        '/documents?q=cache',
        docPath('guides/workers.md'),
        `${docPath('guides/workers.md')}/related`,
        '/stats',
      ]
      for (const path of paths) await json(`${url}${path}`)
      const before = service.db.stats.queries
      for (let round = 0; round < 5; round++) {
        for (const path of paths) {
          const answer = await json(`${url}${path}`)
          expect(answer.status).toBe(200)
          expect(answer.headers.get('x-cache')).toBe('HIT')
        }
      }
      expect(service.db.stats.queries).toBe(before)
      const written = await patch(url, 'guides/workers.md', { title: 'Threads, pooled' })
      expect(written.body.title).toBe('Threads, pooled')
      expect((await json(`${url}${docPath('guides/workers.md')}`)).body.title).toBe(
        'Threads, pooled',
      )
      const search = await json(`${url}/documents?q=pooled`)
      expect(search.body.items.map((item: { id: string }) => item.id)).toEqual([
        'guides/workers.md',
      ])
      const related = await json(`${url}${docPath('guides/caching.md')}/related`)
      expect(
        related.body.links.find((link: { id: string }) => link.id === 'guides/workers.md').title,
      ).toBe('Threads, pooled')
    })

    it('warms the most requested queries on schedule: they run again and stay cached', async () => {
      await service.store.warm()
      for (let i = 0; i < 3; i++) await json(`${url}/documents?q=worker`)
      await json(`${url}/documents?q=glossary`)
      const before = service.db.stats.queries
      // the two searches asked since the last warm-up run again (and nothing else)
      expect(await service.store.warm()).toBe(2)
      expect(service.db.stats.queries - before).toBe(2)
      expect(await service.store.warm()).toBe(0)
    })

    it('exposes its metrics to Prometheus: pool, queries, response cache', async () => {
      const metrics = await fetch(`${url}/metrics`)
      const text = await metrics.text()
      for (const name of [
        'pg_pool_total',
        'pg_pool_idle',
        'pg_pool_waiting',
        'pg_queries_total',
        'pg_query_duration_seconds_bucket',
        'http_cache_responses',
      ]) {
        expect(text).toContain(name)
      }
    })
  })
})
