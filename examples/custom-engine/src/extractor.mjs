// A user-written extractor, map → reduce: parse() splits a Markdown document into elements,
// element() extracts one element's metadata (pure: it runs in worker threads and its result is
// cached by the element's hash), document() reduces the element results.
import { createHash } from 'node:crypto'

export const name = 'custom-markdown'
export const version = '1'

const patterns = {
  url: /\bhttps?:\/\/[^\s<>()"'`\]]+[^\s<>()"'`\].,;:!?]/g,
  email: /\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/g,
  semver: /\bv?\d+\.\d+\.\d+(?:-[\w.]+)?(?:\+[\w.]+)?\b/g,
  date: /\b\d{4}-\d{2}-\d{2}\b/g,
  issue: /(?:^|[\s(])#(\d{1,6})\b/g,
  link: /\[([^\]]*)\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g,
  word: /[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu,
}

/** Hash of an element's content: the cache key of its result. */
export function hashElement(element) {
  return createHash('sha256')
    .update(`${element.type}\0${element.depth ?? ''}\0${element.lang ?? ''}\0${element.text}`)
    .digest('hex')
    .slice(0, 32)
}

/** Splits Markdown into block elements: headings, code, lists, quotes, tables, paragraphs. */
export function parse(text) {
  const lines = text.replace(/\r\n?/g, '\n').split('\n')
  const elements = []
  let block = []
  let blockType = 'paragraph'
  const flush = () => {
    const body = block.join('\n').trim()
    if (body) elements.push({ type: blockType, text: body })
    block = []
    blockType = 'paragraph'
  }
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]
    const fence = /^(\s*)(```+|~~~+)\s*([\w+#.-]*)/.exec(line)
    if (fence) {
      flush()
      const close = fence[2]
      const body = []
      for (i++; i < lines.length && !lines[i].trimStart().startsWith(close); i++)
        body.push(lines[i])
      elements.push({ type: 'code', lang: fence[3] || undefined, text: body.join('\n') })
      continue
    }
    const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line)
    if (heading) {
      flush()
      elements.push({ type: 'heading', depth: heading[1].length, text: heading[2] })
      continue
    }
    if (!line.trim()) {
      flush()
      continue
    }
    const type = /^\s*([-*+]|\d+[.)])\s+/.test(line)
      ? 'list'
      : /^\s*>/.test(line)
        ? 'quote'
        : /^\s*\|.*\|\s*$/.test(line)
          ? 'table'
          : 'paragraph'
    if (block.length > 0 && type !== blockType && type !== 'paragraph') flush()
    if (block.length === 0) blockType = type
    block.push(line)
  }
  flush()
  const seen = new Map()
  return elements.map((element) => {
    const hash = hashElement(element)
    const occurrence = seen.get(hash) ?? 0
    seen.set(hash, occurrence + 1)
    return { ...element, id: `${hash.slice(0, 12)}-${occurrence}`, hash }
  })
}

const unique = (values) => [...new Set(values)]
const matches = (re, text, group = 0) => unique([...text.matchAll(re)].map((m) => m[group]))

/** Metadata of one element. Pure, so it can run in a worker and be cached by element hash. */
export function element(el) {
  const links = [...el.text.matchAll(patterns.link)].map((m) => ({ text: m[1], href: m[2] }))
  const words = el.type === 'code' ? 0 : (el.text.match(patterns.word) ?? []).length
  return {
    type: el.type,
    depth: el.depth,
    lang: el.lang,
    chars: el.text.length,
    words,
    lines: el.text.split('\n').length,
    links,
    entities: {
      urls: matches(patterns.url, el.text),
      emails: matches(patterns.email, el.text),
      versions: matches(patterns.semver, el.text),
      dates: matches(patterns.date, el.text),
      issues: matches(patterns.issue, el.text, 1).map((n) => `#${n}`),
    },
  }
}

/** Reduces element results (in element order) to the document's metadata. */
export function document(doc, elements, metas) {
  const title =
    elements.find((e) => e.type === 'heading' && e.depth === 1) ??
    elements.find((e) => e.type === 'heading')
  const firstParagraph = elements.find((e) => e.type === 'paragraph')
  const words = metas.reduce((sum, m) => sum + m.words, 0)
  const sum = (pick) => unique(metas.flatMap(pick))
  return {
    id: doc.id,
    title: title?.text ?? null,
    description: firstParagraph ? firstParagraph.text.replace(/\s+/g, ' ').slice(0, 200) : null,
    outline: elements
      .filter((e) => e.type === 'heading')
      .map((e) => ({ depth: e.depth, text: e.text })),
    elements: metas.length,
    words,
    readingMinutes: Math.max(1, Math.round(words / 230)),
    counts: {
      links: metas.reduce((n, m) => n + m.links.length, 0),
      codeBlocks: metas.filter((m) => m.type === 'code').length,
      tables: metas.filter((m) => m.type === 'table').length,
      lists: metas.filter((m) => m.type === 'list').length,
    },
    codeLanguages: sum((m) => (m.lang ? [m.lang] : [])),
    entities: {
      urls: sum((m) => m.entities.urls).length,
      emails: sum((m) => m.entities.emails).length,
      versions: sum((m) => m.entities.versions).slice(0, 20),
      dates: sum((m) => m.entities.dates).slice(0, 20),
      issues: sum((m) => m.entities.issues).length,
    },
  }
}
