// @mx/cache/http as a Fastify plugin on real Fastify servers, alone and as two instances
// sharing a Redis tier and bus (the real Redis server).
import { Readable } from 'node:stream'
import { describeRedis, keyPrefix, redisUrl } from '@mx/testkit'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { httpCache } from '../src/http/index'
import { type Cache, createCache, memoryTier, redisBus, redisTier } from '../src/index'
import { deleteKeys } from './helpers'
import { deferred, request } from './http-helpers'

const open: Array<() => Promise<unknown>> = []
afterEach(async () => {
  for (const close of open.splice(0)) await close()
})

/** A Fastify app with the plugin and a small document API over an in-memory "database". */
async function app(cache: Cache, db: Map<string, string>, runs = { count: 0 }) {
  const http = httpCache(cache)
  const server: FastifyInstance = Fastify()
  await server.register(http.fastify)
  server.get<{ Params: { id: string } }>('/docs/:id', async (request, reply) => {
    runs.count++
    const title = db.get(request.params.id)
    if (title === undefined)
      return reply.code(404).header('cache-control', 'no-store').send({ error: 'not found' })
    return reply
      .header('cache-control', 'max-age=300')
      .header('cache-tag', `doc:${request.params.id}`)
      .send({ id: request.params.id, title })
  })
  server.put<{ Params: { id: string }; Body: { title: string } }>('/docs/:id', async (request) => {
    db.set(request.params.id, request.body.title)
    await http.invalidate({ tags: [`doc:${request.params.id}`] })
    return { ok: true }
  })
  server.get('/stream', async (_request, reply) => {
    runs.count++
    return reply.header('cache-control', 'max-age=300').send(Readable.from(['a', 'b']))
  })
  server.get('/slow', async (_request, reply) => {
    runs.count++
    await new Promise((resolve) => setTimeout(resolve, 100))
    return reply.header('cache-control', 'max-age=300').send('slow')
  })
  const url = await server.listen({ port: 0, host: '127.0.0.1' })
  open.push(() => server.close())
  return { url, http, runs }
}

describe('Fastify plugin', () => {
  it('serves a route’s reply from the cache, hides the tag header, and answers 304', async () => {
    const cache = createCache()
    open.push(() => cache.close())
    const { url, runs } = await app(cache, new Map([['1', 'One']]))
    const first = await request(`${url}/docs/1`)
    expect(first.headers.get('x-cache')).toBe('MISS')
    expect(first.headers.get('cache-tag')).toBeNull()
    const second = await request(`${url}/docs/1`)
    expect(JSON.parse(second.body)).toEqual({ id: '1', title: 'One' })
    expect(second.headers.get('x-cache')).toBe('HIT')
    expect(second.headers.get('content-type')).toMatch(/application\/json/)
    expect(second.headers.get('cache-tag')).toBeNull()
    const etag = second.headers.get('etag') as string
    const notModified = await request(`${url}/docs/1`, { headers: { 'if-none-match': etag } })
    expect(notModified.status).toBe(304)
    expect(runs.count).toBe(1)
  })

  it('invalidates by tag on a write, and passes a streamed reply and a 404 with no-store through', async () => {
    const cache = createCache()
    open.push(() => cache.close())
    const db = new Map([['1', 'One']])
    const { url, runs, http } = await app(cache, db)
    await request(`${url}/docs/1`)
    await request(`${url}/docs/1`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Uno' }),
    })
    expect(JSON.parse((await request(`${url}/docs/1`)).body).title).toBe('Uno')
    expect((await request(`${url}/stream`)).body).toBe('ab')
    expect((await request(`${url}/stream`)).body).toBe('ab')
    expect((await request(`${url}/docs/2`)).status).toBe(404)
    expect((await request(`${url}/docs/2`)).status).toBe(404)
    expect(runs.count).toBe(6)
    expect(http.stats().notStored).toEqual({ streamed: 2, 'no-store': 2 })
  })
})

const prefix = keyPrefix(import.meta.url)

describeRedis('two Fastify instances sharing Redis', () => {
  afterAll(() => deleteKeys(prefix))

  function sharedCache(name: string): Cache {
    const cache = createCache({
      namespace: name,
      tiers: [memoryTier(), redisTier({ url: redisUrl(), prefix })],
      bus: redisBus({ url: redisUrl(), channel: `${prefix}bus:${name}` }),
    })
    open.push(() => cache.close())
    return cache
  }

  it('never serves a stale response after a write through either instance', async () => {
    const db = new Map([['1', 'One']])
    const a = await app(sharedCache('stale'), db)
    const b = await app(sharedCache('stale'), db)
    for (let round = 0; round < 20; round++) {
      // both instances hold the document in their memory tiers
      await request(`${a.url}/docs/1`)
      await request(`${b.url}/docs/1`)
      const title = `title ${round}`
      const writer = round % 2 === 0 ? a : b
      const put = await request(`${writer.url}/docs/1`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title }),
      })
      expect(put.status).toBe(200)
      expect(JSON.parse((await request(`${a.url}/docs/1`)).body).title).toBe(title)
      expect(JSON.parse((await request(`${b.url}/docs/1`)).body).title).toBe(title)
    }
  }, 30_000)

  it('runs a handler once for concurrent misses spread over both instances', async () => {
    const runs = { count: 0 }
    const a = await app(sharedCache('flight'), new Map(), runs)
    const b = await app(sharedCache('flight'), new Map(), runs)
    const gate = deferred()
    const all = Array.from({ length: 10 }, (_, i) =>
      gate.promise.then(() => request(`${(i % 2 === 0 ? a : b).url}/slow`)),
    )
    gate.resolve()
    const answers = await Promise.all(all)
    expect(answers.map((answer) => answer.body)).toEqual(Array(10).fill('slow'))
    expect(runs.count).toBe(1)
  }, 30_000)
})
