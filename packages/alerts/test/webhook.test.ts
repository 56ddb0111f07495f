import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import {
  alertmanagerPayload,
  createAlertManager,
  type Notification,
  SinkFailedError,
  webhookSink,
} from '../src/index'
import { manualClock, scriptedSource } from './helpers'

const servers: Server[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
})

/** Resolves once `requests` holds `count` entries (event-loop turns, no timers). */
async function received(requests: unknown[], count: number) {
  while (requests.length < count) await new Promise((resolve) => setImmediate(resolve))
}

async function serve(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void) {
  const requests: Array<{ body: unknown; headers: IncomingMessage['headers'] }> = []
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk) => {
      body += chunk
    })
    req.on('end', () => {
      requests.push({ body: JSON.parse(body), headers: req.headers })
      handler(req, res, body)
    })
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}/hook`, requests }
}

const notification: Notification = {
  receiver: 'team-x',
  status: 'firing',
  groupKey: '{}:{alertname="Slow"}',
  groupLabels: { alertname: 'Slow' },
  commonLabels: { alertname: 'Slow', severity: 'warning' },
  commonAnnotations: { summary: 'slow' },
  alerts: [
    {
      status: 'firing',
      labels: { alertname: 'Slow', severity: 'warning' },
      annotations: { summary: 'slow' },
      startsAt: Date.UTC(2026, 0, 1),
      endsAt: 0,
      fingerprint: 'abc',
      value: 3,
    },
  ],
  timestamp: Date.UTC(2026, 0, 1),
}

describe('webhookSink', () => {
  it('POSTs an Alertmanager-compatible JSON body', async () => {
    const { url, requests } = await serve((_, res) => res.end('ok'))
    const sink = webhookSink({
      url,
      headers: { authorization: 'Bearer t' },
      externalURL: 'http://mx',
    })
    await sink.send(notification, new AbortController().signal)
    expect(requests).toHaveLength(1)
    expect(requests[0]?.headers['content-type']).toBe('application/json')
    expect(requests[0]?.headers.authorization).toBe('Bearer t')
    expect(requests[0]?.body).toEqual({
      version: '4',
      groupKey: '{}:{alertname="Slow"}',
      truncatedAlerts: 0,
      status: 'firing',
      receiver: 'team-x',
      groupLabels: { alertname: 'Slow' },
      commonLabels: { alertname: 'Slow', severity: 'warning' },
      commonAnnotations: { summary: 'slow' },
      externalURL: 'http://mx',
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'Slow', severity: 'warning' },
          annotations: { summary: 'slow' },
          startsAt: '2026-01-01T00:00:00.000Z',
          endsAt: '0001-01-01T00:00:00Z',
          generatorURL: '',
          fingerprint: 'abc',
        },
      ],
    })
    expect(alertmanagerPayload(notification)).toEqual({
      ...(requests[0]?.body as object),
      externalURL: '',
    })
  })

  it('retries with exponential backoff against a server that fails twice, then succeeds', async () => {
    let calls = 0
    const { url, requests } = await serve((_, res) => {
      calls++
      res.statusCode = calls <= 2 ? 503 : 200
      res.end()
    })
    const waits: number[] = []
    const sink = webhookSink({
      url,
      retries: 3,
      backoff: { initial: '100ms', factor: 3 },
      delay: async (ms) => void waits.push(ms),
    })
    await sink.send(notification, new AbortController().signal)
    expect(waits).toEqual([100, 300])
    expect(requests).toHaveLength(3)
  })

  it('gives up after its retries with a SinkFailedError, and does not retry a 400', async () => {
    const { url, requests } = await serve((req, res) => {
      res.statusCode = req.url === '/hook' ? 500 : 400
      res.end()
    })
    const failing = webhookSink({ url, retries: 2, delay: async () => undefined })
    const error = await failing.send(notification, new AbortController().signal).catch((e) => e)
    expect(error).toBeInstanceOf(SinkFailedError)
    expect(error).toMatchObject({ code: 'MX_ALERT_SINK_FAILED', attempts: 3 })
    expect(error.message).toMatch(/gave up after 3 attempt\(s\): HTTP 500/)
    const rejected = webhookSink({
      url: url.replace('/hook', '/bad'),
      retries: 2,
      delay: async () => undefined,
    })
    await expect(rejected.send(notification, new AbortController().signal)).rejects.toMatchObject({
      attempts: 1,
    })
    expect(requests).toHaveLength(4)
  })

  it('times out against a server that hangs, without blocking evaluation or the other sinks', async () => {
    const { url, requests } = await serve(() => {
      // never answers
    })
    const clock = manualClock(0)
    const delivered: string[] = []
    const failures: unknown[] = []
    const manager = createAlertManager({
      source: scriptedSource({ q: 50 }),
      clock,
      rules: [{ name: 'Deep', metric: 'q', op: '>', threshold: 10 }],
      route: { groupWait: 0 },
      sinks: [
        webhookSink({
          url,
          timeout: '200ms',
          retries: 1,
          delay: async () => undefined,
          name: 'hanging',
          clock,
        }),
        {
          name: 'fast',
          send: async (n) => void delivered.push(n.alerts[0]?.labels.alertname ?? ''),
        },
      ],
    })
    const failed = new Promise<void>((resolve) =>
      manager.on('sinkError', (error, _n, sink) => {
        failures.push({ error, sink })
        resolve()
      }),
    )
    const result = await manager.evaluate()
    expect(result.notifications).toHaveLength(1)
    // Evaluation returned while the hanging webhook is still in flight.
    await new Promise((resolve) => setImmediate(resolve))
    expect(delivered).toEqual(['Deep'])
    await received(requests, 1)
    await clock.advance(199)
    expect(failures).toEqual([])
    await clock.advance(1)
    await received(requests, 2)
    await clock.advance(200)
    await failed
    expect(requests).toHaveLength(2)
    expect(failures).toMatchObject([
      { sink: 'hanging', error: { code: 'MX_ALERT_SINK_FAILED', attempts: 2 } },
    ])
    expect((failures[0] as { error: Error }).error.message).toMatch(/timed out after 200 ms/)
    await manager.stop()
  })

  it('rejects a relative url and negative retries', () => {
    expect(() => webhookSink({ url: '/hook' })).toThrow(
      expect.objectContaining({ code: 'MX_INVALID_OPTION', option: 'url' }),
    )
    expect(() => webhookSink({ url: 'http://x', retries: -1 })).toThrow(
      expect.objectContaining({ option: 'retries' }),
    )
    expect(() => webhookSink({ url: 'http://x', timeout: '-1s' })).toThrow(
      expect.objectContaining({ option: 'timeout' }),
    )
  })
})
