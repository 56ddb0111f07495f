// A small Markdown extractor, map → reduce: blocks (heading, code, list, quote, paragraph) are
// the elements; element() counts words and links of one block; document() sums them up.
// The engine loads this module by URL, so element() can also run in worker threads.
import { defineExtractor } from '@mx/engine/extractor'

const linkPattern = /\[[^\]]*\]\(([^)\s]+)[^)]*\)|<(https?:\/\/[^>]+)>/g

function kind(text) {
  if (text.startsWith('```') || text.startsWith('~~~')) return 'code'
  if (/^#{1,6}\s/.test(text)) return 'heading'
  if (/^([-*+]|\d+\.)\s/.test(text)) return 'list'
  if (text.startsWith('>')) return 'quote'
  return 'paragraph'
}

/** Splits Markdown into blank-line separated blocks, keeping fenced code blocks whole. */
function blocks(text) {
  const out = []
  let current = []
  let fence = false
  for (const line of text.split(/\r?\n/)) {
    if (/^(```|~~~)/.test(line.trimStart())) fence = !fence
    if (!fence && line.trim() === '') {
      if (current.length > 0) out.push(current.join('\n'))
      current = []
    } else current.push(line)
  }
  if (current.length > 0) out.push(current.join('\n'))
  return out
}

export default defineExtractor({
  name: 'distributed-markdown',
  version: '1',
  parse(doc) {
    const text =
      typeof doc.content === 'string'
        ? doc.content
        : new TextDecoder('utf-8', { fatal: true }).decode(doc.content)
    return blocks(text).map((block, i) => ({ id: `b${i}`, kind: kind(block), text: block }))
  },
  element(el) {
    const links = [...el.text.matchAll(linkPattern)].map((m) => m[1] ?? m[2])
    const words = el.kind === 'code' ? 0 : el.text.split(/\s+/).filter(Boolean).length
    const heading = el.kind === 'heading' ? el.text.replace(/^#+\s*/, '').split('\n')[0] : null
    const depth = el.kind === 'heading' ? (/^#+/.exec(el.text)?.[0].length ?? 0) : 0
    return { kind: el.kind, words, links, heading, depth }
  },
  document(_elements, metas, ctx) {
    const outline = metas.filter((m) => m.heading).map((m) => ({ depth: m.depth, text: m.heading }))
    const words = metas.reduce((sum, m) => sum + m.words, 0)
    return {
      id: ctx.docId,
      title: outline.find((h) => h.depth === 1)?.text ?? outline[0]?.text ?? null,
      outline,
      words,
      readingMinutes: Math.max(1, Math.round(words / 230)),
      links: metas.reduce((sum, m) => sum + m.links.length, 0),
      codeBlocks: metas.filter((m) => m.kind === 'code').length,
    }
  },
})
