// A fleet of test hosts: Redis (with the delay relay), worker hosts running `serveQueue`, a
// producer host, and hosts for cache scenarios, each a process in its own namespace. `stop()`
// ends the processes and removes the namespaces; it is also what the exit hooks of fabric.ts do
// if the test process dies first.
import { randomBytes } from 'node:crypto'
import { createFabric, type Fabric, type Faults } from './fabric'
import { type HostProcess, startHostProcess } from './host-process'
import { type RedisHost, startRedisHost } from './redis-host'

const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url)

export interface WorkerSettings {
  concurrency: number
  lockDurationMs: number
  stalledIntervalMs: number
}

export interface Fleet {
  readonly fabric: Fabric
  readonly redis: RedisHost
  /** Queue name and key prefix of this fleet (unique per run). */
  readonly queue: { name: string; prefix: string }
  /** The processes started so far, by role. */
  readonly processes: Map<string, HostProcess>
  startWorker(role: string, settings: WorkerSettings): Promise<HostProcess>
  startProducer(role: string): Promise<HostProcess>
  startCacheHost(role: string, options: Record<string, number>): Promise<HostProcess>
  /** Faults of one host's link; `{}` heals it. */
  setFaults(role: string, faults: Faults): void
  stop(): Promise<void>
}

/** Makes the namespaces of `roles` plus `redis`, and starts Redis and its relay. */
export async function createFleet(roles: readonly string[]): Promise<Fleet> {
  const fabric = createFabric(['redis', ...roles])
  const processes = new Map<string, HostProcess>()
  let redis: RedisHost
  try {
    redis = await startRedisHost(fabric.host('redis'))
  } catch (error) {
    fabric.remove()
    throw error
  }
  const queue = { name: 'hosts', prefix: `mxh-${randomBytes(4).toString('hex')}` }
  const start = async (role: string, script: string, args: string[]) => {
    const process = startHostProcess(fabric.host(role), fixture(script), [role, ...args])
    processes.set(role, process)
    await process.waitFor('ready', { timeoutMs: 60_000 })
    return process
  }
  return {
    fabric,
    redis,
    queue,
    processes,
    startWorker: (role, s) =>
      start(role, 'worker-host.mjs', [
        redis.url,
        queue.name,
        queue.prefix,
        String(s.concurrency),
        String(s.lockDurationMs),
        String(s.stalledIntervalMs),
      ]),
    startProducer: (role) =>
      start(role, 'producer-host.mjs', [redis.url, queue.name, queue.prefix]),
    startCacheHost: (role, options) =>
      start(role, 'cache-host.mjs', [redis.url, queue.prefix, JSON.stringify(options)]),
    setFaults: (role, faults) => fabric.setFaults(role, faults),
    async stop() {
      try {
        await Promise.all([...processes.values()].map((p) => p.stop(5_000)))
        await redis.stop()
      } finally {
        fabric.remove()
      }
    },
  }
}
