import { describeRedis, keyPrefix, redisUrl, thrown } from '@mx/testkit'
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { afterAll, describe, expect, it } from 'vitest'
import {
  createEngine,
  extractViaQueue,
  InvalidOptionError,
  type SourceDocument,
  serveQueue,
} from '../src/index'
import { CONNECTION_OPTIONS, checkConnection } from '../src/queue/connection'
import { capture, collect, doc, docs, fixture } from './helpers'

const known = Object.keys(CONNECTION_OPTIONS)
const connection = (options: object) => checkConnection('fn', options as never, known)

describe('queue connection options', () => {
  it('turns a Redis URL into ioredis options: host, port, credentials, database and TLS', () => {
    expect(connection({ redis: 'rediss://us%20er:p%40ss@cache.example:6380/2' })).toEqual({
      connection: {
        host: 'cache.example',
        port: 6380,
        username: 'us er',
        password: 'p@ss',
        db: 2,
        tls: {},
      },
      name: 'mx-documents',
    })
    expect(connection({ redis: 'redis://', name: 'docs', prefix: 'p' })).toEqual({
      connection: { host: '127.0.0.1', port: 6379 },
      name: 'docs',
      prefix: 'p',
    })
    const given = { host: 'h', port: 1 }
    expect(connection({ connection: given }).connection).toBe(given)
  })

  it('names the bad option: options, connection, prefix and a redis that is no string', () => {
    expect(thrown(() => connection(null as never))).toMatchObject({
      option: 'options',
      message: 'fn expects an options object, got null',
    })
    for (const bad of [5, null]) {
      const error = thrown(() => connection({ connection: bad }))
      expect(error).toBeInstanceOf(InvalidOptionError)
      expect(error).toMatchObject({
        option: 'connection',
        message: `connection must be ioredis options or an ioredis instance, got ${bad}`,
      })
    }
    expect(thrown(() => connection({ redis: redisUrl(), prefix: '' }))).toMatchObject({
      option: 'prefix',
      message: 'prefix must be a non-empty string, got ""',
    })
    expect(thrown(() => connection({ redis: 6379 }))).toMatchObject({
      option: 'redis',
      message: 'redis must be a redis:// or rediss:// URL, got 6379',
    })
  })

  it('refuses a signal that is no AbortSignal and a source that is no iterable', () => {
    expect(
      thrown(() => extractViaQueue([], { redis: redisUrl(), signal: {} as never })),
    ).toMatchObject({ option: 'signal', message: 'signal must be an AbortSignal, got an object' })
    expect(thrown(() => extractViaQueue(null as never, { redis: redisUrl() }))).toMatchObject({
      option: 'source',
      message: 'source must be an iterable, got null',
    })
  })
})

describe('a producer with nothing to enqueue', () => {
  // Port 1 refuses every connection: a producer that opened a queue would wait for it (or fail).
  it('opens no queue: an empty source, or one of documents that are answered at once, needs no Redis', async () => {
    expect(await collect(extractViaQueue([], { redis: 'redis://127.0.0.1:1' }))).toEqual([])
    const invalid = await collect(
      extractViaQueue([{ id: 'bad' } as unknown as SourceDocument], {
        redis: 'redis://127.0.0.1:1',
      }),
    )
    expect(invalid).toMatchObject([{ ok: false, id: 'bad' }])
  })
})

describeRedis('the producer of a BullMQ queue', () => {
  // BullMQ adds its own ':' after the prefix.
  const prefix = keyPrefix(import.meta.url).replace(/:$/, '')
  const client = new Redis(redisUrl())
  let queues = 0
  const common = () => ({ redis: redisUrl(), prefix, name: `p${++queues}` })

  afterAll(async () => {
    const keys = await client.keys(`${prefix}*`)
    if (keys.length > 0) await client.del(...keys)
    client.disconnect()
  })

  it('reads an async source, and logs at info one line per document, an invalid one as an error', async () => {
    const options = common()
    await using engine = createEngine({ extractor: fixture('words.mjs'), level: 'basic' })
    const server = await serveQueue(engine, { ...options, logger: false })
    const { logger, lines } = capture('info')
    async function* source(): AsyncGenerator<SourceDocument> {
      yield doc('a')
      yield { id: '', content: 'no id' }
      yield doc('b')
    }
    try {
      const results = await collect(extractViaQueue(source(), { ...options, logger }))
      expect(results.map((r) => [r.id, r.ok]).sort()).toEqual([
        ['', false],
        ['a', true],
        ['b', true],
      ])
      // No `document enqueued` lines (debug) at level info: one line per document.
      expect(lines.map((l) => [l.docId, l.level, l.msg]).sort()).toEqual([
        ['', 'error', 'document failed'],
        ['a', 'info', 'document done'],
        ['b', 'info', 'document done'],
      ])
      const invalid = lines.find((l) => l.docId === '')
      expect(invalid).toMatchObject({ stage: 'queue', outcome: 'failed', code: 'MX_ENGINE_INPUT' })
      expect(invalid?.correlationId).toBe(results.find((r) => r.id === '')?.correlationId)
      expect(server.processed).toBe(2)
    } finally {
      await server.close()
    }
  }, 30_000)

  it('closes the source and removes the jobs nobody started when the caller stops early', async () => {
    const options = common()
    const checked = connection(options)
    let closed = false
    let pulled = 0
    function* source(): Generator<SourceDocument> {
      try {
        for (const d of docs(50)) {
          pulled++
          yield d
        }
      } finally {
        closed = true
      }
    }
    await using engine = createEngine({ extractor: fixture('words.mjs'), level: 'basic' })
    const server = await serveQueue(engine, { ...options, concurrency: 1 })
    try {
      const seen: string[] = []
      for await (const result of extractViaQueue(source(), { ...options, maxInFlight: 4 })) {
        seen.push(result.id)
        if (seen.length === 2) break
      }
      expect(seen).toHaveLength(2)
      expect(closed).toBe(true)
      // At most maxInFlight documents were pulled beyond the ones yielded.
      expect(pulled).toBeLessThanOrEqual(2 + 4)
      const queue = new Queue(options.name, { connection: { ...checked.connection }, prefix })
      try {
        expect(await queue.getWaitingCount()).toBe(0)
        expect(await queue.getCompletedCount()).toBeGreaterThanOrEqual(2)
      } finally {
        await queue.close()
      }
    } finally {
      await server.close()
    }
  }, 30_000)
})
