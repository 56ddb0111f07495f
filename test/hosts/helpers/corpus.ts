// The documents every scenario runs, and their ground truth: the same corpus extracted by one
// clean process (level `basic`: no cache, no threads, no Redis, no network), as comparable JSON.
import { isDeepStrictEqual } from 'node:util'
import { createEngine, type SourceDocument } from '@mx/engine'
import { seededRandom } from '@mx/testkit'
import { comparable } from '../../reliability/helpers/corpus'

export const extractorUrl = new URL(
  '../../../examples/distributed/src/extractor.mjs',
  import.meta.url,
)

const WORDS =
  'cache queue worker redis partition latency fencing token bus lock host shard replica lease'.split(
    ' ',
  )

/**
 * `count` Markdown documents (headings, paragraphs, lists, code, links), the same for a seed on
 * every run; `tag` makes their ids and contents distinct from another batch's.
 */
export function markdownCorpus(count: number, tag: string, seed = 7): SourceDocument[] {
  const next = seededRandom(seed)
  const word = () => WORDS[Math.floor(next() * WORDS.length)] as string
  const words = (n: number) => Array.from({ length: n }, word).join(' ')
  return Array.from({ length: count }, (_, d) => {
    const sections = Array.from({ length: 3 + Math.floor(next() * 4) }, (_, s) =>
      [
        `## ${tag} section ${s} ${words(3)}`,
        `${words(40 + Math.floor(next() * 60))} [${word()}](https://example.test/${tag}/${d}/${s})`,
        `- ${words(5)}\n- ${words(6)}\n- ${words(4)}`,
        next() < 0.4 ? `\`\`\`js\nconst ${word()} = ${d * s}\n\`\`\`` : `> ${words(12)}`,
      ].join('\n\n'),
    )
    const content = [`# ${tag} document ${d}`, ...sections].join('\n\n')
    return { id: `${tag}-${String(d).padStart(3, '0')}.md`, content }
  })
}

/** Ground truth by document id, as JSON would carry it from another host. */
export async function groundTruth(docs: readonly SourceDocument[]): Promise<Map<string, unknown>> {
  const engine = createEngine({ extractor: extractorUrl, level: 'basic' })
  try {
    const truth = new Map<string, unknown>()
    for (const doc of docs) {
      truth.set(doc.id, JSON.parse(JSON.stringify(comparable(await engine.extract(doc)))))
    }
    return truth
  } finally {
    await engine.close()
  }
}

export interface Tally {
  documents: number
  lost: number
  duplicated: number
  wrong: number
  /** Ids answered that are not in the ground truth. */
  extra: number
}

/** Counts each id answered against the ground truth: lost, answered twice, different, unknown. */
export function tally(
  truth: ReadonlyMap<string, unknown>,
  answers: ReadonlyArray<{ id: string; result: unknown }>,
): Tally {
  const seen = new Map<string, number>()
  let wrong = 0
  let extra = 0
  for (const { id, result } of answers) {
    seen.set(id, (seen.get(id) ?? 0) + 1)
    if (!truth.has(id)) extra++
    else if (!isDeepStrictEqual(result, truth.get(id))) wrong++
  }
  let lost = 0
  for (const id of truth.keys()) if (!seen.has(id)) lost++
  const duplicated = [...seen.values()].filter((n) => n > 1).length
  return { documents: truth.size, lost, duplicated, wrong, extra }
}
