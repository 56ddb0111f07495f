// @mx/cache/http on real node:http and Express servers: the RFC 9111 cases the README claims.
import type { IncomingMessage, ServerResponse } from 'node:http'
import express from 'express'
import { afterEach, describe, expect, it } from 'vitest'
import { type HttpCacheOptions, httpCache } from '../src/http/index'
import { createCache, memoryTier } from '../src/index'
import { manualClock } from '../src/test-suite'
import { deferred, request, serve } from './http-helpers'

type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>

const open: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const close of open.splice(0)) await close()
})

/** A server whose handler counts its runs; `headers` of each response come from `respond`. */
async function app(handler: Handler, options: HttpCacheOptions = {}) {
  const clock = manualClock()
  const cache = createCache({ clock, tiers: [memoryTier({ clock })] })
  const http = httpCache(cache, { clock, ...options })
  const runs = { count: 0 }
  const server = await serve(http.middleware, (req, res) => {
    runs.count++
    return handler(req, res)
  })
  open.push(async () => {
    await server.close()
    await cache.close()
  })
  return { url: server.url, http, cache, clock, runs }
}

function respond(
  headers: Record<string, string | string[]>,
  body = 'hello',
  status = 200,
): Handler {
  return (_req, res) => {
    res.writeHead(status, { 'content-type': 'text/plain', ...headers })
    res.end(body)
  }
}

describe('storing (RFC 9111 §3)', () => {
  it('serves a fresh response from the cache with Age, its headers and body, one handler run', async () => {
    const { url, runs, clock } = await app(respond({ 'cache-control': 'max-age=60', 'x-app': 'a' }))
    const first = await request(`${url}/doc?x=1`)
    expect(first.headers.get('x-cache')).toBe('MISS')
    clock.advance(5_000)
    const second = await request(`${url}/doc?x=1`)
    expect(second).toMatchObject({ status: 200, body: 'hello' })
    expect(second.headers.get('x-cache')).toBe('HIT')
    expect(second.headers.get('age')).toBe('5')
    expect(second.headers.get('x-app')).toBe('a')
    expect(second.headers.get('content-length')).toBe('5')
    expect(second.headers.get('content-type')).toBe('text/plain')
    expect(runs.count).toBe(1)
    await request(`${url}/doc?x=2`)
    expect(runs.count).toBe(2)
  })

  it.each([
    ['no-store', { 'cache-control': 'no-store, max-age=60' }],
    ['private', { 'cache-control': 'private, max-age=60' }],
    ['no-cache', { 'cache-control': 'no-cache, max-age=60' }],
    ['set-cookie', { 'cache-control': 'max-age=60', 'set-cookie': 'a=1' }],
    ['vary-star', { 'cache-control': 'max-age=60', vary: '*' }],
    ['no-freshness', {}],
    ['no-freshness', { expires: 'not a date' }],
  ])('does not store a response with %s', async (reason, headers) => {
    const { url, runs, http } = await app(respond(headers))
    await request(url)
    await request(url)
    expect(runs.count).toBe(2)
    expect(http.stats().notStored[reason as 'private']).toBe(2)
  })

  it('does not store a status that is not final or is partial, and stores a 404 with max-age', async () => {
    let status = 206
    const { url, runs } = await app((_req, res) => {
      res.writeHead(status, { 'cache-control': 'max-age=60' })
      res.end('x')
    })
    await request(url)
    await request(url)
    expect(runs.count).toBe(2)
    status = 404
    await request(`${url}/missing`)
    const again = await request(`${url}/missing`)
    expect(again.status).toBe(404)
    expect(runs.count).toBe(3)
  })

  it('stores a response without explicit freshness for `ttl` ms when its status allows a heuristic', async () => {
    let status = 200
    const { url, runs, clock } = await app(
      (_req, res) => {
        res.statusCode = status
        res.end('x')
      },
      { ttl: 1_000 },
    )
    await request(url)
    await request(url)
    expect(runs.count).toBe(1)
    clock.advance(1_001)
    await request(url)
    expect(runs.count).toBe(2)
    status = 500
    await request(`${url}/error`)
    await request(`${url}/error`)
    expect(runs.count).toBe(4)
  })

  it('does not store the answer to a request with Authorization unless the response says public', async () => {
    let extra = ''
    const { url, runs } = await app((_req, res) => {
      res.writeHead(200, { 'cache-control': `max-age=60${extra}` })
      res.end('secret')
    })
    const auth = { headers: { authorization: 'Bearer t' } }
    await request(url, auth)
    await request(url, auth)
    expect(runs.count).toBe(2)
    extra = ', public'
    await request(`${url}/public`, auth)
    await request(`${url}/public`, auth)
    expect(runs.count).toBe(3)
  })
})

describe('freshness (RFC 9111 §4.2)', () => {
  it('prefers s-maxage to max-age, as a shared cache', async () => {
    const { url, runs, clock } = await app(respond({ 'cache-control': 'max-age=100, s-maxage=2' }))
    await request(url)
    clock.advance(1_500)
    await request(url)
    expect(runs.count).toBe(1)
    clock.advance(1_000)
    await request(url)
    expect(runs.count).toBe(2)
  })

  it('takes freshness from Expires minus Date, and the Age a response came with off it', async () => {
    const clock0 = manualClock()
    const date = new Date(clock0.now()).toUTCString()
    const expires = new Date(clock0.now() + 10_000).toUTCString()
    const { url, runs, clock } = await app(respond({ date, expires }))
    await request(url)
    clock.advance(9_000)
    expect((await request(url)).headers.get('x-cache')).toBe('HIT')
    clock.advance(2_000)
    await request(url)
    expect(runs.count).toBe(2)

    const aged = await app(respond({ 'cache-control': 'max-age=10', age: '8' }))
    await request(aged.url)
    aged.clock.advance(1_000)
    const hit = await request(aged.url)
    expect(hit.headers.get('age')).toBe('9')
    aged.clock.advance(1_500)
    await request(aged.url)
    expect(aged.runs.count).toBe(2)
  })

  it('serves a stale response within stale-while-revalidate while one request refreshes it', async () => {
    let version = 1
    let gate: ReturnType<typeof deferred<undefined>> | undefined
    const { url, runs, clock } = await app(async (_req, res) => {
      const body = `v${version}`
      if (gate !== undefined) await gate.promise
      res.writeHead(200, { 'cache-control': 'max-age=10, stale-while-revalidate=30' })
      res.end(body)
    })
    await request(url)
    clock.advance(15_000)
    version = 2
    gate = deferred<undefined>()
    const refreshing = request(url)
    await new Promise((resolve) => setTimeout(resolve, 20))
    const others = await Promise.all([request(url), request(url), request(url)])
    for (const other of others) {
      expect(other.body).toBe('v1')
      expect(other.headers.get('x-cache')).toBe('STALE')
    }
    gate.resolve(undefined)
    expect((await refreshing).body).toBe('v2')
    gate = undefined
    const fresh = await request(url)
    expect(fresh).toMatchObject({ body: 'v2' })
    expect(fresh.headers.get('x-cache')).toBe('HIT')
    expect(runs.count).toBe(2)
    clock.advance(50_000)
    await request(url)
    expect(runs.count).toBe(3)
  })
})

describe('one handler run for concurrent misses', () => {
  it('runs a slow handler once for 20 concurrent requests of one URL, and each gets its answer', async () => {
    const gate = deferred()
    const { url, runs } = await app(async (_req, res) => {
      await gate.promise
      res.writeHead(200, { 'cache-control': 'max-age=60' })
      res.end('shared')
    })
    const all = Array.from({ length: 20 }, () => request(url))
    await new Promise((resolve) => setTimeout(resolve, 50))
    gate.resolve()
    const answers = await Promise.all(all)
    expect(answers.map((answer) => answer.body)).toEqual(Array(20).fill('shared'))
    expect(runs.count).toBe(1)
  })

  it('lets each waiter run the handler itself when the shared run was not storable', async () => {
    const gate = deferred()
    const { url, runs } = await app(async (_req, res) => {
      await gate.promise
      res.writeHead(200, { 'cache-control': 'private, max-age=60' })
      res.end(`run ${runs.count}`)
    })
    const all = Array.from({ length: 3 }, () => request(url))
    await new Promise((resolve) => setTimeout(resolve, 50))
    gate.resolve()
    const answers = await Promise.all(all)
    expect(runs.count).toBe(3)
    expect(answers.map((answer) => answer.headers.get('x-cache'))).toEqual(['MISS', 'MISS', 'MISS'])
  })

  it('does not leave waiters hanging when the leader’s client goes away mid-response', async () => {
    let first = true
    const { url, runs } = await app(async (_req, res) => {
      if (first) {
        first = false
        res.writeHead(200, { 'cache-control': 'max-age=60' })
        res.write('partial')
        res.destroy()
        return
      }
      res.writeHead(200, { 'cache-control': 'max-age=60' })
      res.end('whole')
    })
    await expect(request(url)).rejects.toThrow()
    expect((await request(url)).body).toBe('whole')
    expect(runs.count).toBe(2)
  })
})

describe('Vary (RFC 9111 §4.1)', () => {
  it('keeps one variant per Accept-Language and never serves another’s', async () => {
    const { url, runs } = await app((req, res) => {
      res.writeHead(200, { 'cache-control': 'max-age=60', vary: 'Accept-Language' })
      res.end(`lang=${req.headers['accept-language'] ?? 'none'}`)
    })
    const en = { headers: { 'accept-language': 'en' } }
    const fr = { headers: { 'accept-language': 'fr' } }
    expect((await request(url, en)).body).toBe('lang=en')
    expect((await request(url, fr)).body).toBe('lang=fr')
    expect((await request(url, en)).body).toBe('lang=en')
    expect((await request(url, fr)).body).toBe('lang=fr')
    expect((await request(url)).body).toBe('lang=none')
    expect((await request(url, { headers: { 'accept-language': 'en' } })).body).toBe('lang=en')
    expect(runs.count).toBe(3)
  })

  it('keys on the `vary` option’s headers from the first request on', async () => {
    const { url, runs } = await app(
      (req, res) => {
        res.writeHead(200, { 'cache-control': 'max-age=60' })
        res.end(String(req.headers['x-tenant']))
      },
      { vary: ['X-Tenant'] },
    )
    const a = request(url, { headers: { 'x-tenant': 'a' } })
    const b = request(url, { headers: { 'x-tenant': 'b' } })
    expect([(await a).body, (await b).body]).toEqual(['a', 'b'])
    expect((await request(url, { headers: { 'x-tenant': 'b' } })).body).toBe('b')
    expect(runs.count).toBe(2)
  })
})

describe('HEAD and conditional requests', () => {
  it('answers HEAD from a stored GET without a body, and passes a HEAD miss through unstored', async () => {
    const { url, runs } = await app(respond({ 'cache-control': 'max-age=60' }, 'body!'))
    const headMiss = await request(url, { method: 'HEAD' })
    expect(headMiss.status).toBe(200)
    expect(runs.count).toBe(1)
    await request(url)
    expect(runs.count).toBe(2)
    const head = await request(url, { method: 'HEAD' })
    expect(head).toMatchObject({ status: 200, body: '' })
    expect(head.headers.get('content-length')).toBe('5')
    expect(head.headers.get('x-cache')).toBe('HIT')
    expect(runs.count).toBe(2)
  })

  it('answers If-None-Match with 304 and the headers RFC 9110 §15.4.5 lists, with a generated weak ETag', async () => {
    const { url, http } = await app(
      respond({ 'cache-control': 'max-age=60', 'x-app': 'a', vary: 'accept' }),
    )
    await request(url)
    const hit = await request(url)
    const etag = hit.headers.get('etag') as string
    expect(etag).toMatch(/^W\/".+"$/)
    const revalidated = await request(url, {
      headers: { 'if-none-match': `"other", ${etag.slice(2)}` },
    })
    expect(revalidated.status).toBe(304)
    expect(revalidated.body).toBe('')
    expect(revalidated.headers.get('etag')).toBe(etag)
    expect(revalidated.headers.get('cache-control')).toBe('max-age=60')
    expect(revalidated.headers.get('vary')).toBe('accept')
    expect(revalidated.headers.get('x-app')).toBeNull()
    expect((await request(url, { headers: { 'if-none-match': '"other"' } })).status).toBe(200)
    expect((await request(url, { headers: { 'if-none-match': '*' } })).status).toBe(304)
    expect(http.stats().notModified).toBe(2)
  })

  it('keeps the handler’s own ETag, and answers If-Modified-Since from Last-Modified', async () => {
    const modified = new Date(Date.UTC(2026, 0, 1)).toUTCString()
    const { url } = await app(
      respond({ 'cache-control': 'max-age=60', etag: '"v7"', 'last-modified': modified }),
    )
    await request(url)
    expect((await request(url)).headers.get('etag')).toBe('"v7"')
    expect((await request(url, { headers: { 'if-none-match': 'W/"v7"' } })).status).toBe(304)
    const later = new Date(Date.UTC(2026, 1, 1)).toUTCString()
    const earlier = new Date(Date.UTC(2025, 1, 1)).toUTCString()
    expect((await request(url, { headers: { 'if-modified-since': later } })).status).toBe(304)
    expect((await request(url, { headers: { 'if-modified-since': earlier } })).status).toBe(200)
  })
})

describe('request directives (RFC 9111 §5.2.1)', () => {
  it('refreshes on no-cache (and Pragma: no-cache), bypasses on no-store, caps age with max-age', async () => {
    let version = 0
    const { url, runs, clock } = await app((_req, res) => {
      version++
      res.writeHead(200, { 'cache-control': 'max-age=60' })
      res.end(`v${version}`)
    })
    await request(url)
    expect((await request(url, { headers: { 'cache-control': 'no-cache' } })).body).toBe('v2')
    expect((await request(url)).body).toBe('v2')
    expect((await request(url, { headers: { pragma: 'no-cache' } })).body).toBe('v3')
    const bypass = await request(url, { headers: { 'cache-control': 'no-store' } })
    expect(bypass.body).toBe('v4')
    expect(bypass.headers.get('x-cache')).toBe('BYPASS')
    expect((await request(url)).body).toBe('v3')
    clock.advance(10_000)
    expect((await request(url, { headers: { 'cache-control': 'max-age=20' } })).body).toBe('v3')
    expect((await request(url, { headers: { 'cache-control': 'max-age=5' } })).body).toBe('v5')
    expect((await request(url, { headers: { 'cache-control': 'min-fresh=70' } })).body).toBe('v6')
    expect(runs.count).toBe(6)
  })

  it('answers only-if-cached from the cache or with 504', async () => {
    const { url, runs } = await app(respond({ 'cache-control': 'max-age=60' }))
    const only = { headers: { 'cache-control': 'only-if-cached' } }
    expect((await request(url, only)).status).toBe(504)
    await request(url)
    expect(await request(url, only)).toMatchObject({ status: 200, body: 'hello' })
    expect(runs.count).toBe(1)
  })
})

describe('invalidation', () => {
  it('drops a URL’s stored responses after a successful unsafe request to it (RFC 9111 §4.4)', async () => {
    let version = 1
    const { url, runs } = await app((req, res) => {
      if (req.method === 'POST') {
        res.statusCode = req.url === '/doc' ? 204 : 400
        if (res.statusCode === 204) version++
        res.end()
        return
      }
      res.writeHead(200, { 'cache-control': 'max-age=60' })
      res.end(`v${version}`)
    })
    await request(`${url}/doc`)
    await request(`${url}/doc?bad`, { method: 'POST' })
    await request(`${url}/doc?bad`)
    expect((await request(`${url}/doc`)).body).toBe('v1')
    await request(`${url}/doc`, { method: 'POST' })
    expect((await request(`${url}/doc`)).body).toBe('v2')
    expect(runs.count).toBe(5)
  })

  it('reads tags from the Cache-Tag header, never sends it, and drops what a tag names', async () => {
    let version = 1
    const { url, http, cache } = await app(
      (req, res) => {
        res.setHeader('cache-tag', `doc:${req.url?.slice(1)}, docs`)
        res.writeHead(200, { 'cache-control': 'max-age=60' })
        res.end(`${req.url} v${version}`)
      },
      { tags: (req) => (req.url === '/a' ? ['first'] : []) },
    )
    const first = await request(`${url}/a`)
    expect(first.headers.get('cache-tag')).toBeNull()
    await request(`${url}/b`)
    version = 2
    await http.invalidate({ tags: ['doc:a'] })
    expect((await request(`${url}/a`)).body).toBe('/a v2')
    expect((await request(`${url}/b`)).body).toBe('/b v1')
    await cache.invalidate({ tags: ['docs'] })
    expect((await request(`${url}/b`)).body).toBe('/b v2')
    version = 3
    await http.invalidate({ tags: ['first'] })
    expect((await request(`${url}/a`)).body).toBe('/a v3')
    await http.invalidate({ urls: ['/b'] })
    expect((await request(`${url}/b`)).body).toBe('/b v3')
  })
})

describe('what is passed through', () => {
  it('passes a body over maxBodyBytes through whole and does not store it', async () => {
    const big = 'x'.repeat(5_000)
    const { url, runs, http } = await app(
      (_req, res) => {
        res.writeHead(200, { 'cache-control': 'max-age=60' })
        for (let i = 0; i < 5; i++) res.write(big.slice(i * 1000, (i + 1) * 1000))
        res.end()
      },
      { maxBodyBytes: 4_096 },
    )
    expect((await request(url)).body).toBe(big)
    expect((await request(url)).body).toBe(big)
    expect(runs.count).toBe(2)
    expect(http.stats().notStored['too-large']).toBe(2)
  })

  it('leaves requests that `match` rejects and other methods alone', async () => {
    const { url, runs, http } = await app(respond({ 'cache-control': 'max-age=60' }), {
      match: (req) => !req.url?.startsWith('/live'),
      statusHeader: false,
    })
    await request(`${url}/live`)
    const second = await request(`${url}/live`)
    expect(second.headers.get('x-cache')).toBeNull()
    await request(url, { method: 'OPTIONS' })
    expect(runs.count).toBe(3)
    expect(http.stats().bypassed).toBe(3)
  })

  it('serves every request by its handler when the cache fails, and counts it', async () => {
    const { url, runs, http, cache } = await app(respond({ 'cache-control': 'max-age=60' }))
    await request(url)
    await cache.close()
    expect(await request(url)).toMatchObject({ status: 200, body: 'hello' })
    expect(await request(url)).toMatchObject({ status: 200, body: 'hello' })
    expect(runs.count).toBe(3)
    expect(http.stats().errors).toBeGreaterThanOrEqual(2)
  })
})

describe('per-request headers', () => {
  it('neither stores nor overwrites headers set before the cache ran', async () => {
    const cache = createCache()
    const http = httpCache(cache)
    let id = 0
    const server = await serve(
      (req, res, next) => {
        // an earlier middleware: a request id, as rate limiters and CORS set theirs
        res.setHeader('x-request-id', String(++id))
        http.middleware(req, res, next)
      },
      respond({ 'cache-control': 'max-age=60' }),
    )
    open.push(async () => {
      await server.close()
      await cache.close()
    })
    expect((await request(server.url)).headers.get('x-request-id')).toBe('1')
    const hit = await request(server.url)
    expect(hit.headers.get('x-cache')).toBe('HIT')
    expect(hit.headers.get('x-request-id')).toBe('2')
  })
})

describe('options', () => {
  it.each([
    ['ttl', { ttl: -1 }],
    ['maxBodyBytes', { maxBodyBytes: 0 }],
    ['vary', { vary: ['ok', 'not a header'] }],
    ['key', { key: 'url' }],
    ['tagHeader', { tagHeader: 'x y' }],
    ['etag', { etag: 'yes' }],
    ['clock', { clock: {} }],
    ['statusHedaer', { statusHedaer: 'x' }],
  ])('rejects a bad %s with MX_INVALID_OPTION naming it', (option, options) => {
    const cache = createCache()
    expect(() => httpCache(cache, options as HttpCacheOptions)).toThrow(
      expect.objectContaining({
        code: 'MX_INVALID_OPTION',
        message: expect.stringContaining(option),
      }),
    )
  })

  it('rejects something that is not a cache', () => {
    expect(() => httpCache({} as never)).toThrow(
      expect.objectContaining({ code: 'MX_INVALID_OPTION' }),
    )
  })
})

describe('Express', () => {
  it('caches res.send and res.json through app.use, with Express’s own ETag', async () => {
    const clock = manualClock()
    const cache = createCache({ clock, tiers: [memoryTier({ clock })] })
    const http = httpCache(cache, { clock })
    const runs = { count: 0 }
    const server = express()
    server.use(http.middleware)
    server.get('/json', (_req, res) => {
      runs.count++
      res.set('cache-control', 'max-age=60').json({ n: runs.count })
    })
    server.get('/text', (_req, res) => {
      runs.count++
      res.set('cache-control', 'public, max-age=60').type('text').send(`text ${runs.count}`)
    })
    const listening = server.listen(0, '127.0.0.1')
    await new Promise((resolve) => listening.once('listening', resolve))
    const base = `http://127.0.0.1:${(listening.address() as { port: number }).port}`
    open.push(async () => {
      listening.closeAllConnections()
      await new Promise((resolve) => listening.close(resolve))
      await cache.close()
    })
    const first = await request(`${base}/json`)
    const second = await request(`${base}/json`)
    expect(JSON.parse(second.body)).toEqual({ n: 1 })
    expect(second.headers.get('etag')).toBe(first.headers.get('etag'))
    expect(second.headers.get('content-type')).toMatch(/application\/json/)
    expect((await request(`${base}/text`)).body).toBe('text 2')
    expect((await request(`${base}/text`)).body).toBe('text 2')
    expect(runs.count).toBe(2)
  })
})
