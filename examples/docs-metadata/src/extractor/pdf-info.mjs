// A PDF's document-level metadata: the info dictionary and XMP as front matter fields, and the
// bookmarks (outline) with their page numbers.
import { loadPdfjs } from './pdf-open.mjs'

/**
 * What the info dictionary and XMP say, as front matter fields (title, description from the
 * Subject, keywords, date and updated as ISO strings, authors), and `pdf`: page count,
 * producer, creator and the bookmarks with their page numbers.
 */
export async function documentInfo(pdf) {
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
