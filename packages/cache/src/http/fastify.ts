// The Fastify plugin: an `onRequest` hook answers from the cache or lets the route run, and an
// `onSend` hook keeps a copy of the serialized reply. Fastify's types are described by the
// members used, not imported: `@mx/cache`'s types never name an optional peer.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { HeaderMap } from './policy'
import type { HttpResponseCache } from './response-cache'
import type { CapturedResponse } from './types'

/** The members of a Fastify request the plugin uses. */
export interface FastifyRequestLike {
  readonly raw: IncomingMessage
}

/** The members of a Fastify reply the plugin uses. */
export interface FastifyReplyLike {
  readonly raw: ServerResponse
  statusCode: number
  code(status: number): FastifyReplyLike
  header(name: string, value: unknown): FastifyReplyLike
  getHeader(name: string): unknown
  getHeaders(): Record<string, unknown>
  removeHeader(name: string): FastifyReplyLike
  send(payload?: unknown): FastifyReplyLike
}

/** The members of a Fastify instance the plugin uses. */
export interface FastifyInstanceLike {
  addHook(
    name: 'onRequest',
    hook: (request: FastifyRequestLike, reply: FastifyReplyLike) => Promise<unknown>,
  ): unknown
  addHook(
    name: 'onSend',
    hook: (
      request: FastifyRequestLike,
      reply: FastifyReplyLike,
      payload: unknown,
    ) => Promise<unknown>,
  ): unknown
}

/** A Fastify plugin: `app.register(plugin)`. It applies to the whole instance it is registered on. */
export type HttpCacheFastifyPlugin = (
  instance: FastifyInstanceLike,
  options: unknown,
  done: (error?: Error) => void,
) => void

interface Pending {
  finish(captured: CapturedResponse | undefined): void
  captured: CapturedResponse | undefined
  /** Headers the reply had before the cache ran: this request's own, never stored. */
  own: ReadonlySet<string>
  keepBody: boolean
}

export function fastifyPlugin(cache: HttpResponseCache): HttpCacheFastifyPlugin {
  const pending = new WeakMap<IncomingMessage, Pending>()
  const plugin: HttpCacheFastifyPlugin = (instance, _options, done) => {
    instance.addHook('onRequest', async (request, reply) => {
      // headers set by earlier hooks (rate limits, CORS, request ids) belong to this request:
      // a stored response does not overwrite them, and a new one is stored without them
      const own = new Set(Object.keys(reply.getHeaders()))
      const decision = await cache.decide(request.raw)
      if (decision.kind === 'serve') {
        const { status, headers, body } = decision.response
        reply.code(status)
        for (const [name, value] of Object.entries(headers))
          if (!own.has(name)) reply.header(name, value)
        reply.send(
          body === undefined
            ? undefined
            : Buffer.from(body.buffer, body.byteOffset, body.byteLength),
        )
        return reply
      }
      if (cache.statusHeader !== undefined) reply.header(cache.statusHeader, decision.status)
      const finish = decision.finish
      if (finish === undefined) return undefined
      const entry: Pending = {
        finish,
        captured: undefined,
        own,
        keepBody: decision.keepBody ?? true,
      }
      pending.set(request.raw, entry)
      let settled = false
      const settle = (captured: CapturedResponse | undefined) => {
        if (settled) return
        settled = true
        pending.delete(request.raw)
        finish(captured)
      }
      reply.raw.once('finish', () => settle(entry.captured))
      reply.raw.once('close', () => settle(undefined))
      return undefined
    })
    instance.addHook('onSend', async (request, reply, payload) => {
      const entry = pending.get(request.raw)
      if (entry === undefined) return payload
      const headers: HeaderMap = {}
      for (const [name, value] of Object.entries(reply.getHeaders())) {
        if (!entry.own.has(name)) headers[name] = value as HeaderMap[string]
      }
      if (cache.tagHeader !== undefined && reply.getHeader(cache.tagHeader) !== undefined) {
        reply.removeHeader(cache.tagHeader)
      }
      if (!entry.keepBody) {
        entry.captured = { status: reply.statusCode, headers, body: undefined }
        return payload
      }
      const body =
        typeof payload === 'string'
          ? Buffer.from(payload)
          : payload instanceof Uint8Array
            ? payload
            : payload === null || payload === undefined
              ? new Uint8Array(0)
              : undefined
      if (body === undefined) {
        entry.captured = { status: reply.statusCode, headers, body: undefined, dropped: 'streamed' }
      } else if (body.byteLength > cache.maxBodyBytes) {
        entry.captured = {
          status: reply.statusCode,
          headers,
          body: undefined,
          dropped: 'too-large',
        }
      } else {
        entry.captured = { status: reply.statusCode, headers, body: Buffer.from(body) }
      }
      return payload
    })
    done()
  }
  // What `fastify-plugin` does: no encapsulation, so the hooks see every route of the instance.
  Object.assign(plugin, {
    [Symbol.for('skip-override')]: true,
    [Symbol.for('fastify.display-name')]: '@mx/cache/http',
  })
  return plugin
}
