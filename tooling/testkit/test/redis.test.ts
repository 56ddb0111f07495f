import { existsSync } from 'node:fs'
import { connect } from 'node:net'
import { afterAll, describe, expect, it } from 'vitest'
import {
  describeRedis,
  hasRedisServerBinary,
  keyPrefix,
  pingRedis,
  type RedisServer,
  startRedisServer,
} from '../src/index'

/** Sends one command to the Redis at `url` and resolves its reply (testkit does not depend on ioredis). */
function command(url: string, ...args: string[]): Promise<string | number | null> {
  const { port } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: Number(port) })
    let reply = ''
    socket.on('error', reject)
    socket.on('connect', () => {
      socket.write(`*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`)
    })
    socket.on('data', (chunk) => {
      reply += chunk.toString()
      const end = reply.indexOf('\r\n')
      if (end < 0) return
      const head = reply.slice(1, end)
      let value: string | number | null
      if (reply[0] === ':') value = Number(head)
      else if (reply[0] === '+') value = head
      else if (reply[0] === '$' && head === '-1') value = null
      else if (reply[0] === '$' && reply.length >= end + 2 + Number(head) + 2) {
        value = reply.slice(end + 2, end + 2 + Number(head))
      } else if (reply[0] === '-') return reject(new Error(head))
      else return
      socket.destroy()
      resolve(value)
    })
  })
}

describe('keyPrefix', () => {
  it('differs between test files and between runs of the same file', () => {
    const a = keyPrefix('file:///repo/packages/cache/test/a.test.ts')
    const b = keyPrefix('file:///repo/packages/cache/test/b.test.ts')
    const a2 = keyPrefix('file:///repo/packages/cache/test/a.test.ts')
    expect(a).toMatch(/^mxtest:a-test-ts:[0-9a-f]{6}:[0-9a-f]{8}:$/)
    expect(a).not.toBe(b)
    expect(a).not.toBe(a2)
  })
})

describe('pingRedis', () => {
  it('answers false when nothing listens on the port', async () => {
    expect(await pingRedis('redis://127.0.0.1:1', 500)).toBe(false)
  })
})

describeRedis('pingRedis against REDIS_URL', () => {
  it('answers true', async () => {
    expect(await pingRedis()).toBe(true)
  })
})

describe.skipIf(!hasRedisServerBinary() && process.env.MX_REQUIRE_REDIS !== '1')(
  'startRedisServer',
  () => {
    let server: RedisServer | undefined
    afterAll(() => server?.stop())

    it('starts a private server that can be killed and restarted on the same port', async () => {
      server = await startRedisServer()
      expect(await pingRedis(server.url)).toBe(true)
      await server.kill()
      expect(await pingRedis(server.url, 300)).toBe(false)
      await server.restart()
      expect(await pingRedis(server.url)).toBe(true)
    })

    it('starts empty after a restart by default', async () => {
      const empty = await startRedisServer()
      try {
        expect(empty.dir).toBeUndefined()
        expect(await command(empty.url, 'SET', 'k', 'v')).toBe('OK')
        await empty.kill()
        await empty.restart()
        expect(await command(empty.url, 'DBSIZE')).toBe(0)
      } finally {
        await empty.stop()
      }
    })

    it('keeps the data across a SIGKILL and restart with persistent, and deletes it on stop', async () => {
      const kept = await startRedisServer({ persistent: true })
      try {
        expect(kept.dir && existsSync(kept.dir)).toBe(true)
        expect(await command(kept.url, 'SET', 'long', 'kept')).toBe('OK')
        expect(await command(kept.url, 'SET', 'short', 'gone', 'PX', '100')).toBe('OK')
        await kept.kill()
        await new Promise((r) => setTimeout(r, 150))
        await kept.restart()
        expect(await command(kept.url, 'GET', 'long')).toBe('kept')
        expect(await command(kept.url, 'GET', 'short')).toBeNull()
      } finally {
        await kept.stop()
      }
      expect(existsSync(kept.dir as string)).toBe(false)
    })

    it('links a client to the server through a connection the test can cut and restore', async () => {
      const linked = await startRedisServer()
      try {
        const link = await linked.link()
        expect(await command(link.url, 'SET', 'k', 'through')).toBe('OK')
        link.cut()
        expect(await pingRedis(link.url, 300)).toBe(false)
        expect(await command(linked.url, 'GET', 'k')).toBe('through')
        link.restore()
        expect(await command(link.url, 'GET', 'k')).toBe('through')
      } finally {
        await linked.stop()
      }
    })
  },
)
