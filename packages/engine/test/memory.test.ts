import { createMemoryMonitor } from '@mx/memory'
import { describe, expect, it } from 'vitest'
import {
  createEngine,
  type MemorySlot,
  type PressureLevelName,
  type SourceDocument,
} from '../src/index'
import { collect, doc, mapCache } from './helpers'

/** A real @mx/memory monitor whose readings the test sets by hand. */
function handDrivenMonitor() {
  let rss = 100
  const monitor = createMemoryMonitor({
    budget: 1000,
    autoStart: false,
    gcStats: false,
    // Heap figures far from their limit, so only rss ÷ budget decides the level.
    readMemory: () => ({ rss, heapUsed: 1, heapTotal: 1, heapLimit: 1e12, external: 0 }),
  })
  return {
    monitor,
    set(bytes: number) {
      rss = bytes
      monitor.sample()
    },
  }
}

describe('memory pressure', () => {
  it('shrinks the cache and narrows intake to one document at critical, then resumes without dropping a document', async () => {
    const { monitor, set } = handDrivenMonitor()
    const cache = mapCache()
    await using engine = createEngine({
      extractor: {
        name: 'n',
        version: '1',
        parse: () => [{ id: 'a' }],
        element: () => 1,
        document: (_e, m) => m.length,
      },
      level: 'basic',
      cache,
      memory: monitor,
    })
    const levels: PressureLevelName[] = []
    engine.on('pressure', (change) => levels.push(change.level))
    await collect(engine.extractMany([doc('warm-1'), doc('warm-2')]))
    function* source(): Generator<SourceDocument> {
      for (let i = 0; i < 20; i++) {
        if (i === 5) set(900) // critical (≥ 85 % of the budget) while the run is going
        if (i === 15) set(100) // back to normal
        yield doc(`d${i}`)
      }
    }
    const seen: string[] = []
    // In-flight count right after each document started, split by pressure at that moment.
    const startedWhilePaused: number[] = []
    const startedAfter: number[] = []
    let started = 0
    for await (const r of engine.extractMany(source(), {
      maxInFlight: 4,
      onProgress: (p) => {
        if (p.started === started) return
        started = p.started
        if (p.paused) startedWhilePaused.push(p.inFlight)
        else if (p.started > 16) startedAfter.push(p.inFlight)
      },
    })) {
      seen.push(r.id)
    }
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => `d${i}`))
    // While critical nothing new is pulled while a document is in flight: the smallest
    // footprint, never a stall. (d5, pulled as the level changed, still starts: nothing is dropped.)
    expect(startedWhilePaused.length).toBeGreaterThan(5)
    expect(Math.max(...startedWhilePaused.slice(1))).toBe(1)
    expect(Math.max(...startedAfter)).toBeGreaterThan(1)
    expect(cache.calls.shrink).toBe(1)
    expect(levels).toEqual(['critical', 'normal'])
    expect(engine.report().pressure).toEqual({ pauses: 1, shrinks: 1 })
  })

  it('keeps going one document at a time when pressure never falls back', async () => {
    const { monitor, set } = handDrivenMonitor()
    set(950)
    await using engine = createEngine({
      extractor: { name: 'n', version: '1', parse: () => [], element: () => 0, document: () => 0 },
      level: 'basic',
      memory: monitor,
    })
    const docs = Array.from({ length: 50 }, (_, i) => doc(`p${i}`))
    let maxInFlight = 0
    const results = await collect(
      engine.extractMany(docs, {
        maxInFlight: 8,
        onProgress: (p) => {
          maxInFlight = Math.max(maxInFlight, p.inFlight)
        },
      }),
    )
    expect(results.map((r) => r.id)).toEqual(docs.map((d) => d.id))
    expect(maxInFlight).toBe(1)
    expect(engine.report().memory.level).toBe('critical')
  })

  it('accepts a hand-written memory slot', async () => {
    let level: PressureLevelName = 'normal'
    const listeners = new Set<
      (change: { level: PressureLevelName; previous: PressureLevelName }) => void
    >()
    const memory: MemorySlot = {
      level: () => level,
      on: (_event, listener) => {
        listeners.add(listener)
        return () => listeners.delete(listener)
      },
    }
    await using engine = createEngine({
      extractor: { name: 'n', version: '1', parse: () => [], element: () => 0, document: () => 0 },
      level: 'basic',
      memory,
    })
    level = 'critical'
    for (const l of listeners) l({ level: 'critical', previous: 'normal' })
    const results: string[] = []
    const inFlight: number[] = []
    const onProgress = (p: { inFlight: number }) => inFlight.push(p.inFlight)
    for await (const r of engine.extractMany([doc('a'), doc('b')], { onProgress }))
      results.push(r.id)
    expect(Math.max(...inFlight)).toBe(1)
    level = 'normal'
    for (const l of listeners) l({ level: 'normal', previous: 'critical' })
    inFlight.length = 0
    for await (const r of engine.extractMany([doc('c'), doc('d')], { onProgress }))
      results.push(r.id)
    expect(Math.max(...inFlight)).toBe(2)
    expect(results).toEqual(['a', 'b', 'c', 'd'])
  })
})
