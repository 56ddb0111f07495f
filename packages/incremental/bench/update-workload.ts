// The workload of the update bench: what is computed (per element and per document), the
// from-scratch run every update is checked against, and the caller that edits the document.
import { isDeepStrictEqual } from 'node:util'
import { type DocumentContext, mapReduce, type UpdateResult, type UpdateSpec } from '../src/index'
import { type Block, documentText, extract, makeDocument, parseDocument } from './documents'

export type Meta = ReturnType<typeof extract>
export const SIZE = 10_000
/** What a from-scratch run computes: every element's metadata and the three document values. */
export const FULL_RECOMPUTE = SIZE + 3

const derived = {
  outline: (ctx: DocumentContext<Block, Meta>) =>
    ctx
      .elements()
      .filter((el) => el.type === 'heading')
      .map((el) => el.text),
  words: (ctx: DocumentContext<Block, Meta>) =>
    ctx.results().reduce((sum, r) => sum + r.result.words, 0),
  links: (ctx: DocumentContext<Block, Meta>) => [
    ...new Set(ctx.results().flatMap((r) => r.result.urls)),
  ],
}
export const spec: UpdateSpec<Block, Meta> = { element: extract, derived }
/** The same three values as `mapReduce` folds: an edit re-maps only its chunk. */
export const chunkedSpec: UpdateSpec<Block, Meta> = {
  element: extract,
  derived: {
    outline: mapReduce<Block, Meta, string[]>({
      map: (el) => (el.type === 'heading' ? [el.text] : []),
      reduce: (lists) => lists.flat(),
    }),
    words: mapReduce<Block, Meta, number>({
      map: (_el, r) => r.words,
      reduce: (counts) => counts.reduce((sum, n) => sum + n, 0),
    }),
    links: mapReduce<Block, Meta, string[]>({
      map: (_el, r) => r.urls,
      reduce: (lists) => [...new Set(lists.flat())],
    }),
  },
}

/** What a from-scratch run computes: every element's metadata and every document value. */
export function recomputeAll(doc: readonly Block[]) {
  const results = doc.map((el) => ({ id: el.id, result: extract(el) }))
  const outline = doc.filter((el) => el.type === 'heading').map((el) => el.text)
  const words = results.reduce((sum, r) => sum + r.result.words, 0)
  const links = [...new Set(results.flatMap((r) => r.result.urls))]
  return { results, outline, words, links }
}

/**
 * What a caller passed, kept to check the update later: its elements, or for a re-parsing
 * caller the source text they were parsed from (parsing it again gives equal elements, and a
 * string keeps no 10,000 objects alive for the garbage collector to trace meanwhile).
 */
export type Source = readonly Block[] | string

export function sourceOf(input: Input): Source {
  return input.text === '' ? input.doc : input.text
}

/**
 * Throws unless `update` holds what a from-scratch run of `source` computes (every element
 * result and the three derived values) and recomputed `recomputed` values.
 */
export function checkUpdate(
  label: string,
  source: Source,
  update: UpdateResult<Meta>,
  recomputed: number,
): void {
  const expected = recomputeAll(typeof source === 'string' ? parseDocument(source) : source)
  const { outline, words, links } = update.value.derived
  const values = { outline: expected.outline, words: expected.words, links: expected.links }
  if (!isDeepStrictEqual({ outline, words, links }, values)) {
    throw new Error(`${label}: derived values differ from a from-scratch run`)
  }
  if (!isDeepStrictEqual(update.value.elements, expected.results)) {
    throw new Error(`${label}: element results differ from a from-scratch run`)
  }
  if (update.counts.recomputed !== recomputed) {
    throw new Error(`${label}: recomputed ${update.counts.recomputed}, not ${recomputed}`)
  }
}

/**
 * How the caller hands its document over. `shared`: plain objects, unchanged elements keep
 * their identity (the tracker must still read every element to notice in-place edits);
 * `reparsed`: the document is parsed again from its source text on every run, so every element
 * is a new object equal to the previous one except the edited one; `frozen`: Immer style,
 * shared and every element frozen (same default options, nothing promised); `immutable`: shared,
 * and the tracker is told `immutableElements: true`.
 */
export type CallerKind = 'shared' | 'reparsed' | 'frozen' | 'immutable'

/** What the caller passes for one run: the elements, and the source text they come from. */
export interface Input {
  doc: Block[]
  /** The source text, as a file read returns it (`reparsed` callers; '' for the others). */
  text: string
}

/** An Immer-style caller's document: every element (and its `meta`) frozen. */
function frozen(doc: Block[]): Block[] {
  for (const block of doc) Object.freeze(Object.freeze(block).meta)
  return doc
}

/**
 * The caller of one strategy: it edits its document one element per run (the same sequence of
 * edits for every strategy, so all of them process the same documents) and produces the input
 * outside the timed part, as a caller's file read and parse would.
 */
export class Caller {
  private blocks: Block[]
  private round = 0

  constructor(
    readonly kind: CallerKind,
    /** `modify`: text appended to one element; `insert`: one new paragraph, ids after it shift. */
    readonly edit: 'modify' | 'insert' = 'modify',
    /** Elements in the document. */
    readonly size = SIZE,
  ) {
    this.blocks = kind === 'frozen' ? frozen(makeDocument(size)) : makeDocument(size)
  }

  /** The document before any edit. */
  first(): Input {
    return this.input()
  }

  /** Edits the document once more and returns what the caller passes next. */
  next(): Input {
    const round = ++this.round
    const next = this.blocks.slice()
    const at = (round * 7919) % this.size
    const old = next[at] as Block
    if (this.edit === 'insert') {
      next.splice(at, 0, { ...old, id: `inserted-${round}`, text: `new paragraph ${round}` })
    } else {
      const block = { ...old, text: `${old.text} edit ${round}` }
      next[at] = this.kind === 'frozen' ? Object.freeze(block) : block
    }
    this.blocks = next
    return this.input()
  }

  private input(): Input {
    if (this.kind !== 'reparsed') return { doc: this.blocks, text: '' }
    const text = documentText(this.blocks)
    return { doc: parseDocument(text), text }
  }
}
