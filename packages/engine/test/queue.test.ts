import { type ChildProcess, spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { describeRedis, keyPrefix, redisUrl } from '@mx/testkit'
import { MissingPeerError } from '@mx/workers'
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import {
  AbortedError,
  createEngine,
  type ExtractResult,
  extractViaQueue,
  InvalidOptionError,
  type SourceDocument,
  serveQueue,
} from '../src/index'
import { loadBullMQ } from '../src/queue/connection'
import { collect, doc, docs, fixture } from './helpers'

// BullMQ adds its own ':' after the prefix.
const prefix = keyPrefix(import.meta.url).replace(/:$/, '')
let queues = 0
const queueName = () => `q${++queues}`
const engine = () => createEngine({ extractor: fixture('words.mjs'), level: 'basic' })

function optionError(fn: () => unknown): InvalidOptionError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionError)
    return error as InvalidOptionError
  }
  throw new Error('expected InvalidOptionError')
}

describe('queue options', () => {
  it('names the bad option of extractViaQueue', () => {
    expect(optionError(() => extractViaQueue([], {})).message).toBe(
      'extractViaQueue needs redis (a redis:// URL) or connection',
    )
    const both = optionError(() => extractViaQueue([], { redis: redisUrl(), connection: {} }))
    expect(both.option).toBe('redis')
    expect(optionError(() => extractViaQueue([], { redis: 'http://x' })).message).toBe(
      'redis must be a redis:// or rediss:// URL, got "http://x"',
    )
    expect(optionError(() => extractViaQueue([], { redis: redisUrl(), name: 'a:b' })).option).toBe(
      'name',
    )
    expect(
      optionError(() => extractViaQueue([], { redis: redisUrl(), maxInFlight: 0 })).message,
    ).toBe('maxInFlight must be a positive integer, got 0')
  })

  it('names the bad option of serveQueue before touching Redis', async () => {
    await using e = engine()
    const error = await serveQueue(e, { redis: redisUrl(), concurrency: 1.5 }).catch((x) => x)
    expect(error).toBeInstanceOf(InvalidOptionError)
    expect(error.option).toBe('concurrency')
    const notEngine = await serveQueue({} as never, { redis: redisUrl() }).catch((x) => x)
    expect(notEngine.option).toBe('engine')
  })

  it('explains how to install bullmq when it is missing', async () => {
    const missing = Object.assign(new Error("Cannot find package 'bullmq'"), {
      code: 'ERR_MODULE_NOT_FOUND',
    })
    const error = await loadBullMQ(() => Promise.reject(missing)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MissingPeerError)
    expect((error as Error).message).toBe(
      '@mx/engine serveQueue and extractViaQueue needs the optional peer dependency "bullmq": install it with `npm install bullmq`',
    )
  })
})

describeRedis('BullMQ distribution', () => {
  const client = new Redis(redisUrl())
  const common = () => ({ redis: redisUrl(), prefix, name: queueName() })

  afterAll(async () => {
    const keys = await client.keys(`${prefix}*`)
    if (keys.length > 0) await client.del(...keys)
    client.disconnect()
  })

  it('returns each document once, as the engine would extract it, from two consumers', async () => {
    const options = common()
    await using first = engine()
    await using second = engine()
    await using local = engine()
    const servers = [
      await serveQueue(first, { ...options, concurrency: 2 }),
      await serveQueue(second, { ...options, concurrency: 2 }),
    ]
    const input: SourceDocument[] = [
      ...docs(30),
      { id: 'bytes', content: new TextEncoder().encode('# Bytes\n\nsent as base64') },
      { id: 'invalid-utf8', content: new Uint8Array([0xc3, 0x28]) },
      { id: 'with-meta', content: 'one two', meta: { source: 'test' } },
    ]
    try {
      const results = await collect(extractViaQueue(input, { ...options, maxInFlight: 8 }))
      expect(results.map((r) => r.id).sort()).toEqual(input.map((d) => d.id).sort())
      for (const result of results) {
        const expected = await local.extract(
          input.find((d) => d.id === result.id) as SourceDocument,
        )
        if (expected.ok && result.ok) expect(result.metadata).toEqual(expected.metadata)
        else expect(result).toMatchObject({ ok: expected.ok, error: { code: expect.any(String) } })
      }
      const invalid = results.find((r) => r.id === 'invalid-utf8')
      expect(invalid).toMatchObject({ ok: false, error: { code: 'MX_ENGINE_PARSE' } })
      expect(results.find((r) => r.id === 'with-meta')?.meta).toEqual({ source: 'test' })
      expect(servers.reduce((sum, s) => sum + s.processed, 0)).toBe(input.length)
    } finally {
      await Promise.all(servers.map((s) => s.close()))
    }
  }, 30_000)

  it('yields an MX_ENGINE_INPUT result for a document that cannot be a job', async () => {
    const results = await collect(
      extractViaQueue([{ id: '', content: 'x' }, { id: 'n', content: 5 } as never], common()),
    )
    expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual([
      'MX_ENGINE_INPUT',
      'MX_ENGINE_INPUT',
    ])
  })

  it('hands the job of a consumer that died mid-job to another consumer', async () => {
    const options = common()
    const child = startConsumer(options.name)
    await child.ready
    const exited = new Promise<number | null>((resolve) => child.process.once('exit', resolve))
    const results = extractViaQueue([{ id: 'fatal', content: 'EXIT' }], options)
    const iterator = results[Symbol.asyncIterator]()
    const first = iterator.next()
    expect(await exited).toBe(3)
    await using survivor = engine()
    const server = await serveQueue(survivor, { ...options, stalledInterval: 200 })
    try {
      const { value } = (await first) as IteratorResult<ExtractResult>
      expect(value).toMatchObject({ ok: true, id: 'fatal', metadata: { words: 1 } })
      expect(server.processed).toBe(1)
      expect((await iterator.next()).done).toBe(true)
    } finally {
      await server.close()
    }
  }, 30_000)

  it('yields MX_ENGINE_CRASH when the job fails in the queue, and the run goes on', async () => {
    const options = common()
    const closed = engine()
    await closed.close()
    // A closed engine rejects every extract: the consumer throws and the job fails.
    const server = await serveQueue(closed, options)
    try {
      const results = await collect(extractViaQueue([doc('a')], { ...options, attempts: 1 }))
      expect(results).toEqual([
        {
          ok: false,
          id: 'a',
          error: { code: 'MX_ENGINE_CRASH', message: 'the queue job failed: the engine is closed' },
          correlationId: expect.any(String),
        },
      ])
    } finally {
      await server.close()
    }
  }, 30_000)

  it('reports a job removed from the queue before it ran instead of waiting forever', async () => {
    const options = common()
    const queue = plainQueue(options.name)
    try {
      const iterator = extractViaQueue([doc('gone')], options)[Symbol.asyncIterator]()
      const first = iterator.next()
      await expect.poll(() => queue.getWaitingCount(), { timeout: 10_000 }).toBe(1)
      const [job] = await queue.getWaiting()
      await job?.remove()
      expect((await first).value).toEqual({
        ok: false,
        id: 'gone',
        error: { code: 'MX_ENGINE_CRASH', message: 'the queue job failed: removed from the queue' },
        correlationId: expect.any(String),
      })
      expect((await iterator.next()).done).toBe(true)
    } finally {
      await queue.close()
    }
  }, 30_000)

  it('throws AbortedError on abort and removes the jobs nobody started', async () => {
    const options = common()
    const controller = new AbortController()
    const run = collect(extractViaQueue(docs(5), { ...options, signal: controller.signal }))
    const queue = plainQueue(options.name)
    try {
      await expect.poll(() => queue.getWaitingCount(), { timeout: 10_000 }).toBe(5)
      controller.abort()
      await expect(run).rejects.toBeInstanceOf(AbortedError)
      expect(await queue.getWaitingCount()).toBe(0)
    } finally {
      await queue.close()
    }
  }, 30_000)
})

/** A BullMQ queue on the test's prefix, to look at (and tamper with) the jobs. */
function plainQueue(name: string): Queue {
  const { hostname, port } = new URL(redisUrl())
  return new Queue(name, { connection: { host: hostname, port: Number(port || 6379) }, prefix })
}

interface Consumer {
  process: ChildProcess
  ready: Promise<void>
}

/** The fixture consumer in its own process (through tsx, so no build is needed). */
function startConsumer(queue: string): Consumer {
  const script = fileURLToPath(new URL('./fixtures/queue-consumer.ts', import.meta.url))
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, REDIS_URL: redisUrl(), PREFIX: prefix, QUEUE: queue },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const ready = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`consumer exited early with ${code}`)))
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve()
    })
  })
  return { process: child, ready }
}
