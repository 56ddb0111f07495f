import { createHash, randomBytes } from 'node:crypto'
import { connect } from 'node:net'
import { basename } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, it } from 'vitest'

/** The Redis the tests use: `REDIS_URL`, or the local default. */
export function redisUrl(): string {
  return process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
}

/** Resolves true when a Redis server answers PING at `url` within `timeoutMs`. */
export function pingRedis(url = redisUrl(), timeoutMs = 1000): Promise<boolean> {
  const { hostname, port, password, username } = new URL(url)
  return new Promise((resolve) => {
    const socket = connect({ host: hostname || '127.0.0.1', port: Number(port || 6379) })
    let reply = ''
    const done = (ok: boolean) => {
      clearTimeout(timer)
      socket.destroy()
      resolve(ok)
    }
    const timer = setTimeout(() => done(false), timeoutMs)
    socket.on('error', () => done(false))
    socket.on('connect', () => {
      const auth = password
        ? `AUTH ${username ? `${decodeURIComponent(username)} ` : ''}${decodeURIComponent(password)}\r\n`
        : ''
      socket.write(`${auth}PING\r\n`)
    })
    socket.on('data', (chunk) => {
      reply += chunk.toString()
      if (reply.includes('+PONG')) done(true)
      else if (reply.startsWith('-')) done(false)
    })
  })
}

const available = await pingRedis()

/** Whether the Redis at `REDIS_URL` answered when the test file was loaded. */
export function isRedisAvailable(): boolean {
  return available
}

/**
 * A key prefix unique to one test file and one run, so tests never touch each other's keys
 * (and never need FLUSHALL). Pass `import.meta.url`.
 */
export function keyPrefix(fileUrl: string): string {
  const file = fileUrl.startsWith('file:') ? fileURLToPath(fileUrl) : fileUrl
  const digest = createHash('sha1').update(file).digest('hex').slice(0, 6)
  return `mxtest:${basename(file).replace(/\W+/g, '-')}:${digest}:${randomBytes(4).toString('hex')}:`
}

/**
 * `describe` for tests that need the real Redis. Skipped when no Redis answers, unless
 * `MX_REQUIRE_REDIS=1` (CI sets it): then the suite fails instead of silently skipping.
 */
export function describeRedis(name: string, body: () => void): void {
  if (available) {
    describe(name, body)
  } else if (process.env.MX_REQUIRE_REDIS === '1') {
    describe(name, () => {
      it('needs a Redis server', () => {
        throw new Error(`MX_REQUIRE_REDIS=1 but no Redis answers at ${redisUrl()}`)
      })
    })
  } else {
    describe.skip(name, body)
  }
}
