import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  createTracker,
  type Element,
  mapReduce,
  memoryStore,
  type UpdateSpec,
  type VersionStore,
} from '../src/index'

interface Block extends Element {
  kind: 'h' | 'p'
  text: string
  modifiedAt: number
}

type Edit =
  | { op: 'insert'; at: number; kind: 'h' | 'p'; text: string }
  | { op: 'delete'; at: number }
  | { op: 'modify'; at: number; text: string }
  | { op: 'move'; from: number; to: number }
  | { op: 'metadata'; at: number }
  | { op: 'noop' }
  | { op: 'restart' }

const word = fc.constantFrom('alpha', 'beta', 'gamma', 'delta', 'x')
const text = fc.array(word, { minLength: 1, maxLength: 4 }).map((words) => words.join(' '))
const kind = fc.constantFrom<'h' | 'p'>('h', 'p')
const index = fc.nat(30)
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ op: fc.constant('insert' as const), at: index, kind, text }),
  fc.record({ op: fc.constant('delete' as const), at: index }),
  fc.record({ op: fc.constant('modify' as const), at: index, text }),
  fc.record({ op: fc.constant('move' as const), from: index, to: index }),
  fc.record({ op: fc.constant('metadata' as const), at: index }),
  fc.constant({ op: 'noop' as const }),
  fc.constant({ op: 'restart' as const }),
)
const mode = fc.constantFrom<Mode>('element', 'batch', 'async-batch')
const initial = fc.array(fc.record({ kind, text }), { maxLength: 10 })

/**
 * How the caller edits its elements: fresh copies of every element, the same objects mutated
 * in place, or Immer style (unchanged elements keep their identity, all of them frozen).
 */
type Style = 'copy' | 'in-place' | 'frozen'
const style = fc.constantFrom<Style>('copy', 'in-place', 'frozen')

function apply(doc: Block[], change: Edit, nextId: () => string, how: Style): Block[] {
  const out = how === 'copy' ? doc.map((block) => ({ ...block })) : doc.slice()
  const at = (n: number) => (out.length === 0 ? -1 : n % out.length)
  const edit = (i: number, fields: Partial<Block>) => {
    const block = out[i] as Block
    if (how === 'frozen') out[i] = Object.freeze({ ...block, ...fields })
    else Object.assign(block, fields)
  }
  switch (change.op) {
    case 'insert': {
      const block = { id: nextId(), kind: change.kind, text: change.text, modifiedAt: 0 }
      out.splice(change.at % (out.length + 1), 0, how === 'frozen' ? Object.freeze(block) : block)
      break
    }
    case 'delete':
      if (at(change.at) >= 0) out.splice(at(change.at), 1)
      break
    case 'modify':
      if (at(change.at) >= 0) edit(at(change.at), { text: change.text })
      break
    case 'move':
      if (out.length > 0) {
        const [block] = out.splice(at(change.from), 1)
        out.splice(change.to % (out.length + 1), 0, block as Block)
      }
      break
    case 'metadata':
      if (at(change.at) >= 0)
        edit(at(change.at), { modifiedAt: (out[at(change.at)] as Block).modifiedAt + 1 })
      break
  }
  return out
}

type Meta = { words: number; shout: string }
/** How element results are computed: one call each, or one batch call (sync or async). */
type Mode = 'element' | 'batch' | 'async-batch'
const meta = (block: Block): Meta => ({
  words: block.text.split(' ').length,
  shout: block.text.toUpperCase(),
})

function makeSpec(mode: Mode = 'element', batches: Block[][] = []): UpdateSpec<Block, Meta> {
  const compute =
    mode === 'element'
      ? { element: meta }
      : {
          elements: (dirty: Block[]) => {
            batches.push(dirty)
            const out = dirty.map(meta)
            return mode === 'batch' ? out : Promise.resolve(out)
          },
        }
  return {
    ...compute,
    derived: {
      headings: (ctx) =>
        ctx
          .elements()
          .filter((b) => b.kind === 'h')
          .map((b) => b.text),
      total: (ctx) => ctx.results().reduce((sum, { result }) => sum + result.words, 0),
      firstId: (ctx) => ctx.ids()[0] ?? null,
      headingCount: (ctx) => ctx.get<string[]>('headings').length,
      summary: (ctx) => `${ctx.get('total')}/${ctx.get('headingCount')}`,
      // the same two values, folded chunk by chunk
      chunkedHeadings: mapReduce<Block, Meta, string[]>({
        map: (b) => (b.kind === 'h' ? [b.text] : []),
        reduce: (lists) => lists.flat(),
      }),
      chunkedTotal: mapReduce<Block, Meta, number>({
        map: (_b, r) => r.words,
        reduce: (counts) => counts.reduce((sum, n) => sum + n, 0),
      }),
    },
  }
}

/** The model: what a from-scratch computation gives, computed without the library. */
function model(doc: Block[]) {
  const headings = doc.filter((b) => b.kind === 'h').map((b) => b.text)
  const total = doc.reduce((sum, b) => sum + b.text.split(' ').length, 0)
  return {
    content: JSON.stringify(doc.map((b) => [b.id, b.kind, b.text])),
    ids: JSON.stringify(doc.map((b) => b.id)),
    keys: new Set(doc.map((b) => JSON.stringify([b.kind, b.text]))),
    derived: {
      headings,
      total,
      firstId: doc[0]?.id ?? null,
      headingCount: headings.length,
      chunkedHeadings: headings,
      chunkedTotal: total,
    },
  }
}

/** Element contents that no previous element had: the ones whose result must be computed. */
function newContents(prev: Block[], next: Block[]): number {
  const a = model(prev)
  return [...model(next).keys].filter((key) => !a.keys.has(key)).length
}

/** How many nodes truly depend on what changed between two documents. */
function affected(prev: Block[], next: Block[]): number {
  const a = model(prev)
  const b = model(next)
  let count = newContents(prev, next)
  const contentChanged = a.content !== b.content
  const headingsChanged = JSON.stringify(a.derived.headings) !== JSON.stringify(b.derived.headings)
  const countChanged = a.derived.headingCount !== b.derived.headingCount
  const totalChanged = a.derived.total !== b.derived.total
  if (contentChanged) count += 4 // headings, total, chunkedHeadings, chunkedTotal
  if (a.ids !== b.ids) count += 1 // firstId
  if (headingsChanged) count += 1 // headingCount
  if (totalChanged || countChanged) count += 1 // summary
  return count
}

describe('tracker property', () => {
  it('always equals a from-scratch result and recomputes exactly the truly affected nodes, with element() or the batch hook, however the caller edits', async () => {
    await fc.assert(
      fc.asyncProperty(
        mode,
        style,
        fc.boolean(),
        initial,
        fc.array(edit, { maxLength: 8 }),
        async (how, editing, trustIdentity, start, edits) => {
          let counter = 0
          const nextId = () => `n${counter++}`
          const store: VersionStore = memoryStore()
          // immutableElements is only for callers that never mutate an element in place
          const immutableElements = trustIdentity && editing !== 'in-place'
          const open = () =>
            createTracker({ store, ignoreFields: ['modifiedAt'], immutableElements })
          let tracker = open()
          let doc: Block[] = start.map((b) => ({ id: nextId(), ...b, modifiedAt: 0 }))
          if (editing === 'frozen') doc = doc.map((block) => Object.freeze(block))
          let prev: Block[] = []
          for (const [step, change] of [{ op: 'noop' } as Edit, ...edits].entries()) {
            if (change.op === 'restart') tracker = open()
            doc = apply(doc, change, nextId, editing)
            const batches: Block[][] = []
            const r = await tracker.update('doc', doc, makeSpec(how, batches))
            const scratch = await createTracker({ store: memoryStore() }).update(
              'doc',
              doc,
              makeSpec(),
            )
            expect(r.value).toEqual(scratch.value)
            expect(r.value.derived).toMatchObject(model(doc).derived)
            const expected = step === 0 ? 7 + model(doc).keys.size : affected(prev, doc)
            expect(r.counts.recomputed).toBe(expected)
            expect(r.why).toHaveLength(expected)
            expect(r.created).toBe(step === 0 || expected > 0)
            if (how !== 'element') {
              // one call with exactly the elements of new content, or none at all
              const dirty = newContents(step === 0 ? [] : prev, doc)
              expect(batches).toHaveLength(dirty > 0 ? 1 : 0)
              expect(batches.flat()).toHaveLength(dirty)
              const order = doc.map((block) => block.id)
              const ids = batches.flat().map((block) => block.id)
              expect(ids).toEqual([...ids].sort((x, y) => order.indexOf(x) - order.indexOf(y)))
            }
            // a copy: in-place edits would otherwise change the previous document too
            prev = doc.map((block) => ({ ...block }))
          }
        },
      ),
      { numRuns: 150 },
    )
    // well under a second on an idle machine; the shared CI machine can be 10x slower
  }, 60_000)
})
