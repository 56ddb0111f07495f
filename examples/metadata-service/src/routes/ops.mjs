// The operator's routes: Prometheus metrics (the pool, the queries, the caches) and health.

/**
 * @param {import('fastify').FastifyInstance} app
 * @param {{ db: ReturnType<typeof import('../db/pool.mjs').createDatabase>,
 *   cache?: import('@mx/cache').Cache, responses?: import('@mx/cache/http').HttpCache,
 *   profiler: import('@mx/profiler').Profiler, redis?: import('ioredis').Redis,
 *   lifecycle: { stopping: boolean } }} deps
 */
export function opsRoutes(app, { db, cache, responses, profiler, redis, lifecycle }) {
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
    const healthy = database === 'up' && !lifecycle.stopping
    return reply
      .header('cache-control', 'no-store')
      .code(healthy ? 200 : 503)
      .send({ database, redis: redisState, ...(lifecycle.stopping ? { stopping: true } : {}) })
  })
}
