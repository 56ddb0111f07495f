import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { callbackSink, defaultRules, type Notification } from '@mx/alerts'
import type { Cache } from '@mx/cache'
import type { MemoryMonitor } from '@mx/memory'
import { describeRedis, keyPrefix, redisUrl } from '@mx/testkit'
import type { PoolStats } from '@mx/workers'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import { createEngine, type ExtractFailure, type Extractor } from '../src/index'
import { collect, doc, fixture, mapCache, optionError } from './helpers'

const extractor = fixture('words.mjs')

/** One element per document: a document leaves two cache entries (element + document). */
const oneElement: Extractor = {
  name: 'one',
  version: '1',
  parse: (d) => [{ id: 'all', text: String(d.content) }],
  element: (el) => (el as unknown as { text: string }).text.length,
  document: (_elements, metas) => ({ length: metas[0] }),
}

const tmp: string[] = []
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mx-slot-settings-'))
  tmp.push(dir)
  return dir
}
afterAll(() => {
  for (const dir of tmp) rmSync(dir, { recursive: true, force: true })
})

const rule = (name: string) => ({
  name,
  metric: 'extract.errorRate',
  op: '>' as const,
  threshold: 0,
})

describe('slot settings: validation', () => {
  it('cache.maxEntries', () => {
    expect(optionError({ cache: { maxEntries: -1 } })).toEqual({
      option: 'cache.maxEntries',
      message: 'cache.maxEntries must be a positive integer, got -1',
    })
  })

  it('cache.maxBytes', () => {
    expect(optionError({ cache: { maxBytes: 1.5 } })).toEqual({
      option: 'cache.maxBytes',
      message: 'cache.maxBytes must be a positive integer, got 1.5',
    })
  })

  it('cache.ttl', () => {
    expect(optionError({ cache: { ttl: '1h' as never } })).toEqual({
      option: 'cache.ttl',
      message: 'cache.ttl must be a positive number of ms, got "1h"',
    })
    expect(optionError({ cache: { ttl: 0 } })).toMatchObject({ option: 'cache.ttl' })
  })

  it('cache.dir', () => {
    expect(optionError({ cache: { dir: '' } })).toEqual({
      option: 'cache.dir',
      message: 'cache.dir must be a non-empty string, got ""',
    })
  })

  it('cache.redis, cache.redis.url and cache.redis.prefix', () => {
    expect(optionError({ cache: { redis: 'http://localhost' } })).toEqual({
      option: 'cache.redis',
      message: 'cache.redis must be a redis:// or rediss:// URL, got "http://localhost"',
    })
    expect(optionError({ cache: { redis: 6379 as never } })).toEqual({
      option: 'cache.redis',
      message: 'cache.redis must be a redis:// URL or { url, prefix }, got 6379',
    })
    expect(optionError({ cache: { redis: { url: 'localhost' } } })).toEqual({
      option: 'cache.redis.url',
      message: 'cache.redis.url must be a redis:// or rediss:// URL, got "localhost"',
    })
    expect(optionError({ cache: { redis: { url: 'redis://h', prefix: 1 as never } } })).toEqual({
      option: 'cache.redis.prefix',
      message: 'cache.redis.prefix must be a string, got 1',
    })
    expect(optionError({ cache: { redis: { url: 'redis://h', db: 2 } as never } })).toEqual({
      option: 'cache.redis.db',
      message:
        'createEngine(): unknown option "cache.redis.db"; the options of cache.redis are "url", "prefix"',
    })
  })

  it('cache.promote', () => {
    expect(optionError({ cache: { promote: 'no' as never } })).toEqual({
      option: 'cache.promote',
      message: 'cache.promote must be a boolean, got "no"',
    })
  })

  it('cache.clock', () => {
    expect(optionError({ cache: { clock: { now: 5 } as never } })).toEqual({
      option: 'cache.clock',
      message: 'cache.clock must be an object with a now() method, got an object',
    })
  })

  it('an unknown setting, an array and an object with some of the methods', () => {
    expect(optionError({ cache: { maxentries: 5 } as never })).toEqual({
      option: 'cache.maxentries',
      message:
        'createEngine(): unknown option "cache.maxentries"; did you mean "cache.maxEntries"?',
    })
    expect(optionError({ cache: [] as never })).toEqual({
      option: 'cache',
      message:
        'cache must be true, false, a settings object or an object with get, set, getMany and setMany methods, got an array',
    })
    // Some of the slot's methods: an injected slot with methods missing, as before.
    expect(optionError({ cache: { get() {}, maxEntries: 5 } as never })).toEqual({
      option: 'cache',
      message:
        'cache must be true, false or an object with get, set, getMany and setMany methods; missing set, getMany and setMany',
    })
    // Not a plain object: a class instance without the methods is a slot missing them.
    expect(optionError({ memory: new (class Monitor {})() as never })).toEqual({
      option: 'memory',
      message:
        'memory must be true, false or an object with level and on methods; missing level and on',
    })
    expect(optionError({ memory: { level: () => 'normal' } as never })).toEqual({
      option: 'memory',
      message: 'memory must be true, false or an object with level and on methods; missing on',
    })
  })

  it('memory.budget', () => {
    expect(optionError({ memory: { budget: 'lots' } })).toEqual({
      option: 'memory.budget',
      message:
        "memory.budget must be a positive number of bytes or a size such as '512mb' or '2gb', got \"lots\"",
    })
    expect(optionError({ memory: { budget: -1 } })).toMatchObject({ option: 'memory.budget' })
    expect(optionError({ memory: { limit: 1 } as never })).toMatchObject({
      option: 'memory.limit',
    })
  })

  it('alerts.sinks and alerts.sinks[i]', () => {
    expect(optionError({ alerts: { sinks: callbackSink(() => {}) as never } })).toEqual({
      option: 'alerts.sinks',
      message: 'alerts.sinks must be an array of sinks, got an object',
    })
    expect(
      optionError({ alerts: { sinks: [callbackSink(() => {}), { name: 'x' } as never] } }),
    ).toEqual({
      option: 'alerts.sinks[1]',
      message:
        'alerts.sinks[1] must be a sink: an object with a non-empty name and a send() method, got an object',
    })
  })

  it('alerts.rules and alerts.rules[i]', () => {
    expect(optionError({ alerts: { rules: rule('A') as never } })).toEqual({
      option: 'alerts.rules',
      message: 'alerts.rules must be an array of rules, got an object',
    })
    expect(optionError({ alerts: { rules: [rule('A'), 5 as never] } })).toEqual({
      option: 'alerts.rules[1]',
      message: 'alerts.rules[1] must be a rule object, got 5',
    })
    expect(
      optionError({ alerts: { rules: [rule('A'), { ...rule('B'), threshold: 'hi' as never }] } }),
    ).toEqual({
      option: 'alerts.rules[1].threshold',
      message: 'alerts.rules[1]: rule "B": threshold must be a number, got "hi"',
    })
    expect(optionError({ alerts: { rules: [rule('A'), rule('A')] } })).toEqual({
      option: 'alerts.rules[1].name',
      message: 'alerts.rules[1].name: rule "A" is defined more than once',
    })
    expect(optionError({ alerts: { route: {} } as never })).toMatchObject({
      option: 'alerts.route',
    })
  })

  it('workers.threads, workers.timeout and workers.maxQueue', () => {
    expect(optionError({ workers: { threads: 0 } })).toEqual({
      option: 'workers.threads',
      message: 'workers.threads must be a positive integer, got 0',
    })
    expect(optionError({ workers: { timeout: -5 } })).toEqual({
      option: 'workers.timeout',
      message: 'workers.timeout must be a positive number of ms, got -5',
    })
    expect(optionError({ workers: { maxQueue: 1.5 } })).toEqual({
      option: 'workers.maxQueue',
      message: 'workers.maxQueue must be a positive integer, got 1.5',
    })
    expect(optionError({ workers: { threds: 2 } as never })).toMatchObject({
      option: 'workers.threds',
    })
  })

  it('a settings object for workers needs a module extractor', () => {
    expect(optionError({ extractor: oneElement, workers: { threads: 1 } })).toMatchObject({
      option: 'workers',
    })
  })

  it('refuses a shortcut and a setting that give the same value, naming both', () => {
    expect(optionError({ cacheDir: '/tmp/a', cache: { dir: '/tmp/b' } })).toEqual({
      option: 'cache.dir',
      message: 'cache.dir and cacheDir are both given: pass only one of them',
    })
    expect(optionError({ redis: 'redis://a', cache: { redis: 'redis://b' } })).toEqual({
      option: 'cache.redis',
      message: 'cache.redis and redis are both given: pass only one of them',
    })
    expect(
      optionError({ redisPrefix: 'a:', cache: { redis: { url: 'redis://b', prefix: 'b:' } } }),
    ).toEqual({
      option: 'cache.redis.prefix',
      message: 'cache.redis.prefix and redisPrefix are both given: pass only one of them',
    })
    expect(optionError({ threads: 2, workers: { threads: 4 } })).toEqual({
      option: 'workers.threads',
      message: 'workers.threads and threads are both given: pass only one of them',
    })
    expect(optionError({ timeout: 100, workers: { timeout: 200 } })).toEqual({
      option: 'workers.timeout',
      message: 'workers.timeout and timeout are both given: pass only one of them',
    })
  })
})

describe('slot settings: the built slots', () => {
  it('builds a slot the level does not have when its settings are given', async () => {
    await using engine = createEngine({
      extractor,
      level: 'basic',
      cache: {},
      memory: { budget: '1gb' },
      alerts: { sinks: [] },
      workers: { threads: 1 },
    })
    expect(engine.slots.cache).toBeDefined()
    expect(engine.slots.memory).toBeDefined()
    expect(engine.slots.workers?.threads).toBe(1)
    // Without `rules` the engine-built manager evaluates `defaultRules()`.
    await engine.evaluateAlerts()
    const rules = (engine.slots.alerts as unknown as { alerts(): Array<{ rule: string }> })
      .alerts()
      .map((a) => a.rule)
    expect(rules).toEqual(defaultRules().map((r) => r.name))
  })

  it('keeps an injected slot as is, whatever other fields it has', async () => {
    const cache = Object.assign(mapCache(), { maxEntries: 1 })
    await using engine = createEngine({ extractor, level: 'basic', cache })
    expect(engine.slots.cache).toBe(cache)
  })

  it('cache.maxEntries bounds the memory tier: older entries are evicted', async () => {
    await using engine = createEngine({
      extractor: oneElement,
      level: 'basic',
      cache: { maxEntries: 4 },
    })
    for (let i = 0; i < 10; i++) await engine.extract({ id: `d${i}`, content: `content ${i}` })
    const stats = (engine.slots.cache as unknown as Cache).stats()
    // 10 documents wrote 20 entries into a tier that keeps 4.
    expect(stats.tiers[0]?.evictions).toBe(16)
    const last = await engine.extract({ id: 'd9', content: 'content 9' })
    expect(last).toMatchObject({ ok: true, stats: { source: 'document-cache' } })
    const first = await engine.extract({ id: 'd0', content: 'content 0' })
    expect(first).toMatchObject({ ok: true, stats: { source: 'elements', extracted: 1 } })
  })

  it('cache.ttl with cache.clock: an entry is served until the clock passes its TTL', async () => {
    let now = 1_000_000
    await using engine = createEngine({
      extractor: oneElement,
      level: 'basic',
      cache: { ttl: 60_000, clock: { now: () => now } },
    })
    const input = { id: 'a', content: 'some text' }
    expect(await engine.extract(input)).toMatchObject({ stats: { source: 'elements' } })
    now += 59_999
    expect(await engine.extract(input)).toMatchObject({ stats: { source: 'document-cache' } })
    now += 1
    // Document and element entries both expired: the element is extracted again.
    expect(await engine.extract(input)).toMatchObject({
      stats: { source: 'elements', extracted: 1, reused: 0 },
    })
  })

  it('cache.dir holds the disk tier itself: a new engine on the same directory is served from it', async () => {
    const dir = tempDir()
    const options = { extractor, level: 'standard', cache: { dir } } as const
    {
      await using first = createEngine(options)
      expect(first.slots.cache?.stats?.().tiers?.map((t) => t.name)).toEqual(['memory', 'disk'])
      expect(await first.extract(doc('a'))).toMatchObject({ stats: { source: 'elements' } })
    }
    expect(readdirSync(dir)).toContain('cache.mdb')
    await using second = createEngine(options)
    expect(await second.extract(doc('a'))).toMatchObject({
      ok: true,
      stats: { source: 'document-cache' },
    })
  })

  it('cache.promote: false leaves disk hits out of the memory tier (each document is read once)', async () => {
    const dir = tempDir()
    {
      await using first = createEngine({ extractor, level: 'standard', cache: { dir } })
      await first.extract(doc('a'))
    }
    const hitsOf = (engine: ReturnType<typeof createEngine>) =>
      engine.slots.cache?.stats?.().tiers?.map((t) => t.hits)
    for (const promote of [true, false]) {
      await using engine = createEngine({ extractor, level: 'standard', cache: { dir, promote } })
      for (let i = 0; i < 2; i++)
        expect(await engine.extract(doc('a'))).toMatchObject({
          stats: { source: 'document-cache' },
        })
      // memory, disk: promoted after the first read, or read from disk both times
      expect(hitsOf(engine)).toEqual(promote ? [1, 1] : [0, 2])
    }
  })

  it('the cacheDir shortcut still places the disk tier under cacheDir/cache next to the settings', async () => {
    const dir = tempDir()
    {
      await using engine = createEngine({
        extractor,
        level: 'standard',
        cacheDir: dir,
        cache: { maxEntries: 10 },
      })
      await engine.extract(doc('a'))
    }
    expect(readdirSync(join(dir, 'cache'))).toContain('cache.mdb')
  })

  it('memory.budget reaches the monitor', async () => {
    await using engine = createEngine({ extractor, level: 'standard', memory: { budget: '512mb' } })
    const monitor = engine.slots.memory as unknown as MemoryMonitor
    expect(monitor.stats().budget).toBe(512 * 1024 * 1024)
    await using other = createEngine({ extractor, level: 'performance', memory: { budget: 1e9 } })
    expect((other.slots.memory as unknown as MemoryMonitor).stats().budget).toBe(1e9)
  })

  it('alerts.sinks receive what the rules fire, and alerts.rules replace the defaults', async () => {
    let deliver: (notification: Notification) => void = () => {}
    const delivered = new Promise<Notification>((resolve) => {
      deliver = resolve
    })
    await using engine = createEngine({
      extractor: fixture('failing.mjs'),
      level: 'enterprise',
      workers: false,
      alerts: { sinks: [callbackSink((n) => deliver(n))], rules: [rule('AnyDocumentFailed')] },
    })
    await collect(engine.extractMany([doc('a'), { id: 'p', content: 'PARSE' }]))
    expect(await engine.evaluateAlerts()).toEqual([
      { rule: 'AnyDocumentFailed', state: 'firing', value: 0.5 },
    ])
    const notification = await delivered
    expect(notification).toMatchObject({
      status: 'firing',
      alerts: [{ status: 'firing', labels: { alertname: 'AnyDocumentFailed' } }],
    })
    expect(engine.slots.alerts?.active().map((a) => a.rule)).toEqual(['AnyDocumentFailed'])
  })

  it('alerts.rules extend the defaults when they spread defaultRules()', async () => {
    await using engine = createEngine({
      extractor: fixture('failing.mjs'),
      level: 'standard',
      alerts: { rules: [...defaultRules(), rule('AnyDocumentFailed')] },
    })
    await collect(engine.extractMany([doc('a'), { id: 'p', content: 'PARSE' }]))
    expect(await engine.evaluateAlerts()).toEqual([
      { rule: 'AnyDocumentFailed', state: 'firing', value: 0.5 },
    ])
    // The default error-rate rule holds 2 minutes before firing: pending.
    expect(
      engine.slots.alerts?.active().map(({ rule, state }) => ({ rule, state })),
    ).toContainEqual({
      rule: 'ExtractionErrorRateHigh',
      state: 'pending',
    })
  })

  it('workers.threads sizes the pool', async () => {
    await using engine = createEngine({ extractor, level: 'standard', workers: { threads: 2 } })
    expect(engine.slots.workers?.threads).toBe(2)
    expect(await engine.extract(doc('a'))).toMatchObject({ ok: true, stats: { ranIn: 'workers' } })
    const pool = engine.slots.workers as unknown as { stats(): PoolStats }
    expect(pool.stats().threads).toBe(2)
  })

  it('the threads shortcut still sizes the pool next to other workers settings', async () => {
    await using engine = createEngine({
      extractor,
      level: 'performance',
      threads: 1,
      workers: { maxQueue: 8 },
    })
    expect(engine.slots.workers?.threads).toBe(1)
  })

  it('workers.timeout ends a task that runs past it with MX_ENGINE_TIMEOUT', async () => {
    await using engine = createEngine({
      extractor: fixture('failing.mjs'),
      level: 'basic',
      workers: { threads: 1, timeout: 500 },
    })
    const result = (await engine.extract({ id: 'hang', content: 'HANG' })) as ExtractFailure
    expect(result.ok).toBe(false)
    expect(result.error.code).toBe('MX_ENGINE_TIMEOUT')
    expect(result.error.message).toMatch(/^timed out in a worker/)
    const pool = engine.slots.workers as unknown as { stats(): PoolStats }
    expect(pool.stats().timedOut).toBeGreaterThan(0)
  })

  it('workers.maxQueue refuses the tasks past it: their documents fail with MX_WORKERS_QUEUE_FULL', async () => {
    await using engine = createEngine({
      extractor,
      level: 'basic',
      workers: { threads: 1, maxQueue: 1 },
    })
    await engine.ready()
    // Sent in one go: one task runs, one waits, the other three are refused.
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => engine.extract(doc(`d${i}`))),
    )
    expect(results.filter((r) => r.ok)).toHaveLength(2)
    const refused = results.filter((r): r is ExtractFailure => !r.ok)
    expect(refused.map((r) => [r.error.code, r.error.causeCode])).toEqual([
      ['MX_ENGINE_EXTRACT', 'MX_WORKERS_QUEUE_FULL'],
      ['MX_ENGINE_EXTRACT', 'MX_WORKERS_QUEUE_FULL'],
      ['MX_ENGINE_EXTRACT', 'MX_WORKERS_QUEUE_FULL'],
    ])
    // Once the queue has room again, documents go through.
    expect(await engine.extract(doc('later'))).toMatchObject({ ok: true })
  })
})

describeRedis('slot settings: cache.redis', () => {
  const prefix = keyPrefix(import.meta.url)
  const client = new Redis(redisUrl())

  afterAll(async () => {
    const keys = await client.keys(`${prefix}*`)
    if (keys.length > 0) await client.del(...keys)
    client.disconnect()
  })

  it('adds the Redis tier with the prefix of the settings', async () => {
    {
      await using engine = createEngine({
        extractor,
        level: 'basic',
        cache: { redis: { url: redisUrl(), prefix } },
      })
      expect(engine.slots.cache?.stats?.().tiers?.map((t) => t.name)).toEqual(['memory', 'redis'])
      expect(await engine.extract(doc('a'))).toMatchObject({ ok: true })
    }
    expect((await client.keys(`${prefix}*`)).length).toBeGreaterThan(0)
  })
})
