// PDF → elements with pdfjs-dist (opened by pdf-open.mjs, on the first PDF only: a Markdown-only
// run never loads it; the document's info and bookmarks come from pdf-info.mjs). Pages are read one at a time (getPage, getTextContent,
// getAnnotations, then page.cleanup()), so memory stays flat however long the document is.
// Elements are the text blocks of pdf-layout.mjs: headings (bigger than the body size, the most
// common size by characters; depth 1..3 by size rank), paragraphs, list items and tables, each
// with its page and bbox, and ids scoped to the page (`p3#h0`, `p3#p2`, `p3#table0`), so editing
// one page changes no other page's elements. No network, no fonts loaded: text needs neither.
// `doc.meta.pdfPages = [from, to]` reads only those pages (see ../pdf-split.mjs).
import { documentInfo } from './pdf-info.mjs'
import { extent, layoutPage, round, segmentsOf } from './pdf-layout.mjs'
import { openPdf, typed } from './pdf-open.mjs'

// A block this much bigger than the body text is a heading.
const headingRatio = 1.15
const headingChars = 200
const bullet = /^(?:[•◦▪▫●○■□‣⁃–*-]|(\d{1,3})[.)])\s+/
const abbreviations = { heading: 'h', paragraph: 'p', 'list-item': 'li', table: 'table' }

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
        // Text items only: marked content is not asked for (includeMarkedContent is off).
        const items = /** @type {import('pdfjs-dist/types/src/display/api').TextItem[]} */ (
          (await page.getTextContent()).items
        )
        const segments = segmentsOf(items)
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
