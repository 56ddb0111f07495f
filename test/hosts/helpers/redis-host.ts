// The Redis host: a private `redis-server` (no persistence) inside its own namespace, listening on
// that namespace's loopback only, and the delay relay in front of it on the host's address. Every
// other host reaches Redis through the relay, so latency can be switched on and off for all of
// them at once. The machine's own Redis (127.0.0.1:6379 in the root namespace) is never reached:
// the Redis host's namespace has a loopback of its own.
import { type ChildProcess, spawn } from 'node:child_process'
import { ipPath } from '../../reliability/helpers/netns'
import type { Host } from './fabric'
import { type HostProcess, startHostProcess } from './host-process'

const REDIS_PORT = 6379
const RELAY_PORT = 6380

export interface RedisHost {
  /** The URL the other hosts use (through the relay). */
  readonly url: string
  /** Holds every chunk `delayMs ± jitterMs` each way from now on (0: no delay). */
  setDelay(delayMs: number, jitterMs?: number): Promise<void>
  stop(): Promise<void>
}

function startServer(host: Host): Promise<ChildProcess> {
  const server = spawn(
    ipPath ?? 'ip',
    [
      'netns',
      'exec',
      host.ns,
      'redis-server',
      '--bind',
      '127.0.0.1',
      '--port',
      String(REDIS_PORT),
      '--save',
      '',
      '--appendonly',
      'no',
      // A client whose peer vanished is let go after about this many seconds without answers.
      '--tcp-keepalive',
      '5',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  return new Promise((resolve, reject) => {
    let output = ''
    const timer = setTimeout(
      () => reject(new Error(`redis-server did not start: ${output}`)),
      10_000,
    )
    const read = (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer)
        resolve(server)
      }
    }
    server.stdout?.on('data', read)
    server.stderr?.on('data', read)
    server.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`redis-server exited (${code}): ${output}`))
    })
  })
}

/** Starts Redis and its relay in `host`; resolves once both listen. */
export async function startRedisHost(host: Host): Promise<RedisHost> {
  const server = await startServer(host)
  let relay: HostProcess
  try {
    relay = startHostProcess(host, new URL('../fixtures/delay-relay.mjs', import.meta.url), [
      host.address,
      String(RELAY_PORT),
      String(REDIS_PORT),
    ])
    await relay.waitFor('ready', { timeoutMs: 10_000 })
  } catch (error) {
    server.kill('SIGKILL')
    throw error
  }
  return {
    url: `redis://${host.address}:${RELAY_PORT}`,
    async setDelay(delayMs, jitterMs = 0) {
      const from = relay.messages.length
      relay.send({ delayMs, jitterMs })
      await relay.waitFor('delay', { from, timeoutMs: 5_000 })
    },
    async stop() {
      await relay.stop(2_000)
      server.kill('SIGKILL')
    },
  }
}
