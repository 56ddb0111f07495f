// The HTTP caching rules of RFC 9111 that `@mx/cache/http` claims, as a shared cache (a cache in
// front of the application, serving many clients): what may be stored, for how long, and
// whether a stored response satisfies a request. No I/O here: plain functions over headers.

/** Header values as Node gives them: lower-case names, a string or a list of strings. */
export type HeaderMap = Record<string, string | string[] | number | undefined>

/** Parsed `Cache-Control`: directive name (lower case) → argument, or `true` without one. */
export type Directives = Map<string, string | true>

/** Parses a `Cache-Control` field (RFC 9111 §5.2): `a, b=1, c="x, y"`. Unknown directives are kept. */
export function parseCacheControl(value: HeaderMap[string]): Directives {
  const directives: Directives = new Map()
  if (value === undefined) return directives
  const text = Array.isArray(value) ? value.join(',') : String(value)
  const pattern = /\s*([^\s=,]+)\s*(?:=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*)))?\s*(?:,|$)/gy
  for (
    let match = pattern.exec(text);
    match !== null && match[0] !== '';
    match = pattern.exec(text)
  ) {
    const name = (match[1] as string).toLowerCase()
    const argument = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : match[3]
    // The first occurrence wins; a duplicate with another value is invalid and ignored.
    if (!directives.has(name)) directives.set(name, argument ?? true)
  }
  return directives
}

/** A delta-seconds argument (`max-age=60`) in ms, or undefined when absent or not a number. */
export function seconds(directives: Directives, name: string): number | undefined {
  const argument = directives.get(name)
  if (typeof argument !== 'string' || !/^\d+$/.test(argument)) return undefined
  return Number(argument) * 1000
}

/** One header as a single string (lists joined with `, `), or undefined. */
export function headerText(headers: HeaderMap, name: string): string | undefined {
  const value = headers[name]
  if (value === undefined) return undefined
  return Array.isArray(value) ? value.join(', ') : String(value)
}

/** The field names a `Vary` header lists, lower case; `['*']` for `Vary: *`. */
export function varyNames(headers: HeaderMap): string[] {
  const text = headerText(headers, 'vary')
  if (text === undefined) return []
  return text
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '')
}

/**
 * Status codes a cache may store without explicit freshness, using a heuristic (RFC 9110 §15.1):
 * here the `ttl` option stands in for the heuristic.
 */
const HEURISTIC = new Set([200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501])

/** Why a response is not stored (`undefined`: it is), for stats and tests. */
export type NotStored =
  | 'status'
  | 'no-store'
  | 'private'
  | 'no-cache'
  | 'authorization'
  | 'set-cookie'
  | 'vary-star'
  | 'no-freshness'
  | 'too-large'
  | 'streamed'

/** How long a stored response stays fresh and may then be served stale while it is refreshed. */
export interface Lifetime {
  /** Freshness lifetime in ms, the response's `Age` already taken off. */
  fresh: number
  /** `stale-while-revalidate` in ms (0 without it). */
  staleWhileRevalidate: number
}

/**
 * Whether a shared cache may store this response to a GET (RFC 9111 §3, §3.5, §4.2.1), and for
 * how long. `defaultTtl` is the freshness for a heuristically cacheable response that states
 * none (0: store only responses with explicit freshness). `now` is the cache's clock.
 */
export function storable(
  status: number,
  headers: HeaderMap,
  request: HeaderMap,
  defaultTtl: number,
  now: number,
): Lifetime | NotStored {
  if (status < 200 || status === 206 || status === 304 || status > 599) return 'status'
  const cc = parseCacheControl(headers['cache-control'])
  if (cc.has('no-store')) return 'no-store'
  if (cc.has('private')) return 'private'
  // `no-cache` allows storing but never reusing without validation with the origin, which this
  // cache does not do: not storing it is the same to clients.
  if (cc.has('no-cache')) return 'no-cache'
  if (
    request.authorization !== undefined &&
    !cc.has('public') &&
    !cc.has('s-maxage') &&
    !cc.has('must-revalidate')
  ) {
    return 'authorization'
  }
  if (headers['set-cookie'] !== undefined) return 'set-cookie'
  if (varyNames(headers).includes('*')) return 'vary-star'
  let fresh = seconds(cc, 's-maxage') ?? seconds(cc, 'max-age')
  if (fresh === undefined) {
    const expires = headerText(headers, 'expires')
    if (expires !== undefined) {
      // An invalid Expires means "already expired" (RFC 9111 §5.3).
      const at = Date.parse(expires)
      const date = Date.parse(headerText(headers, 'date') ?? '')
      fresh = Number.isNaN(at) ? 0 : at - (Number.isNaN(date) ? now : date)
    } else if (HEURISTIC.has(status) && !cc.has('must-revalidate')) {
      fresh = defaultTtl
    }
  }
  const age = Number(headerText(headers, 'age') ?? 0)
  fresh = (fresh ?? 0) - (Number.isFinite(age) && age > 0 ? age * 1000 : 0)
  if (fresh <= 0) return 'no-freshness'
  return { fresh, staleWhileRevalidate: seconds(cc, 'stale-while-revalidate') ?? 0 }
}

/**
 * Whether a stored response of `age` ms (fresh for `fresh` ms) satisfies the request's own
 * `Cache-Control` (RFC 9111 §5.2.1): `max-age` caps its age, `min-fresh` asks for freshness
 * left. (`no-cache` and `no-store` never reach a lookup.)
 */
export function acceptable(request: Directives, age: number, fresh: number): boolean {
  const maxAge = seconds(request, 'max-age')
  if (maxAge !== undefined && age > maxAge) return false
  const minFresh = seconds(request, 'min-fresh')
  if (minFresh !== undefined && fresh - age < minFresh) return false
  return true
}

/** Strips `W/` and compares opaque tags: the weak comparison of RFC 9110 §8.8.3.2. */
function weakMatch(a: string, b: string): boolean {
  return a.replace(/^W\//, '') === b.replace(/^W\//, '')
}

/**
 * Whether a conditional GET or HEAD gets 304 Not Modified (RFC 9110 §13.1.2, §13.1.3):
 * `If-None-Match` (weak comparison, `*` matches), else `If-Modified-Since` against
 * `Last-Modified`.
 */
export function notModified(
  request: HeaderMap,
  etag: string | undefined,
  lastModified: string | undefined,
): boolean {
  const ifNoneMatch = headerText(request, 'if-none-match')
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch.trim() === '*') return true
    if (etag === undefined) return false
    return ifNoneMatch.split(',').some((tag) => weakMatch(tag.trim(), etag))
  }
  const ifModifiedSince = headerText(request, 'if-modified-since')
  if (ifModifiedSince === undefined || lastModified === undefined) return false
  const since = Date.parse(ifModifiedSince)
  const modified = Date.parse(lastModified)
  return !Number.isNaN(since) && !Number.isNaN(modified) && modified <= since
}

/** Headers a 304 carries from the stored response (RFC 9110 §15.4.5). */
export const NOT_MODIFIED_HEADERS = new Set([
  'cache-control',
  'content-location',
  'etag',
  'expires',
  'vary',
  'last-modified',
])

/** Headers never stored: per connection (RFC 9110 §7.6.1), or set again on each response. */
export const NOT_STORED_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'date',
  'age',
  'content-length',
])
