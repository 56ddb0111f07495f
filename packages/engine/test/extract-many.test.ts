import { describe, expect, it } from 'vitest'
import { createEngine, type ExtractProgress, type SourceDocument } from '../src/index'
import { collect, doc } from './helpers'

/** An extractor whose element() waits until the test releases that document. */
function gatedExtractor() {
  const gates = new Map<string, () => void>()
  const waiting = new Map<string, Promise<void>>()
  const gate = (id: string) => {
    if (!waiting.has(id)) waiting.set(id, new Promise<void>((resolve) => gates.set(id, resolve)))
    return waiting.get(id) as Promise<void>
  }
  return {
    release: (id: string) => {
      gate(id)
      gates.get(id)?.()
    },
    extractor: {
      name: 'gated',
      version: '1',
      parse: (d: SourceDocument) => [{ id: 'only', docId: d.id }],
      element: async (el: { id: string; docId: string }) => {
        await gate(el.docId)
        return el.docId
      },
      document: (_e: unknown[], metas: unknown[]) => metas[0],
    },
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5))

describe('extractMany', () => {
  it('yields in source order by default and in completion order with ordered: false', async () => {
    for (const ordered of [true, false]) {
      const { extractor, release } = gatedExtractor()
      await using engine = createEngine({ extractor, level: 'basic' })
      const out: string[] = []
      const run = (async () => {
        for await (const r of engine.extractMany([doc('a'), doc('b'), doc('c')], { ordered }))
          out.push(r.id)
      })()
      await tick()
      release('c')
      await tick()
      release('b')
      await tick()
      release('a')
      await run
      expect(out).toEqual(ordered ? ['a', 'b', 'c'] : ['c', 'b', 'a'])
    }
  })

  it('pulls at most maxInFlight documents ahead of the consumer', async () => {
    await using engine = createEngine({
      extractor: { name: 'n', version: '1', parse: () => [], element: () => 0, document: () => 0 },
      level: 'basic',
    })
    let pulled = 0
    function* source() {
      for (let i = 0; i < 50; i++) {
        pulled++
        yield { id: `d${i}`, content: '' }
      }
    }
    let maxAhead = 0
    let consumed = 0
    for await (const _ of engine.extractMany(source(), { maxInFlight: 3 })) {
      consumed++
      maxAhead = Math.max(maxAhead, pulled - consumed)
      await tick()
    }
    expect(consumed).toBe(50)
    expect(maxAhead).toBeLessThanOrEqual(3)
  })

  it('reports progress and accepts async iterables', async () => {
    await using engine = createEngine({
      extractor: { name: 'n', version: '1', parse: () => [], element: () => 0, document: () => 0 },
      level: 'basic',
    })
    async function* source() {
      yield { id: 'a', content: '' }
      yield { id: 'b', content: 1 } as never
    }
    const progress: ExtractProgress[] = []
    await collect(engine.extractMany(source(), { onProgress: (p) => progress.push(p) }))
    expect(progress.at(-1)).toEqual({
      started: 2,
      completed: 2,
      failed: 1,
      inFlight: 0,
      paused: false,
    })
  })

  it('stops pulling and throws MX_ENGINE_ABORTED when the signal aborts', async () => {
    const { extractor } = gatedExtractor()
    await using engine = createEngine({ extractor, level: 'basic' })
    const controller = new AbortController()
    let pulled = 0
    function* source() {
      for (;;) {
        pulled++
        yield doc(`d${pulled}`)
      }
    }
    const run = collect(engine.extractMany(source(), { signal: controller.signal, maxInFlight: 4 }))
    await tick()
    controller.abort()
    await expect(run).rejects.toMatchObject({ code: 'MX_ENGINE_ABORTED' })
    expect(pulled).toBe(4)
  })

  it('rethrows what the source throws', async () => {
    await using engine = createEngine({
      extractor: { name: 'n', version: '1', parse: () => [], element: () => 0, document: () => 0 },
      level: 'basic',
    })
    function* source() {
      yield { id: 'a', content: '' }
      throw new Error('source broke')
    }
    await expect(collect(engine.extractMany(source()))).rejects.toThrow('source broke')
  })
})
