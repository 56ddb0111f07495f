// HTML → elements with htmlparser2's streaming callbacks: headings, paragraphs, list items,
// code (language from `class="language-x"`), tables, quotes, standalone links and images.
// Text outside any block becomes an implicit paragraph; script, style and the like are skipped.
import { Parser } from 'htmlparser2'

const skipped = new Set(['script', 'style', 'noscript', 'template', 'svg', 'head'])
const blockTypes = {
  p: 'paragraph',
  li: 'list-item',
  dt: 'paragraph',
  dd: 'paragraph',
  pre: 'code',
  table: 'table',
  blockquote: 'quote',
  figcaption: 'paragraph',
}
// The <meta name> tags read into the document's info (see parse.mjs).
const metaNames = new Set(['description', 'keywords', 'author'])
// Closing one of these ends the text run of an implicit paragraph.
const breaks = new Set([
  'div',
  'section',
  'article',
  'main',
  'header',
  'footer',
  'nav',
  'aside',
  'body',
  'ul',
  'ol',
  'dl',
  'figure',
  'form',
  'hr',
  'details',
  'summary',
  'center',
])

/**
 * @param {string} text
 * @param {ReturnType<import('./ids.mjs').createIdAllocator>} ids
 * @param {{ fragment?: boolean, meta?: Record<string, string> }} [options] a fragment (a
 *   Markdown HTML block) has no <title>; `meta` gets the content of the first description,
 *   keywords and author <meta> tags
 */
export function parseHtml(text, ids, options = {}) {
  /** @type {HtmlState} */
  const s = {
    ids,
    options,
    elements: [],
    block: null,
    skipDepth: 0,
    title: null,
    // Only the first <title> (an <svg> one is skipped with the svg): its id is fixed.
    titled: false,
    linkStack: [],
  }
  const parser = new Parser(
    {
      onopentag: (name, attrs) => onOpenTag(s, name, attrs),
      ontext: (data) => onText(s, data),
      onclosetag: (name) => onCloseTag(s, name),
    },
    { decodeEntities: true, lowerCaseTags: true },
  )
  parser.end(text)
  flush(s)
  return s.elements
}

/**
 * What the parse has seen so far: the elements, the block whose text is being read, the depth
 * inside skipped tags, the <title> text while inside it, the links open around the text.
 * @typedef {{
 *   ids: ReturnType<import('./ids.mjs').createIdAllocator>,
 *   options: { fragment?: boolean, meta?: Record<string, string> },
 *   elements: any[],
 *   block: any,
 *   skipDepth: number,
 *   title: string | null,
 *   titled: boolean,
 *   linkStack: Array<{ href: string, start: number, block: any }>,
 * }} HtmlState
 */

/** Starts a block (ending the one being read). @param {HtmlState} s */
function open(s, type, tag, extra = {}) {
  flush(s)
  s.block = { type, tag, text: '', plain: '', links: [], images: [], ...extra }
}

/** Ends the block being read: an element, standalone links and images, or nothing. @param {HtmlState} s */
function flush(s) {
  if (!s.block) return
  const current = s.block
  s.block = null
  const body =
    current.type === 'code' ? current.text.replace(/^\n+|\s+$/g, '') : collapse(current.text)
  if (!body && current.links.length === 0 && current.images.length === 0) return
  // Text outside links is tracked apart: a block of nothing but links and images is a badge row.
  const onlyLinks = current.type === 'paragraph' && collapse(current.plain) === ''
  if (onlyLinks && (current.links.length > 0 || current.images.length > 0)) {
    emitStandalone(s, current)
    return
  }
  const el = {
    id: '',
    type: current.type,
    format: 'html',
    text: body,
    links: current.links,
    images: current.images,
  }
  if (current.type === 'heading') {
    el.depth = current.depth
    el.id = s.ids.heading(current.depth, body)
  } else el.id = s.ids.next(current.type)
  if (current.lang) el.lang = current.lang
  if (current.type === 'table') Object.assign(el, { columns: current.columns, rows: current.rows })
  s.elements.push(el)
}

/** A block of nothing but links and images: one element per link or image. @param {HtmlState} s */
function emitStandalone(s, current) {
  for (const link of current.links) {
    const image = current.images.find((img) => img.href === link.href)
    const type = image ? 'image' : 'link'
    s.elements.push({
      id: s.ids.next(type),
      type,
      format: 'html',
      // Like Markdown's `[![alt](src)](href)`: an image's text is its alt text.
      text: collapse(link.text) || (image?.alt ?? ''),
      links: [link],
      images: image ? [image] : [],
    })
  }
  for (const image of current.images.filter((img) => !img.href)) {
    s.elements.push({
      id: s.ids.next('image'),
      type: 'image',
      format: 'html',
      text: image.alt,
      links: [],
      images: [image],
    })
  }
}

/** @param {HtmlState} s */
function onOpenTag(s, name, attrs) {
  const { options } = s
  if (name === 'meta' && options.meta) {
    const key = attrs.name?.toLowerCase()
    if (metaNames.has(key) && attrs.content?.trim() && !(key in options.meta))
      options.meta[key] = attrs.content.trim()
    return
  }
  if (name === 'title' && !options.fragment && !s.titled) {
    s.title = ''
    return
  }
  if (s.skipDepth > 0 || skipped.has(name)) {
    if (skipped.has(name)) s.skipDepth++
    return
  }
  const heading = /^h([1-6])$/.exec(name)
  if (heading) return open(s, 'heading', name, { depth: Number(heading[1]) })
  if (name === 'code' && s.block?.type === 'code') {
    s.block.lang ??= languageOf(attrs.class)
    return
  }
  const type = blockTypes[name]
  // Blocks nested in a quote, a table or a list item belong to it.
  if (
    type &&
    !(s.block && ['quote', 'table', 'list-item'].includes(s.block.type) && type !== 'list-item')
  )
    return open(
      s,
      type,
      name,
      type === 'table'
        ? { columns: 0, rows: 0 }
        : { lang: type === 'code' ? languageOf(attrs.class) : undefined },
    )
  if (breaks.has(name)) return flush(s)
  if (!s.block) open(s, 'paragraph', null)
  inlineTag(s, s.block, name, attrs)
}

/** A tag inside a block: a line break, a table row or cell, a link, an image. @param {HtmlState} s */
function inlineTag(s, block, name, attrs) {
  if (name === 'br') block.text += '\n'
  else if (name === 'tr' && block.type === 'table') {
    block.rows++
    block.text += '\n'
    block.cells = 0
  } else if ((name === 'td' || name === 'th') && block.type === 'table') {
    if (block.cells > 0) block.text += ' | '
    block.cells++
    block.columns = Math.max(block.columns, block.cells)
  } else if (name === 'a' && attrs.href)
    s.linkStack.push({ href: attrs.href, start: block.text.length, block })
  else if (name === 'img' && attrs.src) {
    const href = s.linkStack.at(-1)?.href
    block.images.push({ src: attrs.src, alt: attrs.alt ?? '', ...(href ? { href } : {}) })
    // Alt text is read in place of the image (as Markdown's ![alt](src)); not in a heading.
    if (attrs.alt && block.type !== 'heading') block.text += ` ${attrs.alt} `
  }
}

/** @param {HtmlState} s */
function onText(s, data) {
  if (s.title !== null) s.title += data
  else if (s.skipDepth === 0) {
    if (!s.block) {
      if (!data.trim()) return
      open(s, 'paragraph', null)
    }
    s.block.text += data
    if (s.linkStack.length === 0) s.block.plain += data
  }
}

/** @param {HtmlState} s */
function onCloseTag(s, name) {
  if (name === 'title' && s.title !== null) {
    const text = collapse(s.title)
    s.title = null
    s.titled = true
    if (text)
      s.elements.push({
        id: '#title',
        type: 'heading',
        format: 'html',
        depth: 0,
        text,
        links: [],
        images: [],
      })
    return
  }
  if (skipped.has(name)) {
    if (s.skipDepth > 0) s.skipDepth--
    return
  }
  if (s.skipDepth > 0) return
  if (name === 'a') {
    const link = s.linkStack.pop()
    if (link && link.block === s.block) {
      const linkText = s.block.text.slice(link.start)
      s.block.links.push({ href: link.href, text: collapse(linkText) })
    }
    return
  }
  if (s.block?.tag === name || breaks.has(name)) flush(s)
}

const collapse = (text) => text.replace(/\s+/g, ' ').trim()

function languageOf(className) {
  const match = /(?:^|\s)(?:language|lang)-([\w+#.-]+)/.exec(className ?? '')
  return match ? match[1].toLowerCase() : undefined
}
