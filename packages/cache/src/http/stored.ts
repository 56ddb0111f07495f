// A response as the cache stores it (from what an adapter captured) and as it is served again
// (headers a stored response gets on each use, 304 Not Modified, HEAD).
import { createHash } from 'node:crypto'
import {
  type HeaderMap,
  headerText,
  type Lifetime,
  NOT_MODIFIED_HEADERS,
  NOT_STORED_HEADERS,
  notModified,
} from './policy'
import type { CapturedResponse, HttpRequestLike, ServedResponse, StoredResponse } from './types'

/** Where a stored response's headers and tags come from, besides the response itself. */
export interface StoreSettings {
  tagHeader: string | undefined
  statusHeader: string | undefined
  etag: boolean
  now: number
}

/**
 * The entry for a storable response (with `captured.body` kept), and the tags its tag header
 * lists. `names`: the request headers it varies on. Adds a weak `ETag` from the body when
 * `settings.etag` and it has none.
 */
export function toStored(
  req: HttpRequestLike,
  captured: CapturedResponse & { body: Uint8Array },
  lifetime: Lifetime,
  names: readonly string[],
  settings: StoreSettings,
): { stored: StoredResponse; tags: string[] } {
  const headers: Array<[string, string | string[]]> = []
  const tags: string[] = []
  let etag: string | undefined
  for (const [name, value] of Object.entries(captured.headers)) {
    if (value === undefined) continue
    const text = Array.isArray(value) ? value.map(String) : String(value)
    if (name === settings.tagHeader) {
      for (const tag of String(text).split(/[\s,]+/)) if (tag !== '') tags.push(tag)
      continue
    }
    if (NOT_STORED_HEADERS.has(name) || name === settings.statusHeader) continue
    if (name === 'etag') etag = String(text)
    headers.push([name, text])
  }
  if (etag === undefined && settings.etag) {
    etag = `W/"${createHash('sha1').update(captured.body).digest('base64url')}"`
    headers.push(['etag', etag])
  }
  const age = Number(headerText(captured.headers, 'age') ?? 0)
  const stored: StoredResponse = {
    status: captured.status,
    headers,
    body: captured.body,
    storedAt: settings.now,
    initialAge: Number.isFinite(age) && age > 0 ? age * 1000 : 0,
    fresh: lifetime.fresh,
    staleWhileRevalidate: lifetime.staleWhileRevalidate,
    etag,
    vary: names.map((name) => [name, varyValue(req.headers, name)]),
  }
  return { stored, tags }
}

/**
 * A stored response as this request gets it, `age` ms old: a 304 with the headers RFC 9110
 * §15.4.5 lists when its conditions match, no body for HEAD, `Date` and `Age` set now.
 */
export function toServed(
  req: HttpRequestLike,
  stored: StoredResponse,
  age: number,
  now: number,
  status: { header: string | undefined; value: 'HIT' | 'STALE' },
): ServedResponse {
  const headers: Record<string, string | string[]> = {}
  const unchanged = notModified(req.headers, stored.etag, lastModified(stored))
  for (const [name, value] of stored.headers) {
    if (!unchanged || NOT_MODIFIED_HEADERS.has(name)) headers[name] = value
  }
  headers.date = new Date(now).toUTCString()
  headers.age = String(Math.floor(age / 1000))
  if (status.header !== undefined) headers[status.header] = status.value
  if (unchanged) return { status: 304, headers, body: undefined }
  headers['content-length'] = String(stored.body.byteLength)
  const head = (req.method ?? 'GET').toUpperCase() === 'HEAD'
  return { status: stored.status, headers, body: head ? undefined : stored.body }
}

/** Whether a stored variant answers this request: every header it varies on has its value. */
export function sameVariant(req: HttpRequestLike, stored: StoredResponse): boolean {
  for (const [name, value] of stored.vary) if (varyValue(req.headers, name) !== value) return false
  return true
}

/** A request header's value as `Vary` compares it: lists joined, whitespace collapsed. */
export function varyValue(headers: HeaderMap, name: string): string {
  return (headerText(headers, name) ?? '').replace(/\s+/g, ' ').trim()
}

function lastModified(stored: StoredResponse): string | undefined {
  const found = stored.headers.find(([name]) => name === 'last-modified')
  return found === undefined ? undefined : String(found[1])
}

/** `only-if-cached` with nothing stored: 504 (RFC 9111 §5.2.1.7). */
export function gatewayTimeout(statusHeader: string | undefined): ServedResponse {
  const body = new TextEncoder().encode('Gateway Timeout: not in cache (only-if-cached)\n')
  const headers: Record<string, string> = {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': String(body.byteLength),
    'cache-control': 'no-store',
  }
  if (statusHeader !== undefined) headers[statusHeader] = 'MISS'
  return { status: 504, headers, body }
}
