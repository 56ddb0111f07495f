// `@mx/cache/http`: a response cache for Node HTTP servers over an `@mx/cache` cache, as a
// Fastify plugin and a `(req, res, next)` middleware (node:http, Express, Connect).
import type { Cache } from '../types'
import { fastifyPlugin, type HttpCacheFastifyPlugin } from './fastify'
import { type HttpCacheMiddleware, middleware } from './node'
import { HttpResponseCache } from './response-cache'
import type { HttpCacheOptions, HttpCacheStats } from './types'

export type {
  FastifyInstanceLike,
  FastifyReplyLike,
  FastifyRequestLike,
  HttpCacheFastifyPlugin,
} from './fastify'
export type { HttpCacheMiddleware } from './node'
export type { HeaderMap, NotStored } from './policy'
export type {
  CapturedResponse,
  Decision,
  HttpCacheOptions,
  HttpCacheStats,
  HttpRequestLike,
  ServedResponse,
  StoredResponse,
} from './types'

/** A response cache for one app (or several instances of it sharing the cache's tiers and bus). */
export interface HttpCache {
  /** Connect-style middleware for `node:http`, Express and Connect. */
  readonly middleware: HttpCacheMiddleware
  /** Fastify plugin (`app.register(http.fastify)`), applied to every route of the instance. */
  readonly fastify: HttpCacheFastifyPlugin
  /** Drops stored responses by tag, or every variant of some URLs, on every instance. */
  invalidate(target: { tags: string[] } | { urls: string[] }): Promise<void>
  stats(): HttpCacheStats
}

/**
 * Caches GET and HEAD responses in `cache` as a shared cache per RFC 9111: keyed by URL and the
 * request headers the response `Vary`s on, fresh for its `s-maxage`/`max-age`/`Expires` (or
 * `ttl`), stale within `stale-while-revalidate` while one request refreshes it, `ETag` and
 * `If-None-Match` answered with 304, and one handler run for concurrent misses of a key. Throws
 * `InvalidOptionError` (`MX_INVALID_OPTION`) on a bad option.
 */
export function httpCache(cache: Cache, options?: HttpCacheOptions): HttpCache {
  const core = new HttpResponseCache(cache, options)
  return {
    middleware: middleware(core),
    fastify: fastifyPlugin(core),
    invalidate: (target) => core.invalidate(target),
    stats: () => core.stats(),
  }
}
