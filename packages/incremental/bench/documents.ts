// The workload of this package's benches: a deterministic document, the source text it is
// parsed from, and the per-element metadata extraction run on it.
import type { Element } from '../src/index'

export interface Block extends Element {
  type: 'heading' | 'paragraph' | 'code'
  text: string
  level?: number
  meta: { page: number; modifiedAt: number }
}

const WORDS =
  'the incremental engine recomputes only what depends on what changed see https://example.org/docs v1.2.3 on 2026-11-23 or mail dev@example.org'.split(
    ' ',
  )

/**
 * The block at position `i`: ids, pages and timestamps follow the position, as a parser that
 * numbers blocks gives them. One constructor for generated and parsed blocks, so both have the
 * same key order (a snapshot compares keys in order).
 */
function block(i: number, text: string, level?: number): Block {
  return {
    id: `el-${i}`,
    type: level === undefined ? 'paragraph' : 'heading',
    text,
    ...(level === undefined ? {} : { level }),
    meta: { page: Math.floor(i / 40), modifiedAt: 1_700_000_000_000 + i },
  } as Block
}

/** A deterministic document of `count` elements (~300 bytes each), headings every 20. */
export function makeDocument(count: number, seed = 1): Block[] {
  let state = seed
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648
    return state
  }
  return Array.from({ length: count }, (_, i) => {
    const words = Array.from({ length: 30 + (next() % 20) }, () => WORDS[next() % WORDS.length])
    return i % 20 === 0 ? block(i, `Section ${i / 20}`, 2) : block(i, words.join(' '))
  })
}

/** The Markdown source of a document (what a file read returns): one block per paragraph. */
export function documentText(blocks: readonly Block[]): string {
  return blocks
    .map((b) => (b.level === undefined ? b.text : `${'#'.repeat(b.level)} ${b.text}`))
    .join('\n\n')
}

/**
 * Parses `documentText` output back into blocks: every block, and every string in it, is a new
 * object, equal to the one the text was written from.
 */
export function parseDocument(text: string): Block[] {
  return text.split('\n\n').map((source, i) => {
    const heading = /^(#{1,6}) /.exec(source)
    return heading
      ? block(i, source.slice(heading[0].length), (heading[1] as string).length)
      : block(i, source)
  })
}

/** Realistic per-element metadata extraction: tokens, entities (URLs, emails, versions, dates). */
export function extract(block: Block) {
  const words = block.text.split(/\s+/).filter(Boolean)
  const lower = words.map((w) => w.toLowerCase())
  const frequency = new Map<string, number>()
  for (const word of lower) frequency.set(word, (frequency.get(word) ?? 0) + 1)
  const top = [...frequency.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, 5)
  return {
    words: words.length,
    chars: block.text.length,
    urls: block.text.match(/https?:\/\/[^\s)]+/g) ?? [],
    emails: block.text.match(/[\w.+-]+@[\w-]+\.[\w.]+/g) ?? [],
    versions: block.text.match(/\bv?\d+\.\d+\.\d+\b/g) ?? [],
    dates: block.text.match(/\b\d{4}-\d{2}-\d{2}\b/g) ?? [],
    top: top.map(([word]) => word),
  }
}
