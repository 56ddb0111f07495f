// A subscriber connection cut off without a word (a partition: packets dropped, nothing closed)
// never errors on the side that only listens. The bus's heartbeat PINGs it, drops it when no
// answer comes, and the reconnection resyncs the memory tiers. Without the heartbeat the
// instance stays deaf: the control test shows it serving an overwritten value after the link is back.
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net'
import { describeRedis, keyPrefix, redisUrl } from '@mx/testkit'
import { afterAll, expect, it, vi } from 'vitest'
import { createCache, memoryTier, redisBus, redisTier } from '../src/index'
import { deleteKeys } from './helpers'

const prefix = keyPrefix(import.meta.url)
const url = redisUrl()
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * A TCP relay to Redis that can go silent: while `blackHole()` is on, the connections through it
 * stay open and everything sent either way is discarded, and new connections are refused; after
 * `heal()` new connections work, the black-holed ones never do again (their far end gave up).
 */
async function silentLink(): Promise<{
  url: string
  blackHole(): void
  heal(): void
  close(): Promise<void>
}> {
  const target = new URL(url)
  const sockets = new Set<Socket>()
  // The connections open when the link went silent: black-holed for good.
  const doomed = new Set<{ dead: boolean }>()
  let silent = false
  const server: Server = createServer((client) => {
    if (silent) return void client.destroy()
    const upstream = tcpConnect(Number(target.port || 6379), target.hostname)
    const state = { dead: false }
    doomed.add(state)
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      sockets.add(from)
      from.on('data', (chunk) => {
        if (!state.dead) to.write(chunk)
      })
      from.on('error', () => {})
      from.on('close', () => {
        sockets.delete(from)
        doomed.delete(state)
        to.destroy()
      })
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `redis://127.0.0.1:${port}`,
    blackHole: () => {
      silent = true
      for (const state of doomed) state.dead = true
    },
    heal: () => {
      silent = false
    },
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

describeRedis('redisBus heartbeat', () => {
  afterAll(() => deleteKeys(prefix))

  /** A writes directly; B's bus goes through `link`; B's Redis tier reaches Redis directly. */
  async function pair(link: { url: string }, channel: string, heartbeat: number) {
    const make = (busUrl: string, beat?: number) =>
      createCache({
        tiers: [memoryTier(), redisTier({ url, prefix, timeout: 200 })],
        bus: redisBus({
          url: busUrl,
          channel,
          timeout: 200,
          ...(beat === undefined ? {} : { heartbeat: beat }),
        }),
      })
    const a = make(url)
    const b = make(link.url, heartbeat)
    await Promise.all([a.ready(), b.ready()])
    return { a, b }
  }

  it('drops a silent subscriber connection, reconnects once the link is back and resyncs', async () => {
    const link = await silentLink()
    const { a, b } = await pair(link, `${prefix}bus:beat`, 100)
    try {
      await b.set('k', 'old')
      expect(b.getSync('k')).toBe('old')
      link.blackHole()
      await a.set('k', 'new')
      await sleep(600)
      // Missed, and nothing could tell B yet: the link is still down.
      expect(b.getSync('k')).toBe('old')
      expect(b.stats().busResyncs).toBe(0)
      link.heal()
      await vi.waitFor(() => expect(b.stats().busResyncs).toBe(1), { timeout: 10_000 })
      expect(b.getSync('k')).toBeUndefined()
      expect(await b.get('k')).toBe('new')
      // Subscribed again on a working connection: the next invalidation arrives.
      await a.set('k', 'newer')
      await vi.waitFor(() => expect(b.getSync('k')).toBeUndefined())
      expect(await b.get('k')).toBe('newer')
    } finally {
      await Promise.all([a.close(), b.close()])
      await link.close()
    }
  }, 20_000)

  it('without it (heartbeat 0), the instance stays deaf after the link is back', async () => {
    const link = await silentLink()
    const { a, b } = await pair(link, `${prefix}bus:deaf`, 0)
    try {
      await b.set('d', 'old')
      link.blackHole()
      link.heal()
      await a.set('d', 'new')
      await sleep(1500)
      expect(b.getSync('d')).toBe('old')
      expect(b.stats().busResyncs).toBe(0)
    } finally {
      await Promise.all([a.close(), b.close()])
      await link.close()
    }
  }, 20_000)

  it('refuses a heartbeat that is not a number of ms', () => {
    expect(() => redisBus({ url, heartbeat: -1 })).toThrow(/heartbeat/)
    expect(() => redisBus({ url, heartbeat: Number.NaN })).toThrow(/heartbeat/)
  })
})
