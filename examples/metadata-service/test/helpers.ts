import { fileURLToPath } from 'node:url'
import { keyPrefix, type PostgresServer, redisUrl, startPostgres } from '@mx/testkit'
import { extractAndIngest } from '../src/ingest.mjs'
import { createService, type ServiceOptions } from '../src/service.mjs'

export const corpus = fileURLToPath(new URL('./fixtures/corpus', import.meta.url))

export type Service = Awaited<ReturnType<typeof createService>>

/**
 * A private PostgreSQL holding the fixture corpus (ingested once), and a way to start service
 * instances on it that share the real Redis under this file's own key prefix.
 */
export async function startStack(file: string) {
  const pg: PostgresServer = await startPostgres()
  const prefix = `${keyPrefix(file)}svc:`
  const services: Service[] = []
  const first = await createService({ pg: pg.url, cache: false, rateLimit: 0, warmInterval: 0 })
  await extractAndIngest(first.db, { dir: corpus })
  await first.close()
  return {
    pg,
    prefix,
    /** A service instance listening on a free port; closed by `stop()`. */
    async service(options: Partial<ServiceOptions> = {}) {
      const service = await createService({
        pg: pg.url,
        redis: redisUrl(),
        prefix,
        rateLimit: 0,
        warmInterval: 0,
        ...options,
      })
      services.push(service)
      const url = await service.listen()
      return { service, url }
    },
    async stop() {
      for (const service of services.splice(0)) await service.close()
      await pg.stop()
    },
  }
}

// biome-ignore lint/suspicious/noExplicitAny: parsed JSON, its shape checked by each assertion
type Json = any

export async function json(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; body: Json; headers: Headers }> {
  const response = await fetch(url, init)
  const text = await response.text()
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {}
  return { status: response.status, body, headers: response.headers }
}

export const docPath = (id: string) => `/documents/${encodeURIComponent(id)}`

export function patch(url: string, id: string, changes: object) {
  return json(`${url}${docPath(id)}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(changes),
  })
}
