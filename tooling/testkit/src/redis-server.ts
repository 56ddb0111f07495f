import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { connect, createServer, type Socket } from 'node:net'
import { freePort } from './ports'
import { pingRedis } from './redis'
import { tempDir } from './temp'

export interface RedisServerOptions {
  /** Port to listen on; a free one is picked when omitted. */
  port?: number
  /** Path of the `redis-server` binary. */
  binary?: string
  /**
   * Keep the data across `kill()` and `restart()`: append-only file on, synced on every write
   * (`--appendonly yes --appendfsync always`), in a temporary directory that `stop()` deletes.
   * Default false: every restart starts empty.
   */
  persistent?: boolean
}

/** A TCP link to a private server that a test can cut, for one client only (see `RedisServer.link`). */
export interface RedisLink {
  /** Connect here instead of the server's `url`. */
  readonly url: string
  /** Drops the connections through the link and refuses new ones until `restore()`. */
  cut(): void
  /** Lets connections through again. */
  restore(): void
  close(): Promise<void>
}

export interface RedisServer {
  readonly port: number
  readonly url: string
  /** The directory of the append-only file, with `persistent`; undefined otherwise. */
  readonly dir: string | undefined
  /** Kills the server with SIGKILL (an outage, not a clean shutdown). */
  kill(): Promise<void>
  /** Starts it again on the same port (with `persistent`, with the data written before). */
  restart(): Promise<void>
  /** Stops it for good (and deletes the directory of a `persistent` server), closing its links. */
  stop(): Promise<void>
  /**
   * Opens a link to this server: a client connected through it can be cut off (a network
   * partition) while the others still reach the server. It survives `kill()` and `restart()`.
   */
  link(): Promise<RedisLink>
}

/** A TCP relay to `port` on 127.0.0.1 that drops and refuses connections while cut. */
async function openLink(port: number): Promise<RedisLink> {
  const sockets = new Set<Socket>()
  let open = true
  const server = createServer((client) => {
    if (!open) return void client.destroy()
    const upstream = connect(port, '127.0.0.1')
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      sockets.add(from)
      from.pipe(to)
      from.on('error', () => {})
      from.on('close', () => {
        sockets.delete(from)
        to.destroy()
      })
    }
  })
  const listening = await new Promise<number>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      resolve(typeof address === 'object' && address ? address.port : 0)
    })
  })
  const cut = () => {
    open = false
    for (const socket of sockets) socket.destroy()
  }
  return {
    url: `redis://127.0.0.1:${listening}`,
    cut,
    restore: () => {
      open = true
    },
    close: () => {
      cut()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}

/** True when a `redis-server` binary can be run. */
export function hasRedisServerBinary(binary = 'redis-server'): boolean {
  return spawnSync(binary, ['--version'], { stdio: 'ignore' }).status === 0
}

/**
 * Starts a private `redis-server` on its own port for tests that kill and restart Redis
 * (outages) without touching the shared server at `REDIS_URL`: with no persistence (a restart
 * starts empty), or with `persistent` an append-only file that a restart reads back.
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const binary = options.binary ?? 'redis-server'
  const port = options.port ?? (await freePort())
  const url = `redis://127.0.0.1:${port}`
  const data = options.persistent ? tempDir('mx-redis-aof-') : undefined
  const persistence = data
    ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', data.path]
    : ['--appendonly', 'no']
  let child: ChildProcess | undefined

  const start = async () => {
    child = spawn(
      binary,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence],
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

  const links: RedisLink[] = []
  const link = async () => {
    const opened = await openLink(port)
    links.push(opened)
    return opened
  }

  const stop = async () => {
    await Promise.all(links.splice(0).map((opened) => opened.close()))
    await kill()
    data?.remove()
  }

  try {
    await start()
  } catch (error) {
    await stop()
    throw error
  }
  return { port, url, dir: data?.path, kill, restart: start, stop, link }
}
