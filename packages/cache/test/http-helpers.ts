import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http'
import type { AddressInfo } from 'node:net'
import type { HttpCacheMiddleware } from '../src/http/index'

/** A real `node:http` server: the cache middleware in front of `handler`. */
export async function serve(
  middleware: HttpCacheMiddleware,
  handler: (req: IncomingMessage, res: ServerResponse) => void | Promise<void>,
): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    middleware(req, res, (error) => {
      if (error !== undefined) {
        res.statusCode = 500
        res.end(String(error))
        return
      }
      Promise.resolve(handler(req, res)).catch((thrown: unknown) => {
        res.statusCode = 500
        res.end(String(thrown))
      })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/**
 * One request through `node:http` (not `fetch`: fetch adds `Cache-Control: no-cache` to
 * conditional requests, as the Fetch standard says), a new connection each, body as text.
 */
export function request(
  url: string,
  init: { method?: string; headers?: OutgoingHttpHeaders; body?: string } = {},
): Promise<{ status: number; headers: { get(name: string): string | null }; body: string }> {
  return new Promise((resolve, reject) => {
    const sent = httpRequest(
      url,
      { method: init.method ?? 'GET', headers: init.headers ?? {}, agent: false },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('error', reject)
        res.on('aborted', () => reject(new Error('response aborted')))
        res.on('end', () => {
          if (!res.complete) {
            reject(new Error('response incomplete'))
            return
          }
          const value = (name: string) => {
            const found = res.headers[name.toLowerCase()]
            return found === undefined ? null : Array.isArray(found) ? found.join(', ') : found
          }
          resolve({
            status: res.statusCode ?? 0,
            headers: { get: value },
            body: Buffer.concat(chunks).toString(),
          })
        })
      },
    )
    sent.on('error', reject)
    sent.end(init.body)
  })
}

export function deferred<T = void>(): { promise: Promise<T>; resolve(value: T): void } {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((res) => {
    resolve = res
  })
  return { promise, resolve }
}
