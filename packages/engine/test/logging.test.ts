import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { createProfiler } from '@mx/profiler'
import { describeRedis, keyPrefix, redisUrl } from '@mx/testkit'
import { Redis } from 'ioredis'
import pino from 'pino'
import { afterAll, describe, expect, it } from 'vitest'
import {
  createEngine,
  type ExtractResult,
  extractViaQueue,
  InvalidOptionError,
  type LoggerSlot,
  type ProfilerSlot,
  serveQueue,
} from '../src/index'
import { capture, collect, countingPool, doc, docs, fixture, type Line, mapCache } from './helpers'

/** Real pino at `debug`, writing JSON lines into an array (pino's numeric levels as names). */
function pinoLines() {
  const lines: Line[] = []
  const names: Record<number, string> = { 20: 'debug', 30: 'info', 40: 'warn', 50: 'error' }
  const logger = pino(
    { level: 'debug' },
    {
      write(text: string) {
        const line = JSON.parse(text)
        lines.push({ ...line, level: names[line.level] ?? String(line.level) })
      },
    },
  )
  return { logger, lines }
}

/** Checks that every line of each result's document carries its correlation id, and returns them by id. */
function linesByDocument(results: ExtractResult[], lines: Line[]) {
  const ids = new Set(results.map((r) => r.correlationId))
  expect(ids.size).toBe(results.length)
  const byDoc = new Map<string, Line[]>()
  for (const result of results) {
    expect(result.correlationId).toMatch(/^[\da-f]{8,}\.[\da-z]+$/)
    const own = lines.filter((line) => line.docId === result.id)
    expect(own.length).toBeGreaterThan(0)
    for (const line of own)
      expect(line.correlationId, JSON.stringify(line)).toBe(result.correlationId)
    byDoc.set(result.id, own)
  }
  return byDoc
}

function optionError(fn: () => unknown): InvalidOptionError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionError)
    return error as InvalidOptionError
  }
  throw new Error('expected InvalidOptionError')
}

describe('logger option', () => {
  it('rejects a logger without the methods of pino with a typed error naming it', async () => {
    const missing = optionError(() =>
      createEngine({ extractor: fixture('words.mjs'), logger: { info() {}, warn() {} } as never }),
    )
    expect(missing.option).toBe('logger')
    expect(missing.message).toBe(
      'logger must be true, false or an object with info, warn, error, debug and child methods; missing error, debug and child',
    )
    expect(
      optionError(() => createEngine({ extractor: fixture('words.mjs'), logger: 'on' as never }))
        .message,
    ).toBe(
      'logger must be true, false or an object with info, warn, error, debug and child methods, got "on"',
    )
    const producer = optionError(() =>
      extractViaQueue([], { redis: redisUrl(), logger: true as never }),
    )
    expect(producer.option).toBe('logger')
    await using engine = createEngine({ extractor: fixture('words.mjs'), level: 'basic' })
    const bad = await engine.extract(doc('a'), { correlationId: '' }).catch((e: unknown) => e)
    expect(bad).toBeInstanceOf(InvalidOptionError)
    expect((bad as InvalidOptionError).option).toBe('correlationId')
    const served = await serveQueue(engine, { redis: redisUrl(), logger: {} as never }).catch(
      (e: unknown) => e,
    )
    expect((served as InvalidOptionError).option).toBe('logger')
  })

  it('is built (pino) at level enterprise, off at the others, and false or true win', async () => {
    const extractor = fixture('words.mjs')
    for (const level of ['basic', 'standard', 'performance'] as const) {
      await using engine = createEngine({ extractor, level })
      expect(engine.slots.logger).toBeUndefined()
    }
    await using enterprise = createEngine({ extractor, level: 'enterprise', workers: false })
    expect(typeof enterprise.slots.logger?.child).toBe('function')
    expect(enterprise.slots.logger?.isLevelEnabled?.('info')).toBe(true)
    expect(enterprise.slots.logger?.isLevelEnabled?.('debug')).toBe(false)
    await using off = createEngine({
      extractor,
      level: 'enterprise',
      logger: false,
      workers: false,
    })
    expect(off.slots.logger).toBeUndefined()
    await using on = createEngine({ extractor, level: 'basic', logger: true })
    expect(typeof on.slots.logger?.info).toBe('function')
    // pino's own logger fits the slot (checked by the type checker).
    const own = pino({ level: 'silent' }) satisfies LoggerSlot
    await using injected = createEngine({
      extractor,
      level: 'enterprise',
      logger: own,
      workers: false,
    })
    expect(injected.slots.logger).toBe(own)
  })

  it('writes JSON lines to stderr at level enterprise without a logger, and loads pino only then', async () => {
    const script = fileURLToPath(new URL('./fixtures/log-default.ts', import.meta.url))
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [
      '--import',
      'tsx',
      script,
    ])
    expect(JSON.parse(stdout)).toEqual({ before: false, after: true })
    const lines = stderr
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(lines).toEqual([
      expect.objectContaining({
        level: 30,
        docId: 'ok.md',
        correlationId: expect.any(String),
        stage: 'extract',
        outcome: 'ok',
        durationMs: expect.any(Number),
        msg: 'document extracted',
      }),
      expect.objectContaining({
        level: 50,
        docId: 'bad.md',
        stage: 'extract',
        outcome: 'failed',
        code: 'MX_ENGINE_PARSE',
        error: 'parse threw: cannot parse FAIL',
        msg: 'document failed',
      }),
    ])
    expect(lines[0].correlationId).not.toBe(lines[1].correlationId)
  })
})

describe('log lines and correlation ids', () => {
  it('puts the document’s correlation id on every line: debug per stage, info at the end, error when it failed', async () => {
    const { logger, lines } = capture('debug')
    await using engine = createEngine({
      extractor: fixture('words.mjs'),
      level: 'basic',
      cache: mapCache(),
      logger,
    })
    const results = await collect(
      engine.extractMany([doc('a'), doc('b'), { id: 'bad', content: 42 } as never]),
    )
    const byDoc = linesByDocument(results, lines.splice(0))
    expect(byDoc.get('a')?.map((l) => [l.level, l.stage, l.outcome])).toEqual([
      ['debug', 'cache', 'ok'],
      ['debug', 'parse', 'ok'],
      ['debug', 'elements', 'ok'],
      ['debug', 'document', 'ok'],
      ['info', 'extract', 'ok'],
    ])
    expect(byDoc.get('a')?.[0]).toMatchObject({ hit: false, durationMs: expect.any(Number) })
    // The second extraction of a, from the document cache, is another run: a new correlation id.
    const warm = await engine.extract(doc('a'))
    expect(warm.correlationId).not.toBe(results[0]?.correlationId)
    expect(linesByDocument([warm], lines).get('a')).toEqual([
      expect.objectContaining({ level: 'debug', stage: 'cache', hit: true }),
      expect.objectContaining({ level: 'info', source: 'document-cache', ranIn: 'none' }),
    ])
    expect(byDoc.get('bad')).toEqual([
      expect.objectContaining({
        level: 'error',
        stage: 'extract',
        outcome: 'failed',
        code: 'MX_ENGINE_INPUT',
        msg: 'document failed',
      }),
    ])
  })

  it('writes one info line per document at level info, and warns when the cache degraded', async () => {
    const { logger, lines } = capture('info')
    const cache = mapCache()
    cache.get = async () => {
      throw Object.assign(new Error('tier down'), { code: 'MY_TIER_DOWN' })
    }
    await using engine = createEngine({
      extractor: fixture('words.mjs'),
      level: 'basic',
      cache,
      logger,
    })
    const result = await engine.extract(doc('a'))
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'warn',
        correlationId: result.correlationId,
        docId: 'a',
        stage: 'cache',
        outcome: 'degraded',
        operation: 'get',
        code: 'MY_TIER_DOWN',
        error: 'tier down',
      }),
      expect.objectContaining({ level: 'info', stage: 'extract', outcome: 'ok', docId: 'a' }),
    ])
    expect(engine.report().degraded).toBe(1)
  })

  it('carries the id into the worker threads: their lines (with their threadId) are written with it', async () => {
    const { logger, lines } = pinoLines()
    await using engine = createEngine({
      extractor: fixture('threads.mjs'),
      level: 'performance',
      threads: 2,
      cache: false,
      chunkSize: 10,
      logger,
    })
    const results = await collect(engine.extractMany([...docs(4, 3), doc('big', 60)]))
    expect(results.every((r) => r.ok && r.stats.ranIn === 'workers')).toBe(true)
    const byDoc = linesByDocument(results, lines)
    for (const result of results) {
      const own = byDoc.get(result.id) ?? []
      const inWorker = own.filter((l) => l.threadId !== undefined)
      expect(inWorker.length).toBeGreaterThan(0)
      for (const line of inWorker) {
        expect(line.threadId).not.toBe(0)
        expect(line.level).toBe('debug')
      }
      expect(own.some((l) => l.stage === 'worker' && l.outcome === 'ok')).toBe(true)
      expect(own.at(-1)).toMatchObject({ level: 'info', stage: 'extract', ranIn: 'workers' })
    }
    const small = (byDoc.get('doc-0') ?? []).filter((l) => l.threadId !== undefined)
    expect(small.map((l) => l.stage)).toEqual(['parse', 'elements', 'document'])
    // 61 elements > 2 × chunkSize: parsed in one thread, element chunks in the pool, reduce in one.
    const big = (byDoc.get('big') ?? []).filter((l) => l.threadId !== undefined)
    expect(big.map((l) => l.stage)).toEqual([
      'parse',
      'split',
      ...Array(7).fill('elements'),
      'document',
    ])
  })

  it('carries the id into element chunks on the element path and into the profiler span', async () => {
    const { logger, lines } = capture('debug')
    await using pool = countingPool(2)
    const spans: Array<[string, Record<string, string> | undefined]> = []
    const profiler: ProfilerSlot = {
      span: (name, fn, attributes) => {
        spans.push([name, attributes])
        return fn()
      },
      record() {},
    }
    await using engine = createEngine({
      extractor: fixture('threads.mjs'),
      level: 'basic',
      workers: pool,
      profiler,
      chunkSize: 2,
      cost: { inlineBelowUs: 0 },
      logger,
    })
    const result = await engine.extract(doc('chunked', 5))
    expect(result).toMatchObject({ ok: true, stats: { ranIn: 'workers' } })
    const own = linesByDocument([result], lines).get('chunked') ?? []
    const chunks = own.filter((l) => l.threadId !== undefined)
    expect(chunks.map((l) => [l.stage, l.elements])).toEqual([
      ['elements', 2],
      ['elements', 2],
      ['elements', 2],
    ])
    for (const chunk of chunks) expect(chunk.threadId).not.toBe(0)
    expect(spans).toContainEqual(['extract', { correlationId: result.correlationId }])
  })
})

describeRedis('log lines across a BullMQ job', () => {
  // BullMQ adds its own ':' after the prefix.
  const prefix = keyPrefix(import.meta.url).replace(/:$/, '')
  const client = new Redis(redisUrl())

  afterAll(async () => {
    const keys = await client.keys(`${prefix}*`)
    if (keys.length > 0) await client.del(...keys)
    client.disconnect()
  })

  it('gives the producer’s and the consumer’s lines of a document the same correlation id', async () => {
    const options = { redis: redisUrl(), prefix, name: 'logs' }
    const consumer = capture('debug')
    const producer = capture('debug')
    await using engine = createEngine({
      extractor: fixture('words.mjs'),
      level: 'basic',
      logger: consumer.logger,
    })
    const server = await serveQueue(engine, options)
    try {
      const input = [...docs(3), { id: 'bad', content: new Uint8Array([0xc3, 0x28]) }]
      const results = await collect(extractViaQueue(input, { ...options, logger: producer.logger }))
      expect(results.map((r) => r.id).sort()).toEqual(['bad', 'doc-0', 'doc-1', 'doc-2'])
      const consumed = linesByDocument(results, consumer.lines)
      const produced = linesByDocument(results, producer.lines)
      for (const result of results) {
        expect(produced.get(result.id)?.map((l) => l.msg)).toEqual([
          'document enqueued',
          result.ok ? 'document done' : 'document failed',
        ])
        const messages = consumed.get(result.id)?.map((l) => l.msg) ?? []
        expect(messages[0]).toBe('job received')
        expect(messages.at(-1)).toBe('job done')
        expect(messages).toContain(result.ok ? 'document extracted' : 'document failed')
      }
      expect(produced.get('bad')?.at(-1)).toMatchObject({
        level: 'error',
        stage: 'queue',
        outcome: 'failed',
        code: 'MX_ENGINE_PARSE',
      })
    } finally {
      await server.close()
    }
  }, 30_000)
})

describe('correlation ids in @mx/profiler spans', () => {
  it('hands the id to the extract span and the stages under it', async () => {
    const profiler = createProfiler()
    const ends: Array<{ path: string; attributes?: Readonly<Record<string, string>> }> = []
    const off = profiler.on('span', (end) => ends.push(end))
    await using engine = createEngine({
      extractor: fixture('threads.mjs'),
      level: 'basic',
      profiler,
      logger: false,
    })
    const result = await engine.extract(doc('traced', 3))
    off()
    profiler.close()
    expect(result.ok).toBe(true)
    const paths = ends.map((end) => end.path)
    expect(paths).toEqual(expect.arrayContaining(['extract', 'extract/parse', 'extract/document']))
    for (const end of ends) expect(end.attributes).toEqual({ correlationId: result.correlationId })
  })
})
