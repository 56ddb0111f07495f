// The HTTP service: a Fastify app over the store, with the response cache (@mx/cache/http) in
// front of its GET routes, rate limits per client shared through Redis, Prometheus metrics, and
// the browser UI. `buildApp` wires what it is given; `main.mjs` makes the real things.
import { readFileSync } from 'node:fs'
import rateLimit from '@fastify/rate-limit'
import { httpCache } from '@mx/cache/http'
import Fastify from 'fastify'
import { answerError } from './errors.mjs'
import { documentRoutes } from './routes/documents.mjs'
import { opsRoutes } from './routes/ops.mjs'

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
 *   store: ReturnType<typeof import('./store/index.mjs').createStore>,
 *   db: ReturnType<typeof import('./db/pool.mjs').createDatabase>,
 *   cache?: import('@mx/cache').Cache,
 *   profiler: import('@mx/profiler').Profiler,
 *   redis?: import('ioredis').Redis,
 *   rateLimit?: { max: number, prefix: string },
 *   logger?: boolean,
 *   responseTtl?: number,
 *   lifecycle?: { stopping: boolean },
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
  lifecycle = { stopping: false },
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

  app.setErrorHandler(answerError)

  documentRoutes(app, store, responseTtl)

  app.get('/stats', async (_request, reply) => {
    reply
      .header('cache-control', `max-age=0, s-maxage=${Math.min(responseTtl, 30)}`)
      .header('cache-tag', 'table:documents')
    return store.stats()
  })

  opsRoutes(app, { db, cache, responses, profiler, redis, lifecycle })

  for (const [path, { body, type }] of Object.entries(ui)) {
    app.get(path, async (_request, reply) =>
      reply.header('cache-control', 'max-age=60').type(type).send(body),
    )
  }
  return { app, responses }
}
