// Markdown → elements with marked's block lexer. Inline content (emphasis, links, images) is
// left as source and lexed by element(), which runs in worker threads: parse() stays cheap on
// the main thread. Raw HTML blocks (common in READMEs) go through the HTML parser.
import { Lexer } from 'marked'
import { parseHtml } from './html.mjs'

// A paragraph made only of links and images (a README's badge row) becomes one element each.
const badge =
  /\[!\[[^\]]*\]\([^)\s]*(?:\s+"[^"]*")?\)\]\([^)\s]*(?:\s+"[^"]*")?\)|!\[[^\]]*\]\([^)\s]*(?:\s+"[^"]*")?\)|\[[^\]]+\]\([^)\s]*(?:\s+"[^"]*")?\)/g
const badgeRow = new RegExp(`^(?:\\s*(?:${badge.source}))+\\s*$`)

/**
 * @param {string} text
 * @param {ReturnType<import('./ids.mjs').createIdAllocator>} ids
 */
export function parseMarkdown(text, ids) {
  const lexer = new Lexer({ gfm: true })
  const elements = []
  for (const token of lexer.blockTokens(text)) addBlock(token, elements, ids)
  attachReferences(elements, lexer.tokens.links)
  return elements
}

function addBlock(token, elements, ids) {
  switch (token.type) {
    case 'heading':
      elements.push({
        id: ids.heading(token.depth, plainHeading(token.text)),
        type: 'heading',
        format: 'markdown',
        depth: token.depth,
        source: token.text,
      })
      break
    case 'paragraph':
    case 'text':
      addParagraph(token.text, elements, ids)
      break
    case 'list':
      for (const item of token.items) addListItem(item, token.ordered, elements, ids)
      break
    case 'code':
      elements.push({
        id: ids.next('code'),
        type: 'code',
        format: 'markdown',
        lang: token.lang ? token.lang.split(/[\s{,]/)[0].toLowerCase() : undefined,
        source: token.text,
      })
      break
    case 'table':
      elements.push({
        id: ids.next('table'),
        type: 'table',
        format: 'markdown',
        columns: token.header.length,
        rows: token.rows.length,
        source: [token.header, ...token.rows]
          .map((row) => row.map((c) => c.text).join(' | '))
          .join('\n'),
      })
      break
    case 'blockquote':
      elements.push({
        id: ids.next('quote'),
        type: 'quote',
        format: 'markdown',
        source: token.text,
      })
      break
    case 'html':
      elements.push(...parseHtml(token.text, ids, { fragment: true }))
      break
    // space, hr, def (collected by the lexer into its links map): no element.
  }
}

function addParagraph(source, elements, ids) {
  if (!badgeRow.test(source)) {
    elements.push({ id: ids.next('paragraph'), type: 'paragraph', format: 'markdown', source })
    return
  }
  for (const [piece] of source.matchAll(badge)) {
    const type = piece.startsWith('!') || piece.startsWith('[![') ? 'image' : 'link'
    elements.push({ id: ids.next(type), type, format: 'markdown', source: piece })
  }
}

function addListItem(item, ordered, elements, ids) {
  const own = []
  const nested = []
  for (const child of item.tokens) {
    if (child.type === 'list') nested.push(child)
    else if (child.type === 'text' || child.type === 'paragraph') own.push(child.text)
    else if (child.type !== 'space') nested.push(child)
  }
  elements.push({
    id: ids.next('list-item'),
    type: 'list-item',
    format: 'markdown',
    ordered: Boolean(ordered),
    ...(item.task && { task: Boolean(item.checked) }),
    source: own.join('\n'),
  })
  for (const child of nested) addBlock(child, elements, ids)
}

/** Heading text without link targets, images or emphasis marks: what its slug is made from. */
function plainHeading(source) {
  return source
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/[*_`~]/g, '')
}

/** Reference links (`[text][label]`) need their definitions once lexed alone in a worker. */
function attachReferences(elements, links) {
  const labels = Object.keys(links ?? {})
  if (labels.length === 0) return
  for (const el of elements) {
    if (el.format !== 'markdown' || el.type === 'code' || !el.source.includes(']')) continue
    const source = el.source.toLowerCase()
    const refs = {}
    let found = false
    for (const label of labels) {
      if (!source.includes(`[${label}]`)) continue
      refs[label] = { href: links[label].href, title: links[label].title ?? null }
      found = true
    }
    if (found) el.refs = refs
  }
}
