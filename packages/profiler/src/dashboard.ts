import type { ServerResponse } from 'node:http'
import { InvalidOptionError } from './errors'
import { checkKnownKeys, checkOptionsObject } from './kernel'
import type { Profiler } from './profiler'
import { renderReport } from './report/render'

export interface DashboardOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number
  /** Interface to bind. Default `127.0.0.1`: the dashboard is not exposed unless you ask. */
  host?: string
  /** Milliseconds between pushes when the profiler does not tick on its own. Default 1000. */
  intervalMs?: number
  title?: string
}

// The keys the options take: `satisfies` makes the compiler keep the list complete.
const DASHBOARD_OPTIONS = Object.keys({
  port: true,
  host: true,
  intervalMs: true,
  title: true,
} satisfies Record<keyof DashboardOptions, true>)

/** A running dashboard. */
export interface Dashboard {
  /** `http://host:port/` */
  readonly url: string
  readonly port: number
  readonly host: string
  /** Clients currently connected to the event stream. */
  readonly clients: number
  /** Ends every event stream and stops the server. */
  close(): Promise<void>
}

/**
 * Serves a live dashboard of `profiler`: `/` is the report page, kept current over
 * Server-Sent Events from `/events`; `/snapshot.json` and `/metrics` (Prometheus) are there
 * for scripts and scrapers.
 */
export async function serveDashboard(
  profiler: Profiler,
  options: DashboardOptions = {},
): Promise<Dashboard> {
  checkOptionsObject(options, 'options')
  checkKnownKeys(options, DASHBOARD_OPTIONS, 'serveDashboard()')
  const port = options.port ?? 0
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidOptionError('port', `port must be an integer in [0, 65535], got ${port}`)
  }
  const host = options.host ?? '127.0.0.1'
  if (typeof host !== 'string' || host === '')
    throw new InvalidOptionError('host', 'host must be a non-empty string')
  const intervalMs = options.intervalMs ?? 1000
  if (!Number.isInteger(intervalMs) || intervalMs <= 0) {
    throw new InvalidOptionError(
      'intervalMs',
      `intervalMs must be a positive integer, got ${intervalMs}`,
    )
  }
  // node:http is loaded with the first dashboard, not by every process that imports the profiler.
  const { createServer } = await import('node:http')
  const streams = new Set<ServerResponse>()

  const push = () => {
    if (streams.size === 0) return
    const message = `data: ${JSON.stringify(profiler.snapshot())}\n\n`
    for (const stream of streams) stream.write(message)
  }
  // Follow the profiler's own timeline when it ticks; otherwise tick for it.
  let timer: NodeJS.Timeout | undefined
  let unsubscribe: (() => void) | undefined
  if (profiler.ticking) unsubscribe = profiler.on('tick', push)
  else {
    timer = setInterval(() => {
      profiler.tick()
      push()
    }, intervalMs)
    timer.unref()
  }

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname
    if (request.method !== 'GET') {
      response.writeHead(405, { allow: 'GET' }).end()
    } else if (path === '/') {
      const html = renderReport(profiler.snapshot(), {
        title: options.title ?? 'mx live profile',
        eventsUrl: '/events',
      })
      response
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
        .end(html)
    } else if (path === '/events') {
      response.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      })
      response.write(`retry: 2000\ndata: ${JSON.stringify(profiler.snapshot())}\n\n`)
      streams.add(response)
      request.on('close', () => streams.delete(response))
    } else if (path === '/snapshot.json') {
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(profiler.snapshot()))
    } else if (path === '/metrics') {
      // protobuf (native histograms) for a Prometheus that asks for it, text otherwise
      const { contentType, body } = profiler.exposition(request.headers.accept)
      response.writeHead(200, { 'content-type': contentType }).end(body)
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
    }
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address()
  const boundPort = typeof address === 'object' && address ? address.port : port
  const urlHost = host.includes(':') ? `[${host}]` : host

  return {
    url: `http://${urlHost}:${boundPort}/`,
    port: boundPort,
    host,
    get clients() {
      return streams.size
    },
    close() {
      if (timer) clearInterval(timer)
      unsubscribe?.()
      for (const stream of streams) stream.end()
      streams.clear()
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      })
    },
  }
}
