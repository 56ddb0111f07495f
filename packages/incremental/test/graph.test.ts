import { describe, expect, it } from 'vitest'
import { createGraph, type RecomputeReason } from '../src/index'

function counted() {
  const graph = createGraph()
  const runs: string[] = []
  const reasons: RecomputeReason[] = []
  graph.on('recompute', (reason) => reasons.push(reason))
  return { graph, runs, reasons }
}

describe('createGraph', () => {
  it('records dependencies as derived values read them and recomputes only dependents of a change', () => {
    const { graph, runs } = counted()
    graph.set('a', 1)
    graph.set('b', 10)
    graph.derive('double', (ctx) => {
      runs.push('double')
      return ctx.get<number>('a') * 2
    })
    graph.derive('plusB', (ctx) => {
      runs.push('plusB')
      return ctx.get<number>('b') + 1
    })
    expect(graph.get('double')).toBe(2)
    expect(graph.get('plusB')).toBe(11)
    graph.set('a', 5)
    expect(graph.get('double')).toBe(10)
    expect(graph.get('plusB')).toBe(11)
    expect(runs).toEqual(['double', 'plusB', 'double'])
  })

  it('propagates dirtiness transitively through derived values', () => {
    const { graph, runs } = counted()
    graph.set('x', 1)
    graph.derive('one', (ctx) => {
      runs.push('one')
      return ctx.get<number>('x') + 1
    })
    graph.derive('two', (ctx) => {
      runs.push('two')
      return ctx.get<number>('one') + 1
    })
    graph.derive('three', (ctx) => {
      runs.push('three')
      return ctx.get<number>('two') + 1
    })
    expect(graph.get('three')).toBe(4)
    graph.set('x', 10)
    expect(graph.get('three')).toBe(13)
    expect(runs).toEqual(['three', 'two', 'one', 'one', 'two', 'three'])
  })

  it('cuts off early: a recomputed value equal to the old one does not rerun its dependents', () => {
    const { graph, runs, reasons } = counted()
    graph.set('text', 'hello world')
    graph.derive('wordCount', (ctx) => {
      runs.push('wordCount')
      return ctx.get<string>('text').split(' ').length
    })
    graph.derive('label', (ctx) => {
      runs.push('label')
      return `${ctx.get<number>('wordCount')} words`
    })
    expect(graph.get('label')).toBe('2 words')
    graph.set('text', 'goodbye world')
    expect(graph.get('label')).toBe('2 words')
    expect(runs).toEqual(['label', 'wordCount', 'wordCount'])
    expect(reasons.at(-1)).toEqual({
      key: 'wordCount',
      changed: ['text'],
      inputs: ['text'],
      first: false,
    })
  })

  it('explains a recompute with the changed dependency and the root input', () => {
    const { graph, reasons } = counted()
    graph.set('x', 1)
    graph.derive('mid', (ctx) => ctx.get<number>('x') * 2)
    graph.derive('top', (ctx) => ctx.get<number>('mid') + 1)
    graph.get('top')
    reasons.length = 0
    graph.set('x', 2)
    graph.get('top')
    expect(reasons).toEqual([
      { key: 'mid', changed: ['x'], inputs: ['x'], first: false },
      { key: 'top', changed: ['mid'], inputs: ['x'], first: false },
    ])
  })

  it('tracks declared dependencies even when the computation does not read them', () => {
    const { graph, runs } = counted()
    graph.set('schema', 1)
    graph.derive(
      'stamp',
      () => {
        runs.push('stamp')
        return 'fixed'
      },
      { deps: ['schema'] },
    )
    graph.get('stamp')
    graph.set('schema', 2)
    graph.get('stamp')
    expect(runs).toEqual(['stamp', 'stamp'])
  })

  it('drops dependencies a new computation no longer reads', () => {
    const { graph, runs } = counted()
    graph.set('useA', true)
    graph.set('a', 1)
    graph.set('b', 2)
    graph.derive('pick', (ctx) => {
      runs.push('pick')
      return ctx.get('useA') ? ctx.get('a') : ctx.get('b')
    })
    expect(graph.get('pick')).toBe(1)
    graph.set('useA', false)
    expect(graph.get('pick')).toBe(2)
    graph.set('a', 100)
    expect(graph.get('pick')).toBe(2)
    expect(runs).toEqual(['pick', 'pick'])
  })

  it('skips re-checking nodes that depend only on high-durability inputs while only low ones change', () => {
    const { graph } = counted()
    graph.set('locale', 'en', { durability: 'high' })
    graph.set('text', 'a')
    graph.derive('greeting', (ctx) => `hello ${ctx.get('locale')}`)
    graph.derive('mixed', (ctx) => `${ctx.get('greeting')}:${ctx.get('text')}`)
    graph.get('mixed')
    const checked = graph.stats()
    graph.set('text', 'b')
    expect(graph.get('mixed')).toBe('hello en:b')
    // 'greeting' was neither recomputed nor re-verified dependency by dependency
    expect(graph.stats().reused).toBe(checked.reused)
    expect(graph.stats().recomputed).toBe(checked.recomputed + 1)
    graph.set('locale', 'fr', { durability: 'high' })
    expect(graph.get('mixed')).toBe('hello fr:b')
  })

  it('does not bump the revision when an input is set to an equal value', () => {
    const graph = createGraph()
    expect(graph.set('cfg', { a: 1, b: 2 })).toBe(true)
    const { revision } = graph.stats()
    expect(graph.set('cfg', { b: 2, a: 1 })).toBe(false)
    expect(graph.stats().revision).toBe(revision)
  })

  it('restores traces from a snapshot and recomputes only what changed since', () => {
    const first = createGraph()
    first.set('a', 1)
    first.set('b', 2)
    first.derive('sumA', (ctx) => ctx.get<number>('a') + 1)
    first.derive('sumB', (ctx) => ctx.get<number>('b') + 1)
    first.get('sumA')
    first.get('sumB')
    const runs: string[] = []
    const second = createGraph({ snapshot: first.snapshot() })
    second.set('a', 1)
    second.set('b', 5)
    second.derive('sumA', (ctx) => {
      runs.push('sumA')
      return ctx.get<number>('a') + 1
    })
    second.derive('sumB', (ctx) => {
      runs.push('sumB')
      return ctx.get<number>('b') + 1
    })
    expect(second.get('sumA')).toBe(2)
    expect(second.get('sumB')).toBe(6)
    expect(runs).toEqual(['sumB'])
  })

  it('sees a deleted input as undefined and recomputes its dependents', () => {
    const graph = createGraph()
    graph.set('a', 1)
    graph.derive('maybe', (ctx) => ctx.get<number | undefined>('a') ?? 'gone')
    expect(graph.get('maybe')).toBe(1)
    graph.delete('a')
    expect(graph.get('maybe')).toBe('gone')
    graph.set('a', 3)
    expect(graph.get('maybe')).toBe(3)
  })

  it('throws MX_INCREMENTAL_CYCLE for a value that depends on itself', () => {
    const graph = createGraph()
    graph.derive('p', (ctx) => ctx.get('q'))
    graph.derive('q', (ctx) => ctx.get('p'))
    expect(() => graph.get('p')).toThrow(
      expect.objectContaining({
        code: 'MX_INCREMENTAL_CYCLE',
        message: 'dependency cycle: p -> q -> p',
      }),
    )
  })

  it('throws MX_INCREMENTAL_UNKNOWN_NODE for an unknown key and MX_INCREMENTAL_NOT_SERIALIZABLE for a bad value', () => {
    const graph = createGraph()
    expect(() => graph.get('nope')).toThrow(
      expect.objectContaining({ code: 'MX_INCREMENTAL_UNKNOWN_NODE' }),
    )
    graph.derive('bad', () => ({ run: () => 1 }))
    expect(() => graph.get('bad')).toThrow(
      expect.objectContaining({ code: 'MX_INCREMENTAL_NOT_SERIALIZABLE' }),
    )
  })

  it('refuses to set a derived key or derive an input key', () => {
    const graph = createGraph()
    graph.set('in', 1)
    graph.derive('out', () => 1)
    expect(() => graph.set('out', 2)).toThrow('"out" is a derived value and cannot be set')
    expect(() => graph.derive('in', () => 2)).toThrow('"in" is an input and cannot be derived')
  })

  it('lets on() return an unsubscribe function', () => {
    const graph = createGraph()
    const seen: string[] = []
    const off = graph.on('recompute', (reason) => seen.push(reason.key))
    graph.derive('a', () => 1)
    graph.get('a')
    off()
    graph.derive('b', () => 2)
    graph.get('b')
    expect(seen).toEqual(['a'])
  })
})
