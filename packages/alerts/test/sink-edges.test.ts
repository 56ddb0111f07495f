import { createServer, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { callbackSink, consoleSink, fileSink, type Notification, webhookSink } from '../src/index'
import { sampleNotification, sinkSuite } from '../src/test-suite'
import { manualClock } from './helpers'

const servers: Server[] = []
afterEach(async () => {
  vi.restoreAllMocks()
  for (const server of servers.splice(0)) {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
})

/** A local HTTP server; `handler` answers the n-th request (0-based). */
async function serve(handler: (res: ServerResponse, index: number) => void) {
  let count = 0
  const server = createServer((req, res) => {
    req.resume()
    req.on('end', () => handler(res, count++))
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}/hook`, requests: () => count }
}

/** Resolves once `count()` reaches `n` (event-loop turns, no timers). */
async function until(count: () => number, n: number) {
  while (count() < n) await new Promise((resolve) => setImmediate(resolve))
}

// A sink whose far side cannot be observed still runs the suite's delivery checks.
sinkSuite('callbackSink without a delivered() view', () => ({
  sink: callbackSink(() => undefined, { name: 'opaque' }),
}))

describe('consoleSink default format', () => {
  it('falls back to the description, then to nothing, and names an alert without alertname by fingerprint', async () => {
    const lines: string[] = []
    const sink = consoleSink({ log: (line) => lines.push(line) })
    const base = sampleNotification('firing', 1)
    const alert = base.alerts[0] as Notification['alerts'][number]
    await sink.send(
      {
        ...base,
        alerts: [
          { ...alert, annotations: { description: 'described' } },
          { ...alert, annotations: {} },
          { ...alert, labels: { severity: 'warning' }, annotations: {}, fingerprint: 'f00d' },
        ],
      },
      new AbortController().signal,
    )
    expect(lines).toEqual([
      '[FIRING] {}:{alertname="SuiteAlert"} SuiteAlert firing: described; SuiteAlert firing; f00d firing',
    ])
  })

  it('writes to console.log when no log function is given', async () => {
    const logged: unknown[] = []
    vi.spyOn(console, 'log').mockImplementation((line) => void logged.push(line))
    const sink = consoleSink()
    expect(sink.name).toBe('console')
    await sink.send(sampleNotification('resolved'), new AbortController().signal)
    expect(logged).toEqual([
      '[RESOLVED] {}:{alertname="SuiteAlert"} SuiteAlert resolved: alert 0 is resolved: ünïcödé ✓',
    ])
  })
})

describe('fileSink options', () => {
  it('refuses missing options with MX_INVALID_OPTION naming path', () => {
    expect(() => fileSink(null as never)).toThrow(
      expect.objectContaining({
        code: 'MX_INVALID_OPTION',
        option: 'path',
        message: 'fileSink path must be a non-empty string',
      }),
    )
  })
})

describe('webhookSink, further cases', () => {
  it('refuses missing options with MX_INVALID_OPTION naming url', () => {
    expect(() => webhookSink(null as never)).toThrow(
      expect.objectContaining({ code: 'MX_INVALID_OPTION', option: 'url' }),
    )
  })

  it('waits its backoff on the injected clock before retrying', async () => {
    const { url, requests } = await serve((res, index) => {
      res.statusCode = index === 0 ? 503 : 200
      res.end()
    })
    const clock = manualClock(0)
    const sink = webhookSink({ url, clock, retries: 1, backoff: { initial: '2s' }, timeout: 0 })
    const sent = sink.send(sampleNotification(), new AbortController().signal)
    await until(requests, 1)
    // The retry waits on a timer of the clock, not on real time.
    await until(() => clock.pending(), 1)
    expect(requests()).toBe(1)
    await clock.advance(1999)
    expect(requests()).toBe(1)
    await clock.advance(1)
    await sent
    expect(requests()).toBe(2)
  })

  it('stops waiting for its backoff when the signal aborts, rejecting with the abort reason', async () => {
    const { url, requests } = await serve((res) => {
      res.statusCode = 500
      res.end()
    })
    const clock = manualClock(0)
    // No per-attempt timeout: the one timer on the clock is then the backoff's.
    const sink = webhookSink({
      url,
      clock,
      timeout: 0,
      retries: 3,
      backoff: { initial: '1m' },
      name: 'hook',
    })
    const controller = new AbortController()
    const sent = sink.send(sampleNotification(), controller.signal).catch((error) => error)
    await until(requests, 1)
    await until(() => clock.pending(), 1)
    const reason = new Error('alert manager stopped')
    controller.abort(reason)
    // Aborted between attempts: the wait rejects with the reason itself (an attempt in flight
    // would end in a SinkFailedError instead).
    expect(await sent).toBe(reason)
    expect(requests()).toBe(1)
    expect(clock.pending()).toBe(0)
  })

  it('times an attempt out on its clock, not on real time', async () => {
    const { url, requests } = await serve(() => {
      // never answers
    })
    const clock = manualClock(0)
    const sink = webhookSink({ url, clock, timeout: '1h', retries: 0, name: 'slow' })
    let settled = false
    const sent = sink
      .send(sampleNotification(), new AbortController().signal)
      .catch((error) => error)
      .finally(() => {
        settled = true
      })
    await until(requests, 1)
    await clock.advance(3_600_000 - 1)
    await new Promise((resolve) => setImmediate(resolve))
    expect(settled).toBe(false)
    await clock.advance(1)
    const error = await sent
    expect(error).toMatchObject({ code: 'MX_ALERT_SINK_FAILED', sink: 'slow', attempts: 1 })
    expect(error.message).toBe('sink slow: gave up after 1 attempt(s): timed out after 3600000 ms')
    expect(clock.pending()).toBe(0)
  })

  it('retries a refused connection and reports the network error once it gives up', async () => {
    const { url } = await serve((res) => res.end())
    // Close the server so the port refuses connections.
    const server = servers.pop() as Server
    await new Promise((resolve) => server.close(resolve))
    const sink = webhookSink({ url, retries: 1, delay: async () => undefined, name: 'down' })
    const error = await sink
      .send(sampleNotification(), new AbortController().signal)
      .catch((e) => e)
    expect(error).toMatchObject({ code: 'MX_ALERT_SINK_FAILED', sink: 'down', attempts: 2 })
    expect(error.message).toBe('sink down: gave up after 2 attempt(s): fetch failed')
  })

  it('reports a non-Error rejection of the injected fetch by its text', async () => {
    const calls: string[] = []
    const sink = webhookSink({
      url: 'http://alerts.invalid/hook',
      retries: 0,
      fetch: async (input) => {
        calls.push(String(input))
        throw 'socket hang up'
      },
    })
    const error = await sink
      .send(sampleNotification(), new AbortController().signal)
      .catch((e) => e)
    expect(calls).toEqual(['http://alerts.invalid/hook'])
    expect(error).toMatchObject({
      code: 'MX_ALERT_SINK_FAILED',
      sink: 'webhook alerts.invalid',
      attempts: 1,
      message: 'sink webhook alerts.invalid: gave up after 1 attempt(s): socket hang up',
    })
  })

  it('counts a 2xx whose body breaks off as delivered', async () => {
    const { url, requests } = await serve((res) => {
      res.writeHead(200, { 'content-length': '1000' })
      res.write('partial', () => res.socket?.destroy())
    })
    const sink = webhookSink({ url, retries: 0 })
    await expect(sink.send(sampleNotification(), new AbortController().signal)).resolves.toBe(
      undefined,
    )
    expect(requests()).toBe(1)
  })
})

describe('options that are no object', () => {
  const refused = (make: () => unknown, message: string, option = 'options') => {
    try {
      make()
    } catch (error) {
      expect(error).toMatchObject({ code: 'MX_INVALID_OPTION', option, message })
      return
    }
    throw new Error('expected the call to throw')
  }

  it('are refused by name, with a typed error, by every factory that takes them', async () => {
    const { defaultRules } = await import('../src/index')
    refused(() => consoleSink(null as never), 'consoleSink(): options must be an object, got null')
    refused(
      () => consoleSink('loud' as never),
      'consoleSink(): options must be an object, got "loud"',
    )
    refused(
      () => callbackSink(() => {}, [] as never),
      'callbackSink(): options must be an object, got an array',
    )
    refused(
      () => defaultRules(null as never),
      'defaultRules(): options must be an object, got null',
    )
    refused(
      () => callbackSink(null as never),
      'callbackSink(): fn must be a function, got null',
      'fn',
    )
  })
})
