import type { SourceDocument } from '@mx/engine'

const VOCABULARY = (
  'the engine cache worker thread document element extract metadata version install run test build ' +
  'release package module option value result error memory pressure alert profile span stage hash ' +
  'https://example.com/docs mail@example.org 1.2.3 v2.0.1 markdown heading paragraph list table code'
).split(' ')

/** A deterministic corpus: `count` documents of `paragraphs` paragraphs of `words` words. */
export function corpus(count: number, paragraphs = 40, words = 60): SourceDocument[] {
  let seed = 42
  const next = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
    return seed
  }
  return Array.from({ length: count }, (_, d) => {
    const parts: string[] = [`# Document ${d}`]
    for (let p = 0; p < paragraphs; p++) {
      const line: string[] = []
      for (let w = 0; w < words; w++) line.push(VOCABULARY[next() % VOCABULARY.length] as string)
      parts.push(line.join(' '))
    }
    return { id: `doc-${d}.md`, content: parts.join('\n\n'), mediaType: 'text/markdown' }
  })
}
