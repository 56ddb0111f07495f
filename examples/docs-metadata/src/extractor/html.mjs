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
  const elements = []
  let block = null
  let skipDepth = 0
  let title = null
  // Only the first <title> (an <svg> one is skipped with the svg): its id is fixed.
  let titled = false
  const linkStack = []

  const open = (type, tag, extra = {}) => {
    flush()
    block = { type, tag, text: '', plain: '', links: [], images: [], ...extra }
  }
  function flush() {
    if (!block) return
    const current = block
    block = null
    const body =
      current.type === 'code' ? current.text.replace(/^\n+|\s+$/g, '') : collapse(current.text)
    if (!body && current.links.length === 0 && current.images.length === 0) return
    // Text outside links is tracked apart: a block of nothing but links and images is a badge row.
    const onlyLinks = current.type === 'paragraph' && collapse(current.plain) === ''
    if (onlyLinks && (current.links.length > 0 || current.images.length > 0)) {
      emitStandalone(current)
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
      el.id = ids.heading(current.depth, body)
    } else el.id = ids.next(current.type)
    if (current.lang) el.lang = current.lang
    if (current.type === 'table')
      Object.assign(el, { columns: current.columns, rows: current.rows })
    elements.push(el)
  }
  function emitStandalone(current) {
    for (const link of current.links) {
      const image = current.images.find((img) => img.href === link.href)
      const type = image ? 'image' : 'link'
      elements.push({
        id: ids.next(type),
        type,
        format: 'html',
        // Like Markdown's `[![alt](src)](href)`: an image's text is its alt text.
        text: collapse(link.text) || (image?.alt ?? ''),
        links: [link],
        images: image ? [image] : [],
      })
    }
    for (const image of current.images.filter((img) => !img.href)) {
      elements.push({
        id: ids.next('image'),
        type: 'image',
        format: 'html',
        text: image.alt,
        links: [],
        images: [image],
      })
    }
  }

  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (name === 'meta' && options.meta) {
          const key = attrs.name?.toLowerCase()
          if (metaNames.has(key) && attrs.content?.trim() && !(key in options.meta))
            options.meta[key] = attrs.content.trim()
          return
        }
        if (name === 'title' && !options.fragment && !titled) {
          title = ''
          return
        }
        if (skipDepth > 0 || skipped.has(name)) {
          if (skipped.has(name)) skipDepth++
          return
        }
        const heading = /^h([1-6])$/.exec(name)
        if (heading) return open('heading', name, { depth: Number(heading[1]) })
        if (name === 'code' && block?.type === 'code') {
          block.lang ??= languageOf(attrs.class)
          return
        }
        const type = blockTypes[name]
        // Blocks nested in a quote, a table or a list item belong to it.
        if (
          type &&
          !(block && ['quote', 'table', 'list-item'].includes(block.type) && type !== 'list-item')
        )
          return open(
            type,
            name,
            type === 'table'
              ? { columns: 0, rows: 0 }
              : { lang: type === 'code' ? languageOf(attrs.class) : undefined },
          )
        if (breaks.has(name)) return flush()
        if (!block) open('paragraph', null)
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
          linkStack.push({ href: attrs.href, start: block.text.length, block })
        else if (name === 'img' && attrs.src) {
          const href = linkStack.at(-1)?.href
          block.images.push({ src: attrs.src, alt: attrs.alt ?? '', ...(href ? { href } : {}) })
          // Alt text is read in place of the image (as Markdown's ![alt](src)); not in a heading.
          if (attrs.alt && block.type !== 'heading') block.text += ` ${attrs.alt} `
        }
      },
      ontext(data) {
        if (title !== null) title += data
        else if (skipDepth === 0) {
          if (!block) {
            if (!data.trim()) return
            open('paragraph', null)
          }
          block.text += data
          if (linkStack.length === 0) block.plain += data
        }
      },
      onclosetag(name) {
        if (name === 'title' && title !== null) {
          const text = collapse(title)
          title = null
          titled = true
          if (text)
            elements.push({
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
          if (skipDepth > 0) skipDepth--
          return
        }
        if (skipDepth > 0) return
        if (name === 'a') {
          const link = linkStack.pop()
          if (link && link.block === block) {
            const linkText = block.text.slice(link.start)
            block.links.push({ href: link.href, text: collapse(linkText) })
          }
          return
        }
        if (block?.tag === name || breaks.has(name)) flush()
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  )
  parser.end(text)
  flush()
  return elements
}

const collapse = (text) => text.replace(/\s+/g, ' ').trim()

function languageOf(className) {
  const match = /(?:^|\s)(?:language|lang)-([\w+#.-]+)/.exec(className ?? '')
  return match ? match[1].toLowerCase() : undefined
}
