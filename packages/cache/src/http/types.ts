// The public shapes of `@mx/cache/http`: options, what is stored, what adapters hand over.
import type { Clock } from '../types'
import type { HeaderMap, NotStored } from './policy'

/** What the cache reads of a request: Node's `IncomingMessage` fits. */
export interface HttpRequestLike {
  readonly method?: string | undefined
  readonly url?: string | undefined
  readonly headers: HeaderMap
}

export interface HttpCacheOptions {
  /**
   * Freshness in ms for a response that states none (no `max-age`, `s-maxage` or `Expires`) and
   * whose status is heuristically cacheable (200, 404, …). Default 0: only responses with
   * explicit freshness are stored.
   */
  ttl?: number
  /** Request headers always part of the key, besides those a response's `Vary` names. */
  vary?: string[]
  /** The URL part of the key. Default: the request's path and query (`req.url`), host left out. */
  key?: (req: HttpRequestLike) => string
  /** Which GET and HEAD requests go through the cache. Default: all. */
  match?: (req: HttpRequestLike) => boolean
  /** Tags of a response about to be stored, added to those of its tag header. */
  tags?: (req: HttpRequestLike, response: { status: number; headers: HeaderMap }) => string[]
  /**
   * Response header that lists a response's tags (comma or space separated), read when storing
   * and never sent to clients. Default `cache-tag`; false: tags come only from `tags`.
   */
  tagHeader?: string | false
  /** Response header telling clients HIT, STALE, MISS or BYPASS. Default `x-cache`; false: none. */
  statusHeader?: string | false
  /** Largest body stored, in bytes; larger responses are passed through. Default 1 MiB. */
  maxBodyBytes?: number
  /** Give stored responses without an `ETag` a weak one from their body. Default true. */
  etag?: boolean
  /** Clock for `Age` and freshness; the cache's own clock when testing. Default `Date.now`. */
  clock?: Clock
}

/** A response as stored in the cache (one entry per URL and variant). */
export interface StoredResponse {
  status: number
  headers: Array<[string, string | string[]]>
  body: Uint8Array
  storedAt: number
  /** `Age` the response already had when stored, in ms. */
  initialAge: number
  fresh: number
  staleWhileRevalidate: number
  etag: string | undefined
  /** The request header values this variant answers (the names its `Vary` lists). */
  vary: Array<[string, string]>
}

/** What an adapter captured of the response a handler sent; `body` undefined when not kept. */
export interface CapturedResponse {
  status: number
  headers: HeaderMap
  body: Uint8Array | undefined
  /** Why `body` was not kept. */
  dropped?: 'too-large' | 'streamed'
}

/** A response for the adapter to send as is (a stored one, a 304, or a 504 for `only-if-cached`). */
export interface ServedResponse {
  status: number
  headers: Record<string, string | string[]>
  /** Undefined for 304 and HEAD. */
  body: Uint8Array | undefined
}

export type Decision =
  | { kind: 'serve'; response: ServedResponse }
  | {
      kind: 'run'
      status: 'MISS' | 'BYPASS'
      /** Hands over what the handler sent (undefined: the connection closed before the end). */
      finish?: (captured: CapturedResponse | undefined) => void
      /** False: `finish` reads only the status and headers, so the body is not copied. */
      keepBody?: boolean
    }

export interface HttpCacheStats {
  /** Served from the cache, fresh. */
  hits: number
  /** Served stale within `stale-while-revalidate` while one request refreshed it. */
  stale: number
  /** Handler runs for a cacheable request. */
  misses: number
  /** 304 Not Modified answers (a subset of hits and stale). */
  notModified: number
  /** Requests passed through untouched (other methods, `no-store`, `match`, HEAD misses). */
  bypassed: number
  stored: number
  /** Responses not stored, by reason. */
  notStored: Partial<Record<NotStored | 'incomplete', number>>
  /** Cache failures; each request they touched was served by its handler instead. */
  errors: number
}
