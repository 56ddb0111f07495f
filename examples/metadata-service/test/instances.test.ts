// Two service instances on one PostgreSQL, sharing the real Redis: a write through either is
// seen at once through both (no stale response or query result), and rate limits are counted
// across them.
import { describePostgres, describeRedis } from '@mx/testkit'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { docPath, json, patch, startStack } from './helpers'

let stack: Awaited<ReturnType<typeof startStack>>

describePostgres('two instances', () => {
  describeRedis('sharing Redis', () => {
    beforeAll(async () => {
      stack = await startStack(import.meta.url)
    })
    afterAll(() => stack?.stop())

    it('never answers stale data after a write through either instance', async () => {
      const a = await stack.service()
      const b = await stack.service()
      const id = 'guides/topic-07.md'
      const reads = [
        docPath(id),
        `/documents?q=${encodeURIComponent('topic 07')}`,
        `${docPath('index.md')}/related`,
        '/documents?limit=100',
      ]
      for (let round = 0; round < 25; round++) {
        // both instances hold every read in their memory tiers and response caches
        for (const url of [a.url, b.url]) for (const path of reads) await json(`${url}${path}`)
        const title = `Topic seven, edit ${round}`
        const writer = round % 2 === 0 ? a : b
        expect((await patch(writer.url, id, { title })).status).toBe(200)
        for (const url of [a.url, b.url]) {
          expect((await json(`${url}${docPath(id)}`)).body.title).toBe(title)
          const search = await json(`${url}/documents?q=${encodeURIComponent(`edit ${round}`)}`)
          expect(search.body.items.map((item: { title: string }) => item.title)).toEqual([title])
          const listed = await json(`${url}/documents?limit=100`)
          expect(listed.body.items.find((item: { id: string }) => item.id === id).title).toBe(title)
        }
      }
      expect(a.service.responses?.stats().hits).toBeGreaterThan(0)
      expect(b.service.responses?.stats().hits).toBeGreaterThan(0)
    }, 60_000)

    it('limits a client across instances, with a clear 429', async () => {
      const a = await stack.service({ rateLimit: 6, prefix: `${stack.prefix}rl:` })
      const b = await stack.service({ rateLimit: 6, prefix: `${stack.prefix}rl:` })
      const statuses: number[] = []
      for (let i = 0; i < 6; i++)
        statuses.push((await json(`${(i % 2 === 0 ? a : b).url}/stats`)).status)
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200])
      const limited = await json(`${b.url}/stats`)
      expect(limited.status).toBe(429)
      expect(limited.body.message).toMatch(/at most 6 requests a minute per client/)
      expect((await json(`${a.url}/stats`)).status).toBe(429)
    })
  })
})
