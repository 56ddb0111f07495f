// The `(req, res, next)` middleware: `node:http`, Express and Connect. A miss lets the handler
// write to the client as usual while a copy of what it writes is kept for the cache.
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http'
import type { HeaderMap } from './policy'
import type { HttpResponseCache } from './response-cache'
import type { CapturedResponse, ServedResponse } from './types'

/** Connect-style middleware; `next(error)` is never called with an error by the cache. */
export type HttpCacheMiddleware = (
  req: IncomingMessage,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void

export function middleware(cache: HttpResponseCache): HttpCacheMiddleware {
  return (req, res, next) => {
    // headers set before the cache ran (by earlier middleware: CORS, request ids, rate limits)
    // belong to this request: a stored response does not overwrite them, nor is stored with them
    const own = new Set(res.getHeaderNames())
    cache.decide(req).then((decision) => {
      if (decision.kind === 'serve') {
        send(res, decision.response, own)
        return
      }
      if (cache.statusHeader !== undefined && !res.headersSent)
        res.setHeader(cache.statusHeader, decision.status)
      if (decision.finish !== undefined)
        capture(res, cache, decision.finish, own, decision.keepBody ?? true)
      next()
    }, next)
  }
}

/** Writes a served response. */
function send(res: ServerResponse, response: ServedResponse, own: ReadonlySet<string>): void {
  const headers = Object.fromEntries(
    Object.entries(response.headers).filter(([name]) => !own.has(name)),
  )
  res.writeHead(response.status, headers)
  res.end(response.body)
}

/**
 * Wraps `writeHead`, `write` and `end` of one response to keep its status, headers (the tag
 * header removed before it is sent) and body (up to `maxBodyBytes`), and hands them to `finish`
 * once the response is complete, or `undefined` if the connection closed first.
 */
function capture(
  res: ServerResponse,
  cache: HttpResponseCache,
  finish: (captured: CapturedResponse | undefined) => void,
  own: ReadonlySet<string>,
  keepBody: boolean,
): void {
  const tagHeader = cache.tagHeader
  let status = 200
  let headers: HeaderMap = {}
  let chunks: Buffer[] = []
  let size = 0
  let tooLarge = false
  let settled = false
  const settle = (captured: CapturedResponse | undefined) => {
    if (settled) return
    settled = true
    finish(captured)
  }
  const collect = (chunk: unknown, encoding: unknown) => {
    if (
      !keepBody ||
      tooLarge ||
      chunk === undefined ||
      chunk === null ||
      typeof chunk === 'function'
    )
      return
    const bytes =
      typeof chunk === 'string'
        ? Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8')
        : Buffer.from(chunk as Uint8Array)
    size += bytes.byteLength
    if (size > cache.maxBodyBytes) {
      tooLarge = true
      chunks = []
    } else {
      chunks.push(bytes)
    }
  }
  const writeHead = res.writeHead
  res.writeHead = function (this: ServerResponse, code: number, ...rest: unknown[]) {
    status = code
    const reason = typeof rest[0] === 'string' ? rest[0] : undefined
    let fields = (reason === undefined ? rest[0] : rest[1]) as
      | OutgoingHttpHeaders
      | unknown[]
      | undefined
    headers = { ...(this.getHeaders() as HeaderMap), ...fieldsOf(fields) }
    for (const name of own) delete headers[name]
    if (tagHeader !== undefined) {
      this.removeHeader(tagHeader)
      if (fields !== undefined && !Array.isArray(fields)) {
        fields = Object.fromEntries(
          Object.entries(fields).filter(([name]) => name.toLowerCase() !== tagHeader),
        )
      }
    }
    const args: unknown[] = reason === undefined ? [] : [reason]
    if (fields !== undefined) args.push(fields)
    return (writeHead as (...args: unknown[]) => ServerResponse).call(this, code, ...args)
  } as ServerResponse['writeHead']
  const write = res.write
  res.write = function (this: ServerResponse, chunk: unknown, ...rest: unknown[]) {
    collect(chunk, rest[0])
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest)
  } as ServerResponse['write']
  const end = res.end
  res.end = function (this: ServerResponse, chunk?: unknown, ...rest: unknown[]) {
    collect(chunk, rest[0])
    return (end as (...args: unknown[]) => ServerResponse).call(this, chunk, ...rest)
  } as ServerResponse['end']
  res.once('finish', () =>
    settle(
      !keepBody
        ? { status, headers, body: undefined }
        : tooLarge
          ? { status, headers, body: undefined, dropped: 'too-large' }
          : {
              status,
              headers,
              body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks),
            },
    ),
  )
  res.once('close', () => settle(undefined))
}

/** `writeHead`'s headers argument (an object, or a flat `[name, value, …]` list) with lower-case names. */
function fieldsOf(fields: OutgoingHttpHeaders | unknown[] | undefined): HeaderMap {
  const out: HeaderMap = {}
  if (fields === undefined) return out
  if (Array.isArray(fields)) {
    const flat = Array.isArray(fields[0]) ? (fields as unknown[][]).flat() : fields
    for (let i = 0; i + 1 < flat.length; i += 2)
      out[String(flat[i]).toLowerCase()] = String(flat[i + 1])
    return out
  }
  for (const [name, value] of Object.entries(fields)) {
    out[name.toLowerCase()] = Array.isArray(value)
      ? value.map(String)
      : (value as string | number | undefined)
  }
  return out
}
