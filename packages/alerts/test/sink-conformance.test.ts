import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { tempDir } from '@mx/testkit'
import { callbackSink, consoleSink, fileSink, type Notification, webhookSink } from '../src/index'
import { sinkSuite } from '../src/test-suite'

sinkSuite('callbackSink', () => {
  const received: Notification[] = []
  return {
    sink: callbackSink((n) => void received.push(structuredClone(n))),
    delivered: () => received,
  }
})

sinkSuite('consoleSink', () => {
  const lines: string[] = []
  return {
    sink: consoleSink({ log: (line) => lines.push(line) }),
    delivered: () =>
      lines.map((line) => ({
        status: line.startsWith('[FIRING]') ? 'firing' : 'resolved',
        alerts: line.split('; '),
      })),
  }
})

sinkSuite('fileSink', () => {
  const dir = tempDir('mx-alerts-sink-')
  const path = join(dir.path, 'alerts.jsonl')
  return {
    sink: fileSink({ path }),
    delivered: () => {
      try {
        return readFileSync(path, 'utf8')
          .trimEnd()
          .split('\n')
          .map((line) => JSON.parse(line))
      } catch {
        return []
      }
    },
    cleanup: () => dir.remove(),
  }
})

sinkSuite(
  'webhookSink',
  async () => {
    const bodies: unknown[] = []
    const server: Server = createServer((req, res) => {
      let body = ''
      req.on('data', (chunk) => {
        body += chunk
      })
      req.on('end', () => {
        bodies.push(JSON.parse(body))
        res.end()
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    return {
      sink: webhookSink({ url: `http://127.0.0.1:${port}/`, retries: 0 }),
      delivered: () => bodies,
      cleanup: async () => {
        server.closeAllConnections()
        await new Promise((resolve) => server.close(resolve))
      },
    }
  },
  { honoursAbort: true },
)
