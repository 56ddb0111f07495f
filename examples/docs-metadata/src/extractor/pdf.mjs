// PDF → elements with pdfjs-dist (its legacy Node build, imported on the first PDF only: a
// Markdown-only run never loads it). Pages are read one at a time (getPage, getTextContent,
// getAnnotations, then page.cleanup()), so memory stays flat however long the document is.
// Elements are the text blocks of pdf-layout.mjs: headings (bigger than the body size, the most
// common size by characters; depth 1..3 by size rank), paragraphs, list items and tables, each
// with its page and bbox, and ids scoped to the page (`p3#h0`, `p3#p2`, `p3#table0`), so editing
// one page changes no other page's elements. No network, no fonts loaded: text needs neither.
// `doc.meta.pdfPages = [from, to]` reads only those pages (see ../pdf-split.mjs).
import { DocumentContentError } from './decode.mjs'
import { extent, layoutPage, round, segmentsOf } from './pdf-layout.mjs'

/** The options every document is opened with: no fonts, no eval, no console output. */
const openOptions = {
  disableFontFace: true,
  useSystemFonts: false,
  isEvalSupported: false,
  verbosity: 0,
}
// A block this much bigger than the body text is a heading.
const headingRatio = 1.15
const headingChars = 200
const bullet = /^(?:[•◦▪▫●○■□‣⁃–*-]|(\d{1,3})[.)])\s+/
const abbreviations = { heading: 'h', paragraph: 'p', 'list-item': 'li', table: 'table' }

/** @type {Promise<typeof import('pdfjs-dist/legacy/build/pdf.mjs')> | undefined} */
let loading

/**
 * pdfjs, loaded once per thread. Its Node build needs a global DOMMatrix (a module-level
 * `new DOMMatrix()`) that only the native @napi-rs/canvas would provide; text extraction uses
 * nothing but the 2D affine part, defined here. Its import-time warnings about the missing
 * canvas package are dropped (they would go to stderr).
 */
export function loadPdfjs() {
  loading ??= (async () => {
    globalThis.DOMMatrix ??= AffineMatrix
    const warn = console.warn
    console.warn = (...args) => {
      if (!(typeof args[0] === 'string' && args[0].startsWith('Warning: Cannot'))) warn(...args)
    }
    try {
      return await import('pdfjs-dist/legacy/build/pdf.mjs')
    } finally {
      console.warn = warn
    }
  })()
  return loading
}

/** The 2D affine subset of DOMMatrix that pdfjs's text path touches. */
class AffineMatrix {
  constructor([a, b, c, d, e, f] = [1, 0, 0, 1, 0, 0]) {
    Object.assign(this, { a, b, c, d, e, f })
  }
  multiplySelf(m) {
    const { a, b, c, d, e, f } = this
    Object.assign(this, {
      a: a * m.a + c * m.b,
      b: b * m.a + d * m.b,
      c: a * m.c + c * m.d,
      d: b * m.c + d * m.d,
      e: a * m.e + c * m.f + e,
      f: b * m.e + d * m.f + f,
    })
    return this
  }
  scaleSelf(x, y = x) {
    return this.multiplySelf({ a: x, b: 0, c: 0, d: y, e: 0, f: 0 })
  }
  translateSelf(x = 0, y = 0) {
    return this.multiplySelf({ a: 1, b: 0, c: 0, d: 1, e: x, f: y })
  }
}

const invalid = (id, why) =>
  new DocumentContentError('MX_DOCS_PDF_INVALID', `document ${id} is not a readable PDF: ${why}`)

/**
 * Opens a PDF with pdfjs. Throws MX_DOCS_PDF_INVALID for bytes that are not a PDF or are
 * truncated (pdfjs would rebuild a cut file's cross-reference table and read what is left, so
 * a file without `%%EOF` in its last 1 KB is refused first), MX_DOCS_PDF_ENCRYPTED for one
 * that needs a password.
 * @param {string | Uint8Array} content
 * @param {string} id
 */
export async function openPdf(content, id) {
  if (!(content instanceof Uint8Array)) throw invalid(id, 'its content is text, not bytes')
  const head = Buffer.from(content.buffer, content.byteOffset, Math.min(content.length, 1024))
  if (!head.includes('%PDF-')) throw invalid(id, 'no %PDF- header in its first 1 KB')
  const tail = Buffer.from(content.subarray(Math.max(0, content.length - 1024)))
  if (!tail.includes('%%EOF'))
    throw invalid(id, `it is truncated (no %%EOF in its last 1 KB, ${content.length} bytes)`)
  const pdfjs = await loadPdfjs()
  // A copy: pdfjs transfers (detaches) the buffer it is given, and may not take a shared one.
  const task = pdfjs.getDocument({ data: new Uint8Array(content), ...openOptions })
  try {
    return await task.promise
  } catch (error) {
    await task.destroy()
    throw typed(error, id)
  }
}

/** A pdfjs failure as a typed error. */
function typed(error, id) {
  if (error instanceof DocumentContentError) return error
  if (error?.name === 'PasswordException')
    return new DocumentContentError(
      'MX_DOCS_PDF_ENCRYPTED',
      `document ${id} is an encrypted PDF that needs a password`,
    )
  return invalid(id, String(error?.message ?? error))
}

/**
 * Elements of a PDF: the '#document' element first (page count, warnings, and for the part that
 * starts at page 1, the info dictionary and XMP as front matter fields and the bookmarks), then
 * the blocks of each page in reading order.
 * @param {{ id: string, content: string | Uint8Array, meta?: { pdfPages?: [number, number] } }} doc
 */
export async function parsePdf(doc) {
  const pdf = await openPdf(doc.content, doc.id)
  try {
    const pages = pdf.numPages
    const [from, to] = doc.meta?.pdfPages ?? [1, pages]
    const read = []
    const warnings = []
    for (let number = from; number <= Math.min(to, pages); number++) {
      const page = await pdf.getPage(number)
      try {
        const segments = segmentsOf((await page.getTextContent()).items)
        if (segments.length === 0)
          warnings.push({
            code: 'MX_DOCS_PDF_NO_TEXT',
            message: `page ${number} has no text layer (scanned?)`,
          })
        read.push({ number, segments, links: linksOf(await page.getAnnotations()) })
      } finally {
        page.cleanup()
      }
    }
    const info = {
      id: '#document',
      type: 'document',
      format: 'pdf',
      encoding: null,
      pdf: { pages },
    }
    if (from === 1) Object.assign(info, await documentInfo(pdf))
    if (warnings.length > 0) info.warnings = warnings
    return [info, ...elementsOf(read)]
  } catch (error) {
    throw typed(error, doc.id)
  } finally {
    await pdf.destroy()
  }
}

/** Link annotations with a URL: `{ href, rect }`. */
function linksOf(annotations) {
  return annotations.flatMap((a) =>
    a.subtype === 'Link' && (a.url || a.unsafeUrl)
      ? [{ href: a.url ?? a.unsafeUrl, rect: a.rect }]
      : [],
  )
}

/** The element id of the `ordinal`-th element of `type` on page `page`. */
export function pdfElementId(page, type, ordinal) {
  return `p${page}#${abbreviations[type] ?? type}${ordinal}`
}

/**
 * Depth 1..3 of each heading size: the biggest is 1, the next 2, the rest 3.
 * @param {number[]} sizes
 */
export function headingDepths(sizes) {
  const ranked = [...new Set(sizes)].sort((a, b) => b - a)
  return new Map(ranked.map((size, rank) => [size, Math.min(rank + 1, 3)]))
}

/** The elements of the pages read, in page order then reading order. */
function elementsOf(pages) {
  const chars = new Map()
  for (const page of pages)
    for (const s of page.segments) chars.set(s.size, (chars.get(s.size) ?? 0) + s.text.length)
  const bodySize = [...chars].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0] ?? 0
  const isHeading = (box) =>
    box.kind === 'block' &&
    box.size >= bodySize * headingRatio &&
    box.segments.reduce((n, s) => n + s.text.length + 1, 0) <= headingChars
  const laidOut = pages.map((page) => ({ ...page, boxes: layoutPage(page.segments) }))
  const depths = headingDepths(laidOut.flatMap((p) => p.boxes.filter(isHeading).map((b) => b.size)))

  const elements = []
  for (const page of laidOut) {
    const ordinals = new Map()
    const add = (type, segments, fields) => {
      const ordinal = ordinals.get(type) ?? 0
      ordinals.set(type, ordinal + 1)
      const box = extent(segments)
      const links = page.links.filter((link) => inside(link.rect, box))
      elements.push({
        id: pdfElementId(page.number, type, ordinal),
        type,
        format: 'pdf',
        page: page.number,
        bbox: [box.x0, box.bottom, box.x1, box.top].map(round),
        ...fields,
        ...(links.length > 0 && {
          links: links.map((link) => ({ href: link.href, text: linkText(link, segments) })),
        }),
      })
    }
    for (const box of page.boxes) {
      if (box.kind === 'table')
        add('table', box.rows.flat(), {
          text: box.rows.map((row) => row.map((cell) => cell.text).join(' | ')).join('\n'),
          columns: box.columns,
          rows: box.rows.length,
        })
      else if (isHeading(box))
        add('heading', box.segments, {
          text: joinLines(box.segments),
          depth: depths.get(box.size),
          size: box.size,
        })
      else
        for (const part of listSplit(box.segments))
          add(part.type, part.segments, { text: joinLines(part.segments), ...part.fields })
    }
  }
  // The first paragraph with words is the lead (the description when the PDF has no Subject).
  const lead = elements.find((el) => el.type === 'paragraph' && /[\p{L}\p{N}]/u.test(el.text))
  if (lead) lead.lead = true
  return elements
}

/** A block's lines as a paragraph, then a list item at each line that starts with a bullet. */
function listSplit(segments) {
  const parts = []
  for (const segment of segments) {
    const marker = bullet.exec(segment.text)
    const last = parts.at(-1)
    if (marker || !last)
      parts.push({
        type: marker ? 'list-item' : 'paragraph',
        segments: [marker ? { ...segment, text: segment.text.slice(marker[0].length) } : segment],
        fields: marker?.[1] ? { ordered: true } : {},
      })
    else last.segments.push(segment)
  }
  return parts
}

/** Lines joined by spaces; a word hyphenated at a line end is joined back. */
function joinLines(segments) {
  return segments.reduce((text, s) => {
    if (!text) return s.text
    if (/\p{L}-$/u.test(text) && /^\p{Ll}/u.test(s.text)) return text.slice(0, -1) + s.text
    return `${text} ${s.text}`
  }, '')
}

/** Whether a link's rectangle [x0, y0, x1, y1] has its centre in the box (2 points of slack). */
function inside([x0, y0, x1, y1], box) {
  const x = (x0 + x1) / 2
  const y = (y0 + y1) / 2
  return x >= box.x0 - 2 && x <= box.x1 + 2 && y >= box.bottom - 4 && y <= box.top + 2
}

/** The text of the segments under a link's rectangle. */
function linkText(link, segments) {
  const [x0, y0, x1, y1] = link.rect
  return segments
    .filter((s) => s.x0 < x1 && s.x1 > x0 && s.y + s.size > y0 && s.y < y1)
    .map((s) => s.text)
    .join(' ')
}

/**
 * What the info dictionary and XMP say, as front matter fields (title, description from the
 * Subject, keywords, date and updated as ISO strings, authors), and `pdf`: page count,
 * producer, creator and the bookmarks with their page numbers.
 */
async function documentInfo(pdf) {
  const pdfjs = await loadPdfjs()
  const { info = {}, metadata } = await pdf.getMetadata().catch(() => ({}))
  const xmp = (name) => metadata?.get(name) ?? undefined
  const text = (value) => (typeof value === 'string' && value.trim() ? value.trim() : undefined)
  const list = (value, separators) =>
    (Array.isArray(value) ? value : [value])
      .flatMap((v) => (typeof v === 'string' ? v.split(separators) : []))
      .map((v) => v.trim())
      .filter(Boolean)
  const date = (pdfDate, xmpDate) => {
    const parsed = pdfjs.PDFDateString.toDateObject(pdfDate ?? '') ?? new Date(xmpDate ?? '')
    return Number.isNaN(parsed.getTime()) ? undefined : parsed.toISOString()
  }
  const keywords = list(text(info.Keywords) ?? xmp('pdf:keywords') ?? xmp('dc:subject'), /[,;]/)
  const authors = list(text(info.Author) ?? xmp('dc:creator'), /;/)
  const fields = {
    title: text(info.Title) ?? text(xmp('dc:title')),
    description: text(info.Subject) ?? text(xmp('dc:description')),
    ...(keywords.length > 0 && { keywords }),
    date: date(info.CreationDate, xmp('xmp:createdate')),
    updated: date(info.ModDate, xmp('xmp:modifydate')),
    ...(authors.length > 0 && { authors }),
  }
  const frontMatter = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined))
  const producer = text(info.Producer) ?? text(xmp('pdf:producer'))
  const creator = text(info.Creator) ?? text(xmp('xmp:creatortool'))
  return {
    ...(Object.keys(frontMatter).length > 0 && { frontMatter }),
    pdf: {
      pages: pdf.numPages,
      ...(producer && { producer }),
      ...(creator && { creator }),
      bookmarks: await bookmarks(pdf),
    },
  }
}

/** The outline, depth first, as `{ title, depth, page }` (page null when it cannot be resolved). */
async function bookmarks(pdf) {
  const outline = (await pdf.getOutline().catch(() => null)) ?? []
  const out = []
  const walk = async (items, depth) => {
    for (const item of items) {
      out.push({ title: item.title.trim(), depth, page: await pageOf(pdf, item.dest) })
      await walk(item.items ?? [], depth + 1)
    }
  }
  await walk(outline, 1)
  return out
}

async function pageOf(pdf, dest) {
  try {
    const explicit = typeof dest === 'string' ? await pdf.getDestination(dest) : dest
    const target = explicit?.[0]
    if (Number.isInteger(target)) return target + 1
    return target ? (await pdf.getPageIndex(target)) + 1 : null
  } catch {
    return null
  }
}
