import { EventEmitter } from 'node:events'
import { describe, expect, it } from 'vitest'
import { type CacheSlot, createEngine } from '../src/index'
import { capture, doc, fixture, mapCache } from './helpers'

/** A map cache that also emits `error` and `circuit` events, as a `@mx/cache` cache does. */
function emittingCache() {
  const events = new EventEmitter()
  const cache = Object.assign(mapCache(), {
    on(event: string, listener: (payload: unknown) => void) {
      events.on(event, listener)
      return () => events.off(event, listener)
    },
  })
  return { cache: cache as CacheSlot & typeof cache, events }
}

describe('cache events in the logs', () => {
  it('warns at the 1st, 10th and 100th error of a tier and operation, with the count and the error code', async () => {
    const { logger, lines } = capture('info')
    const { cache, events } = emittingCache()
    await using engine = createEngine({
      extractor: fixture('words.mjs'),
      level: 'basic',
      cache,
      logger,
    })
    const coded = Object.assign(new Error('disk full'), { code: 'ENOSPC' })
    for (let i = 0; i < 100; i++)
      events.emit('error', { error: coded, tier: 'disk', operation: 'set' })
    // Another operation and a tier-less error (the cache itself) count apart; a thrown string too.
    events.emit('error', { error: 'no tier answered', operation: 'get' })
    events.emit('error', { error: null, operation: 'get' })
    expect(lines).toEqual([
      {
        level: 'warn',
        msg: 'cache degraded',
        stage: 'cache',
        outcome: 'degraded',
        tier: 'disk',
        operation: 'set',
        count: 1,
        code: 'ENOSPC',
        error: 'disk full',
      },
      expect.objectContaining({ tier: 'disk', operation: 'set', count: 10 }),
      expect.objectContaining({ tier: 'disk', operation: 'set', count: 100 }),
      {
        level: 'warn',
        msg: 'cache degraded',
        stage: 'cache',
        outcome: 'degraded',
        operation: 'get',
        count: 1,
        error: 'no tier answered',
      },
    ])
    // The engine still extracts through the degraded cache.
    expect((await engine.extract(doc('a'))).ok).toBe(true)
  })

  it('warns when a tier’s circuit opens and writes info when it closes again', async () => {
    const { logger, lines } = capture('info')
    const { cache, events } = emittingCache()
    await using engine = createEngine({
      extractor: fixture('words.mjs'),
      level: 'basic',
      cache,
      logger,
    })
    events.emit('circuit', { tier: 'redis', state: 'open' })
    events.emit('circuit', { tier: 'redis', state: 'closed' })
    expect(lines).toEqual([
      {
        level: 'warn',
        msg: 'cache tier circuit open',
        stage: 'cache',
        tier: 'redis',
        circuit: 'open',
        outcome: 'degraded',
      },
      {
        level: 'info',
        msg: 'cache tier back',
        stage: 'cache',
        tier: 'redis',
        circuit: 'closed',
        outcome: 'ok',
      },
    ])
    expect(engine.slots.cache).toBe(cache)
  })

  it('stops listening when the engine closes', async () => {
    const { logger, lines } = capture('info')
    const { cache, events } = emittingCache()
    const engine = createEngine({ extractor: fixture('words.mjs'), level: 'basic', cache, logger })
    expect(events.listenerCount('error')).toBe(1)
    expect(events.listenerCount('circuit')).toBe(1)
    await engine.close()
    expect(events.listenerCount('error')).toBe(0)
    expect(events.listenerCount('circuit')).toBe(0)
    events.emit('circuit', { tier: 'redis', state: 'open' })
    expect(lines).toEqual([])
  })

  it('tolerates an `on` that returns no unsubscribe, and listens to nothing below level warn', async () => {
    const events = new EventEmitter()
    const cache = Object.assign(mapCache(), {
      on(event: string, listener: (payload: unknown) => void) {
        events.on(event, listener)
      },
    })
    const { logger, lines } = capture('info')
    const engine = createEngine({ extractor: fixture('words.mjs'), level: 'basic', cache, logger })
    events.emit('circuit', { tier: 'disk', state: 'half-open' })
    expect(lines).toEqual([expect.objectContaining({ msg: 'cache tier circuit half-open' })])
    await engine.close()
    const quiet = capture('error')
    const other = new EventEmitter()
    const silent = Object.assign(mapCache(), {
      on(event: string, listener: (payload: unknown) => void) {
        other.on(event, listener)
        return () => other.off(event, listener)
      },
    })
    await using errorsOnly = createEngine({
      extractor: fixture('words.mjs'),
      level: 'basic',
      cache: silent,
      logger: quiet.logger,
    })
    expect(other.listenerCount('error')).toBe(0)
    expect(errorsOnly.slots.logger).toBe(quiet.logger)
  })
})
