import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { createServer } from 'node:net'
import { pingRedis } from './redis'

export interface RedisServerOptions {
  /** Port to listen on; a free one is picked when omitted. */
  port?: number
  /** Path of the `redis-server` binary. */
  binary?: string
}

export interface RedisServer {
  readonly port: number
  readonly url: string
  /** Kills the server with SIGKILL (an outage, not a clean shutdown). */
  kill(): Promise<void>
  /** Starts it again on the same port. */
  restart(): Promise<void>
  /** Stops it for good. */
  stop(): Promise<void>
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

/** True when a `redis-server` binary can be run. */
export function hasRedisServerBinary(binary = 'redis-server'): boolean {
  return spawnSync(binary, ['--version'], { stdio: 'ignore' }).status === 0
}

/**
 * Starts a private `redis-server` on its own port, with no persistence, for tests that
 * kill and restart Redis (outages) without touching the shared server at `REDIS_URL`.
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const binary = options.binary ?? 'redis-server'
  const port = options.port ?? (await freePort())
  const url = `redis://127.0.0.1:${port}`
  let child: ChildProcess | undefined

  const start = async () => {
    child = spawn(
      binary,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    )
    const deadline = Date.now() + 10_000
    while (Date.now() < deadline) {
      if (await pingRedis(url, 200)) return
      await new Promise((r) => setTimeout(r, 50))
    }
    throw new Error(`redis-server did not start on port ${port}`)
  }

  const kill = async () => {
    const running = child
    child = undefined
    if (!running || running.exitCode !== null) return
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve())
      running.kill('SIGKILL')
    })
  }

  await start()
  return { port, url, kill, restart: start, stop: kill }
}
