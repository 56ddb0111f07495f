// The HTTP service: a Fastify app over the store, with the response cache (@mx/cache/http) in
// front of its GET routes, rate limits per client shared through Redis, Prometheus metrics, and
// the browser UI. `buildApp` wires what it is given; `main.mjs` makes the real things.
import { readFileSync } from 'node:fs'
import rateLimit from '@fastify/rate-limit'
import { httpCache } from '@mx/cache/http'
import Fastify from 'fastify'
import { BadCursorError } from './cursor.mjs'
import { isUnavailable } from './db/pool.mjs'
import { documentRoutes } from './routes/documents.mjs'

const ui = Object.fromEntries(
  [
    ['/', 'index.html', 'text/html; charset=utf-8'],
    ['/app.js', 'app.js', 'text/javascript; charset=utf-8'],
    ['/style.css', 'style.css', 'text/css; charset=utf-8'],
  ].map(([path, file, type]) => [
    path,
    { body: readFileSync(new URL(`./ui/${file}`, import.meta.url)), type },
  ]),
)

/**
 * @param {{
 *   store: ReturnType<typeof import('./store.mjs').createStore>,
 *   db: ReturnType<typeof import('./db/pool.mjs').createDatabase>,
 *   cache?: import('@mx/cache').Cache,
 *   profiler: import('@mx/profiler').Profiler,
 *   redis?: import('ioredis').Redis,
 *   rateLimit?: { max: number, prefix: string },
 *   logger?: boolean,
 *   responseTtl?: number,
 * }} deps `cache` undefined: no response cache either; `responseTtl` in seconds (default 60)
 */
export async function buildApp({
  store,
  db,
  cache,
  profiler,
  redis,
  rateLimit: limits,
  logger = false,
  responseTtl = 60,
}) {
  const app = Fastify({
    logger,
    return503OnClosing: true,
    routerOptions: { maxParamLength: 500 },
    // unknown query parameters and body fields are errors, not silently dropped
    ajv: { customOptions: { removeAdditional: false } },
  })
  if (limits && limits.max > 0) {
    await app.register(rateLimit, {
      // not per route: one instance-wide hook, added below before the response cache's
      global: false,
      max: limits.max,
      timeWindow: 60_000,
      // shared by every instance through Redis; without Redis (or while it is down) each
      // instance counts alone, and a Redis failure lets the request through
      ...(redis ? { redis, nameSpace: `${limits.prefix}rate:` } : {}),
      skipOnError: true,
      errorResponseBuilder: (_request, context) => ({
        statusCode: 429,
        error: 'Too Many Requests',
        message: `rate limit: at most ${context.max} requests a minute per client; retry in ${Math.ceil(context.ttl / 1000)} s`,
      }),
    })
    app.addHook('onRequest', app.rateLimit())
  }
  // after the rate limit: a response served from the cache still counts against its client
  const responses = cache ? httpCache(cache) : undefined
  if (responses) await app.register(responses.fastify)
  const requests = profiler.histogram('http.request.duration', {
    unit: 'milliseconds',
    help: 'Time to answer one request',
  })
  app.addHook('onResponse', async (_request, reply) => {
    requests.record(reply.elapsedTime)
  })

  app.setErrorHandler((thrown, request, reply) => {
    const error = /** @type {any} */ (thrown)
    if (error.validation) {
      return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: error.message })
    }
    if (error instanceof BadCursorError) {
      return reply.code(400).send({ statusCode: 400, error: 'Bad Request', message: error.message })
    }
    if (isUnavailable(error) || isUnavailable(error.cause)) {
      return reply.code(503).header('retry-after', '5').header('cache-control', 'no-store').send({
        statusCode: 503,
        error: 'Service Unavailable',
        message: 'the database is unavailable; retry shortly',
      })
    }
    // a 4xx thrown by a plugin (the rate limit's 429 is a plain object)
    if (error.statusCode && error.statusCode < 500) return reply.code(error.statusCode).send(error)
    request.log.error(error)
    return reply
      .code(500)
      .send({ statusCode: 500, error: 'Internal Server Error', message: 'unexpected error' })
  })

  documentRoutes(app, store, responseTtl)

  app.get('/stats', async (_request, reply) => {
    reply
      .header('cache-control', `max-age=0, s-maxage=${Math.min(responseTtl, 30)}`)
      .header('cache-tag', 'table:documents')
    return store.stats()
  })

  app.get('/metrics', async (request, reply) => {
    db.syncGauges()
    if (responses) {
      const stats = responses.stats()
      for (const name of [
        'hits',
        'stale',
        'misses',
        'notModified',
        'bypassed',
        'stored',
        'errors',
      ]) {
        profiler
          .gauge('http.cache.responses', {
            help: 'Responses by cache outcome',
            labels: { outcome: name },
          })
          .set(stats[name])
      }
    }
    const cacheStats = cache?.stats()
    if (cacheStats)
      profiler
        .gauge('cache.hitRatio', { help: 'Query and response cache hit ratio' })
        .set(cacheStats.hitRatio)
    const { contentType, body } = profiler.exposition(request.headers.accept)
    return reply.header('cache-control', 'no-store').type(contentType).send(body)
  })

  app.get('/health', async (_request, reply) => {
    const database = await db.query('SELECT 1').then(
      () => 'up',
      () => 'down',
    )
    const redisState = redis ? (redis.status === 'ready' ? 'up' : 'down') : 'off'
    return reply
      .header('cache-control', 'no-store')
      .code(database === 'up' ? 200 : 503)
      .send({ database, redis: redisState })
  })

  for (const [path, { body, type }] of Object.entries(ui)) {
    app.get(path, async (_request, reply) =>
      reply.header('cache-control', 'max-age=60').type(type).send(body),
    )
  }
  return { app, responses }
}
