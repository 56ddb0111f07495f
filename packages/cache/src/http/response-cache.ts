// The decision behind the middleware and the Fastify plugin: for one request, serve a stored
// response, or run the handler (alone, or as the one run that concurrent misses share) and
// store what it produced. Adapters (`node.ts`, `fastify.ts`) only capture and write bytes.
import type { Cache, Clock, FactoryContext } from '../types'
import { checkHttpCacheOptions } from './options'
import {
  acceptable,
  type Directives,
  type HeaderMap,
  headerText,
  type NotStored,
  parseCacheControl,
  storable,
  varyNames,
} from './policy'
import { gatewayTimeout, sameVariant, toServed, toStored, varyValue } from './stored'
import type {
  CapturedResponse,
  Decision,
  HttpCacheOptions,
  HttpCacheStats,
  HttpRequestLike,
  StoredResponse,
} from './types'

interface Uncacheable {
  uncacheable: NotStored | 'incomplete'
}

type Outcome = StoredResponse | Uncacheable

interface Lead {
  ctx: FactoryContext<Outcome>
  resolve(outcome: Outcome): void
}

const RUN_BYPASS: Decision = { kind: 'run', status: 'BYPASS' }
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
const NUL = '\u0000'
const URL_TAG = 'http-url:'
const MAX_VARY_SPECS = 10_000
const systemClock: Clock = { now: Date.now }

/** An HTTP response cache over an `@mx/cache` cache; see `httpCache`. */
export class HttpResponseCache {
  readonly #cache: Cache
  readonly #ttl: number
  readonly #vary: readonly string[]
  readonly #key: (req: HttpRequestLike) => string
  readonly #match: ((req: HttpRequestLike) => boolean) | undefined
  readonly #tags: HttpCacheOptions['tags']
  readonly #etag: boolean
  readonly #clock: Clock
  /** Per URL key, the request headers its responses vary on (learnt from their `Vary`). */
  readonly #varySpecs = new Map<string, readonly string[]>()
  readonly #stats: HttpCacheStats = {
    hits: 0,
    stale: 0,
    misses: 0,
    notModified: 0,
    bypassed: 0,
    stored: 0,
    notStored: {},
    errors: 0,
  }
  readonly tagHeader: string | undefined
  readonly statusHeader: string | undefined
  readonly maxBodyBytes: number

  constructor(cache: Cache, options: HttpCacheOptions = {}) {
    checkHttpCacheOptions(cache, options)
    this.#cache = cache
    this.#ttl = options.ttl ?? 0
    this.#vary = [...new Set((options.vary ?? []).map((name) => name.toLowerCase()))].sort()
    this.#key = options.key ?? ((req) => req.url ?? '/')
    this.#match = options.match
    this.#tags = options.tags
    this.#etag = options.etag ?? true
    this.#clock = options.clock ?? systemClock
    this.tagHeader = lower(options.tagHeader, 'cache-tag')
    this.statusHeader = lower(options.statusHeader, 'x-cache')
    this.maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024
  }

  /** Counters since creation (a copy). */
  stats(): HttpCacheStats {
    return { ...this.#stats, notStored: { ...this.#stats.notStored } }
  }

  /**
   * Drops stored responses: by tag (from the tag header or `tags`), or every variant of the
   * given URLs (as `key` builds them). Other instances drop them too through the cache's bus.
   */
  invalidate(target: { tags: string[] } | { urls: string[] }): Promise<void> {
    if ('urls' in target)
      return this.#cache.invalidate({ tags: target.urls.map((url) => URL_TAG + url) })
    return this.#cache.invalidate({ tags: target.tags })
  }

  /** Decides what to do with one request; never rejects (a cache failure means "run the handler"). */
  async decide(req: HttpRequestLike): Promise<Decision> {
    try {
      return await this.#decide(req)
    } catch {
      this.#stats.errors++
      return RUN_BYPASS
    }
  }

  async #decide(req: HttpRequestLike): Promise<Decision> {
    const method = (req.method ?? 'GET').toUpperCase()
    if (method !== 'GET' && method !== 'HEAD') {
      this.#stats.bypassed++
      if (!UNSAFE.has(method)) return RUN_BYPASS
      // A successful unsafe request invalidates what is stored for its URL (RFC 9111 §4.4).
      const url = this.#key(req)
      return {
        kind: 'run',
        status: 'BYPASS',
        keepBody: false,
        finish: (captured) => {
          if (captured !== undefined && captured.status >= 200 && captured.status < 400) {
            this.#cache.invalidate({ tags: [URL_TAG + url] }).catch(() => this.#stats.errors++)
          }
        },
      }
    }
    const directives = parseCacheControl(req.headers['cache-control'])
    if (directives.has('no-store') || (this.#match !== undefined && !this.#match(req))) {
      this.#stats.bypassed++
      return RUN_BYPASS
    }
    const url = this.#key(req)
    const key = this.#variantKey(url, req.headers)
    const noCache =
      directives.has('no-cache') ||
      (req.headers['cache-control'] === undefined &&
        /no-cache/i.test(headerText(req.headers, 'pragma') ?? ''))
    if (directives.has('only-if-cached') || method === 'HEAD') {
      const stored = await this.#cache.get<Outcome>(key)
      const served = stored === undefined ? undefined : this.#serve(req, stored, directives)
      if (served !== undefined) return served
      if (method === 'GET') return { kind: 'serve', response: gatewayTimeout(this.statusHeader) }
      // A HEAD miss is passed through: its response has no body to answer a later GET with.
      this.#stats.bypassed++
      return RUN_BYPASS
    }
    if (noCache) return this.#run(req, url, key, undefined)
    // A fresh entry in the memory tier: answered without a promise or a flight.
    const held = this.#cache.getSync<Outcome>(key)
    const served = held === undefined ? undefined : this.#serve(req, held, directives)
    if (served !== undefined) return served
    // One handler run for concurrent misses: the first caller's factory is "let the handler run";
    // everyone else awaits its outcome (in other processes too, through a Redis tier's lock).
    let grant!: (lead: Lead) => void
    const granted = new Promise<Lead>((resolve) => {
      grant = resolve
    })
    const outcome = this.#cache.getOrSet<Outcome>(
      key,
      (ctx) => new Promise<Outcome>((resolve) => grant({ ctx, resolve })),
      { ttl: 1, grace: 0, timeouts: { soft: 1 } },
    )
    const first = await Promise.race([
      granted,
      outcome.then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      ),
    ])
    if ('ctx' in first) {
      outcome.catch(() => {})
      return this.#run(req, url, key, first)
    }
    if ('error' in first) {
      this.#stats.errors++
      return RUN_BYPASS
    }
    return this.#serve(req, first.value, directives) ?? this.#run(req, url, key, undefined)
  }

  /**
   * The stored response as the request should get it: undefined when it cannot answer it
   * (not storable, another variant, too old for the request's `max-age`).
   */
  #serve(req: HttpRequestLike, stored: Outcome, directives: Directives): Decision | undefined {
    if ('uncacheable' in stored || !sameVariant(req, stored)) return undefined
    const now = this.#clock.now()
    const age = Math.max(0, now - stored.storedAt) + stored.initialAge
    const lifetime = stored.fresh + stored.initialAge
    if (!acceptable(directives, age, lifetime)) return undefined
    const stale = age > lifetime
    this.#stats[stale ? 'stale' : 'hits']++
    const status = {
      header: this.statusHeader,
      value: stale ? ('STALE' as const) : ('HIT' as const),
    }
    const response = toServed(req, stored, age, now, status)
    if (response.status === 304) this.#stats.notModified++
    return { kind: 'serve', response }
  }

  /** Lets the handler run; what it sends is stored (through `lead`'s flight when there is one). */
  #run(req: HttpRequestLike, url: string, key: string, lead: Lead | undefined): Decision {
    this.#stats.misses++
    const finish = (captured: CapturedResponse | undefined) => {
      let outcome: Outcome
      let storeKey = key
      let tags: string[] = []
      try {
        const made = this.#outcome(req, url, captured)
        outcome = made.outcome
        tags = made.tags
        if (!('uncacheable' in outcome)) storeKey = this.#variantKey(url, req.headers)
      } catch {
        // A throwing `tags` or `key` option: the response was sent all the same; nothing stored.
        this.#stats.errors++
        outcome = { uncacheable: 'incomplete' }
      }
      if ('uncacheable' in outcome) {
        this.#stats.notStored[outcome.uncacheable] =
          (this.#stats.notStored[outcome.uncacheable] ?? 0) + 1
      } else {
        this.#stats.stored++
      }
      const options =
        'uncacheable' in outcome
          ? undefined
          : { ttl: outcome.fresh, grace: outcome.staleWhileRevalidate, tags }
      if (lead !== undefined && options !== undefined && storeKey === key) {
        lead.ctx.setTtl(options.ttl, options.grace)
        lead.ctx.setTags(tags)
      } else {
        lead?.ctx.skip()
        if (options !== undefined)
          this.#cache.set(storeKey, outcome, options).catch(() => this.#stats.errors++)
      }
      lead?.resolve(outcome)
    }
    return { kind: 'run', status: 'MISS', finish }
  }

  /** What to store for a captured response, and its tags. */
  #outcome(
    req: HttpRequestLike,
    url: string,
    captured: CapturedResponse | undefined,
  ): { outcome: Outcome; tags: string[] } {
    if (captured === undefined) return { outcome: { uncacheable: 'incomplete' }, tags: [] }
    const { body } = captured
    if (body === undefined)
      return { outcome: { uncacheable: captured.dropped ?? 'streamed' }, tags: [] }
    const now = this.#clock.now()
    const lifetime = storable(captured.status, captured.headers, req.headers, this.#ttl, now)
    if (typeof lifetime === 'string') return { outcome: { uncacheable: lifetime }, tags: [] }
    const names = [...new Set([...this.#vary, ...varyNames(captured.headers)])].sort()
    this.#learn(url, names)
    const settings = {
      tagHeader: this.tagHeader,
      statusHeader: this.statusHeader,
      etag: this.#etag,
      now,
    }
    const { stored, tags } = toStored(req, { ...captured, body }, lifetime, names, settings)
    tags.push(URL_TAG + url)
    if (this.#tags !== undefined)
      tags.push(...this.#tags(req, { status: captured.status, headers: captured.headers }))
    return { outcome: stored, tags }
  }

  /** The cache key of a request: its URL key plus the values of the headers that URL varies on. */
  #variantKey(url: string, headers: HeaderMap): string {
    let key = `http${NUL}${url}`
    for (const name of this.#varySpecs.get(url) ?? this.#vary)
      key += `${NUL}${name}=${varyValue(headers, name)}`
    return key
  }

  /** Remembers that responses for `url` vary on `names` (a bounded, oldest-first map). */
  #learn(url: string, names: readonly string[]): void {
    const known = this.#varySpecs.get(url) ?? this.#vary
    if (names.every((name) => known.includes(name))) return
    this.#varySpecs.delete(url)
    if (this.#varySpecs.size >= MAX_VARY_SPECS) {
      const oldest = this.#varySpecs.keys().next().value
      if (oldest !== undefined) this.#varySpecs.delete(oldest)
    }
    this.#varySpecs.set(url, [...new Set([...known, ...names])].sort())
  }
}

function lower(value: string | false | undefined, fallback: string): string | undefined {
  if (value === false) return undefined
  return (value ?? fallback).toLowerCase()
}
