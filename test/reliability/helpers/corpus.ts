import type { ExtractResult, SourceDocument } from '@mx/engine'
import { seededRandom } from '@mx/testkit'
import { type IdSpace, numberedIds } from './exact'

const WORDS =
  'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau'.split(
    ' ',
  )

/** The ids of `corpus(count)`, in order: `doc-0.md` … */
export const corpusIds = (count: number): IdSpace => numberedIds('doc-', count, '.md')

/**
 * `count` small documents of a few paragraphs; about a third of the paragraphs are shared
 * between documents, so element results are reused across documents as in real corpora.
 */
export function* corpus(count: number, seed = 1, paragraphs = 4): Generator<SourceDocument> {
  const ids = corpusIds(count)
  const next = seededRandom(seed)
  const word = () => WORDS[Math.floor(next() * WORDS.length)] as string
  const shared = Array.from({ length: 50 }, (_, i) => `shared paragraph ${i} ${word()} ${word()}`)
  for (let d = 0; d < count; d++) {
    const parts = Array.from({ length: paragraphs }, (_, p) =>
      next() < 0.3
        ? (shared[Math.floor(next() * shared.length)] as string)
        : `doc ${d} paragraph ${p} ${Array.from({ length: 8 + Math.floor(next() * 20) }, word).join(' ')}`,
    )
    yield { id: ids.idOf(d), content: parts.join('\n\n') }
  }
}

/** What must be identical between two runs: the outcome of each document, without timings or provenance. */
export function comparable(result: ExtractResult): unknown {
  return result.ok
    ? { id: result.id, ok: true, metadata: result.metadata, elements: result.elements }
    : { id: result.id, ok: false, code: result.error.code }
}
