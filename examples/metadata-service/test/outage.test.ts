// Outages under load: PostgreSQL stopped for 10 s (cached reads keep being answered within the
// query cache's grace, writes and uncached reads get a clear 503, nothing acknowledged is lost,
// the pool reconnects on its own), and Redis killed (the service goes on without a shared cache).
import { describePostgres, describeRedis, startRedisServer } from '@mx/testkit'
import pg from 'pg'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createService } from '../src/service.mjs'
import { docPath, json, patch, startStack } from './helpers'

let stack: Awaited<ReturnType<typeof startStack>>

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describePostgres('outages', () => {
  describeRedis('under load', () => {
    beforeAll(async () => {
      stack = await startStack(import.meta.url)
    })
    afterAll(() => stack?.stop())

    it('keeps answering cached reads while PostgreSQL is down for 10 s, then recovers without a restart', async () => {
      // short freshness: during the outage every response and query result goes stale, so what
      // is answered comes from the query cache's grace, not from fresh entries
      const { url, service } = await stack.service({ queryTtl: 500, responseTtl: 1 })
      const reads = [
        '/documents?limit=10',
        '/documents?q=cache',
        docPath('guides/caching.md'),
        `${docPath('guides/caching.md')}/related`,
        '/stats',
      ]
      // a write acknowledged before the outage
      expect((await patch(url, 'notes.txt', { title: 'Before the outage' })).status).toBe(200)
      for (const path of reads) expect((await json(`${url}${path}`)).status).toBe(200)

      const outcomes = { cached: new Map<number, number>(), other: [] as number[] }
      let running = true
      const load = (async () => {
        while (running) {
          await Promise.all(
            reads.map(async (path) => {
              const { status } = await json(`${url}${path}`)
              outcomes.cached.set(status, (outcomes.cached.get(status) ?? 0) + 1)
            }),
          )
        }
      })()
      await sleep(300)
      await stack.pg.pause()
      const downSince = Date.now()
      await sleep(1_500)
      // uncached read and a write while it is down: 503 with a message and Retry-After
      const uncached = await json(`${url}${docPath('guides/topic-29.md')}`)
      expect(uncached.status).toBe(503)
      expect(uncached.body.message).toBe('the database is unavailable; retry shortly')
      expect(uncached.headers.get('retry-after')).toBe('5')
      const write = await patch(url, 'notes.txt', { title: 'During the outage' })
      expect(write.status).toBe(503)
      expect((await json(`${url}/health`)).body).toEqual({ database: 'down', redis: 'up' })
      await sleep(10_000 - (Date.now() - downSince))
      await stack.pg.resume()
      await sleep(300)
      running = false
      await load

      // every cached read was answered, during the outage too
      expect([...outcomes.cached.keys()]).toEqual([200])
      expect(outcomes.cached.get(200)).toBeGreaterThan(50)
      // the pool reconnected: writes and uncached reads work again in this same process
      expect((await patch(url, 'notes.txt', { title: 'After the outage' })).status).toBe(200)
      expect((await json(`${url}${docPath('guides/topic-29.md')}`)).status).toBe(200)
      expect((await json(`${url}${docPath('notes.txt')}`)).body.title).toBe('After the outage')
      expect((await json(`${url}/health`)).body).toEqual({ database: 'up', redis: 'up' })
      // nothing acknowledged was lost, and the refused write was not applied
      const direct = new pg.Client({ connectionString: stack.pg.url })
      await direct.connect()
      const { rows } = await direct.query("SELECT title FROM documents WHERE id = 'notes.txt'")
      await direct.end()
      expect(rows[0].title).toBe('After the outage')
      expect(service.db.pool.totalCount).toBeGreaterThan(0)
    }, 60_000)

    it('starts and answers while Redis is down from the start', async () => {
      // nothing listens on port 1: every connection to Redis is refused at once
      const service = await createService({
        pg: stack.pg.url,
        redis: 'redis://127.0.0.1:1',
        prefix: `${stack.prefix}down:`,
        rateLimit: 100,
        warmInterval: 0,
      })
      try {
        const url = await service.listen()
        for (const path of [
          '/stats',
          docPath('index.md'),
          docPath('index.md'),
          '/documents?q=cache',
        ]) {
          expect((await json(`${url}${path}`)).status).toBe(200)
        }
        expect((await json(`${url}/health`)).body).toEqual({ database: 'up', redis: 'down' })
      } finally {
        await service.close()
      }
    })

    it('goes on without a shared cache while Redis is down, and uses it again once it is back', async () => {
      const redis = await startRedisServer()
      const service = await createService({
        pg: stack.pg.url,
        redis: redis.url,
        prefix: `${stack.prefix}outage:`,
        rateLimit: 1000,
        warmInterval: 0,
        queryTtl: 200,
        responseTtl: 1,
      })
      try {
        const url = await service.listen()
        const paths = [
          '/documents?limit=5',
          docPath('index.md'),
          '/stats',
          docPath('guides/workers.md'),
        ]
        for (const path of paths) expect((await json(`${url}${path}`)).status).toBe(200)
        await redis.kill()
        const statuses = new Set<number>()
        const until = Date.now() + 3_000
        while (Date.now() < until) {
          for (const path of paths) statuses.add((await json(`${url}${path}`)).status)
          expect(
            (await patch(url, 'index.md', { description: `edited at ${Date.now()}` })).status,
          ).toBe(200)
        }
        expect([...statuses]).toEqual([200])
        expect((await json(`${url}/health`)).body.redis).toBe('down')
        await redis.restart()
        await sleep(1_500)
        for (const path of paths) expect((await json(`${url}${path}`)).status).toBe(200)
        expect((await json(`${url}/health`)).body.redis).toBe('up')
      } finally {
        await service.close()
        await redis.stop()
      }
    }, 60_000)
  })
})
