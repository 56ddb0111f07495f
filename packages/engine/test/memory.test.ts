import { createMemoryMonitor } from '@mx/memory'
import { describe, expect, it } from 'vitest'
import {
  createEngine,
  type MemorySlot,
  type PressureLevelName,
  type SourceDocument,
} from '../src/index'
import { collect, doc, mapCache } from './helpers'

const tick = () => new Promise((resolve) => setTimeout(resolve, 5))

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
  it('shrinks the cache and pauses intake at critical, then resumes without dropping a document', async () => {
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
    let pulled = 0
    function* source(): Generator<SourceDocument> {
      for (let i = 0; i < 20; i++) {
        pulled++
        if (i === 5) set(900) // critical (≥ 85 % of the budget) while the run is going
        yield doc(`d${i}`)
      }
    }
    const seen: string[] = []
    const run = (async () => {
      for await (const r of engine.extractMany(source(), { maxInFlight: 2 })) seen.push(r.id)
    })()
    await tick()
    await tick()
    const pulledWhilePaused = pulled
    expect(engine.report().memory.level).toBe('critical')
    expect(cache.calls.shrink).toBe(1)
    await tick()
    expect(pulled).toBe(pulledWhilePaused) // nothing new pulled while critical
    set(100)
    await run
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => `d${i}`))
    expect(levels).toEqual(['critical', 'normal'])
    expect(engine.report().pressure).toEqual({ pauses: 1, shrinks: 1 })
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
    const run = (async () => {
      for await (const r of engine.extractMany([doc('a'), doc('b')])) results.push(r.id)
    })()
    await tick()
    expect(results).toEqual([])
    level = 'normal'
    for (const l of listeners) l({ level: 'normal', previous: 'critical' })
    await run
    expect(results).toEqual(['a', 'b'])
  })
})
