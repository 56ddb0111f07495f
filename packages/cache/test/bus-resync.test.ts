import {
  describeRedis,
  hasRedisServerBinary,
  keyPrefix,
  type RedisServer,
  redisUrl,
  startRedisServer,
} from '@mx/testkit'
import { Redis } from 'ioredis'
import { afterAll, beforeAll, expect, it, vi } from 'vitest'
import { createCache, memoryTier, redisBus, redisTier } from '../src/index'
import { deleteKeys } from './helpers'

const prefix = keyPrefix(import.meta.url)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** One instance: memory and Redis tiers (at `tierUrl`), the bus through `bus` on `channel`. */
function instance(tierUrl: string, bus: { url: string } | { client: Redis }, channel: string) {
  return createCache({
    tiers: [memoryTier(), redisTier({ url: tierUrl, prefix, timeout: 200 })],
    bus: redisBus({ ...bus, channel, timeout: 200 }),
  })
}

describeRedis('redisBus after a disconnection', () => {
  let server: RedisServer
  beforeAll(async () => {
    if (!hasRedisServerBinary()) throw new Error('redis-server is needed for the resync test')
    server = await startRedisServer()
  })
  afterAll(async () => {
    await server?.stop()
    await deleteKeys(prefix)
  })

  it('drops the memory tier once subscribed again, so a value overwritten meanwhile is never served', async () => {
    // B reaches the bus through a link the test cuts; its Redis tier and A reach the server directly.
    const link = await server.link()
    const channel = `${prefix}bus:link`
    const a = instance(server.url, { url: server.url }, channel)
    const b = instance(server.url, { url: link.url }, channel)
    await Promise.all([a.ready(), b.ready()])
    // Written by B itself (its own messages never come back to it): B's memory tier holds both.
    await b.set('k', 'old')
    await b.set('kept', 'in redis')
    expect(await a.get('k')).toBe('old')
    expect(b.getSync('k')).toBe('old')
    expect(b.stats().busResyncs).toBe(0)

    link.cut()
    await a.set('k', 'new')
    await sleep(100)
    // The message never reached B: without a resync it would serve 'old' until its TTL.
    expect(b.getSync('k')).toBe('old')

    link.restore()
    await vi.waitFor(() => expect(b.stats().busResyncs).toBe(1), { timeout: 10_000 })
    expect(b.getSync('k')).toBeUndefined()
    expect(b.getSync('kept')).toBeUndefined()
    expect(await b.get('k')).toBe('new')
    // Only the memory tier was dropped: the Redis tier still serves what was written before.
    const redisHits = b.stats().tiers[1]?.hits ?? 0
    expect(await b.get('kept')).toBe('in redis')
    expect(b.stats().tiers[1]?.hits).toBe(redisHits + 1)
    expect(a.stats().busResyncs).toBe(0)
    await Promise.all([a.close(), b.close()])
    await link.close()
  }, 20_000)

  it('resyncs when the server closes the subscriber connection (CLIENT KILL of that connection only)', async () => {
    const url = redisUrl()
    const channel = `${prefix}bus:kill`
    const name = `${prefix}b`.replace(/\W/g, '-')
    const records: string[] = []
    const a = instance(url, { url }, channel)
    const client = new Redis(url, { connectionName: name, maxRetriesPerRequest: 1 })
    const b = createCache({
      tiers: [memoryTier(), redisTier({ url, prefix, timeout: 200 })],
      bus: redisBus({ client, channel, timeout: 200 }),
      metrics: { record: (metric) => void records.push(metric) },
    })
    await Promise.all([a.ready(), b.ready()])
    await b.set('k', 'old')
    expect(b.getSync('k')).toBe('old')
    expect(b.stats().busResyncs).toBe(0)

    const admin = new Redis(url)
    const list = (await admin.call('CLIENT', 'LIST', 'TYPE', 'pubsub')) as string
    const ids = list
      .split('\n')
      .filter((line) => line.includes(` name=${name} `))
      .map((line) => /(?:^|\s)id=(\d+)/.exec(line)?.[1])
    expect(ids).toHaveLength(1)
    await admin.call('CLIENT', 'KILL', 'ID', ids[0] as string)
    admin.disconnect()

    await vi.waitFor(() => expect(b.stats().busResyncs).toBe(1), { timeout: 10_000 })
    expect(records).toContain('mx_cache_bus_resync')
    expect(b.getSync('k')).toBeUndefined()
    // The Redis tier kept the entry; the bus delivers again after the resync.
    expect(await b.get('k')).toBe('old')
    expect(b.getSync('k')).toBe('old')
    await a.set('k', 'new')
    await vi.waitFor(() => expect(b.getSync('k')).toBeUndefined())
    expect(await b.get('k')).toBe('new')
    expect(a.stats().busResyncs).toBe(0)
    await Promise.all([a.close(), b.close()])
    await client.quit()
  }, 20_000)
})
