import { execFile } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createEngine, type ExtractResult, type SourceDocument } from '@mx/engine'
import { tempDir } from '@mx/testkit'
import { describe, expect, it } from 'vitest'
import { extractorUrl } from '../src/engine.mjs'
import { extractDocuments } from '../src/pdf-split.mjs'
import { readLines, runCli } from './cli-helpers'
import * as pdfs from './fixtures/pdf.mjs'
import { extractor } from './helpers'

type Element = { id: string; type: string; format: string; text?: string; [field: string]: unknown }

/** parse → element → document with no engine, as the engine calls them. */
async function extractPdf(content: Uint8Array, id = 'doc.pdf') {
  const elements = (await extractor.parse({ id, path: id, content })) as Element[]
  const metas = elements.map((el) => extractor.element(el))
  const metadata = extractor.document(elements, metas, { doc: { id, path: id } })
  return { elements, metas, metadata }
}

/** The code of the error a promise rejects with. */
const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: { code?: string; message: string }) => `${error.code}: ${error.message}`,
  )

async function extractAll(engine: ReturnType<typeof createEngine>, docs: SourceDocument[]) {
  const results: ExtractResult[] = []
  for await (const result of extractDocuments(engine, docs)) results.push(result as ExtractResult)
  return results
}

const pdfDoc = (id: string, content: Uint8Array) => ({
  id,
  path: id,
  mediaType: 'application/pdf',
  content,
})

describe('PDF elements', () => {
  it('reads each page into headings, paragraphs, a table and list items with page-scoped ids', async () => {
    const { elements, metas } = await extractPdf(await pdfs.invoicePdf({ pages: 2 }))
    expect(elements[0]).toMatchObject({ id: '#document', type: 'document', format: 'pdf' })
    const page = ['h0', 'p0', 'h1', 'table0', 'h2', 'p1', 'li0', 'li1']
    expect(elements.slice(1).map((el) => el.id)).toEqual([
      ...page.map((id) => `p1#${id}`),
      ...page.map((id) => `p2#${id}`),
    ])
    expect(elements.slice(1, 9).map((el) => [el.type, el.depth])).toEqual([
      ['heading', 1],
      ['paragraph', undefined],
      ['heading', 2],
      ['table', undefined],
      ['heading', 2],
      ['paragraph', undefined],
      ['list-item', undefined],
      ['list-item', undefined],
    ])
    expect(elements[1]).toEqual({
      id: 'p1#h0',
      type: 'heading',
      format: 'pdf',
      page: 1,
      // PDF points from the bottom left: the baseline at 705.6, 20 points high.
      bbox: [72, 705.6, 189.6, 725.6],
      text: 'Invoice 1001',
      depth: 1,
      size: 20,
    })
    expect(elements[4]).toMatchObject({
      type: 'table',
      columns: 4,
      rows: 5,
      text: expect.stringMatching(
        /^Item \| Quantity \| Unit price \| Total\nConsulting hours \| 12/,
      ),
    })
    expect(elements[7]).toMatchObject({
      text: 'Bank transfer to the account shown on the first page',
    })
    for (const [i, el] of elements.slice(1).entries()) {
      expect(el.page).toBe(el.id.startsWith('p1#') ? 1 : 2)
      expect(el.bbox).toHaveLength(4)
      for (const value of el.bbox as number[]) expect(Math.round(value * 10) / 10).toBe(value)
      // element() keeps where the block is.
      expect(metas[i + 1]).toMatchObject({ page: el.page, bbox: el.bbox })
    }
  })

  it('reads a two-column page column by column', async () => {
    const { elements } = await extractPdf(await pdfs.twoColumnPdf())
    expect(elements.slice(1).map((el) => `${el.id} ${el.text?.slice(0, 20)}`)).toEqual([
      'p1#h0 Warehouse counts',
      'p1#p0 The left column open',
      'p1#p1 A second paragraph i',
      'p1#p2 The right column con',
      'p1#p3 The last paragraph o',
    ])
  })

  it('finds a table between paragraphs', async () => {
    const { elements, metadata } = await extractPdf(await pdfs.tablePdf())
    expect(elements.slice(1).map((el) => el.id)).toEqual(['p1#h0', 'p1#p0', 'p1#table0', 'p1#p1'])
    expect(elements[3]).toMatchObject({
      columns: 3,
      rows: 4,
      text: 'Product | Size | Price\nGreen tea | 100 g | 4.50\nBlack tea | 250 g | 7.90\nOolong | 100 g | 9.20',
    })
    expect(metadata.counts).toMatchObject({ elements: 4, headings: 1, paragraphs: 2, tables: 1 })
  })
})

describe('PDF metadata', () => {
  it('takes title, authors, description, tags and dates from the info dictionary, and the bookmarks', async () => {
    const { metadata } = await extractPdf(await pdfs.bookmarkedPdf())
    expect(metadata).toMatchObject({
      title: 'Field guide to tea',
      description: 'How tea is grown, picked and brewed',
      format: 'pdf',
      encoding: null,
      tags: ['tea', 'brewing', 'field guide'],
      date: '2024-03-01T09:30:00.000Z',
      updated: '2024-03-05T17:00:00.000Z',
      authors: ['Ada Lovelace', 'Charles Babbage'],
      pdf: {
        pages: 3,
        producer: 'PDFKit',
        creator: 'mx fixtures',
        bookmarks: [
          { title: 'Growing', depth: 1, page: 1 },
          { title: 'Picking', depth: 1, page: 2 },
          { title: 'Brewing', depth: 1, page: 3 },
          { title: 'Water temperature', depth: 2, page: 3 },
        ],
      },
      outline: [
        { id: 'p1#h0', depth: 1, text: 'Growing', page: 1 },
        { id: 'p2#h0', depth: 1, text: 'Picking', page: 2 },
        { id: 'p3#h0', depth: 1, text: 'Brewing', page: 3 },
      ],
      links: ['https://tea.example.org/guide'],
      counts: { headings: 3, paragraphs: 4, links: 1 },
    })
  })

  it('falls back to XMP when the info dictionary has no title, authors or keywords', async () => {
    const { metadata } = await extractPdf(await pdfs.xmpOnlyPdf())
    expect(metadata).toMatchObject({
      title: 'Tea, the XMP way',
      authors: ['Grace Hopper', 'Alan Turing'],
      tags: ['tea', 'metadata'],
      description: 'Only the XMP packet names this document.',
    })
  })

  it('without a Title, the title is the first biggest heading and the description the lead paragraph', async () => {
    const { metadata } = await extractPdf(await pdfs.twoColumnPdf())
    expect(metadata.title).toBe('Warehouse counts')
    expect(metadata.description).toMatch(/^The left column opens the article\./)
    expect(metadata.language).toBe('eng')
    expect(metadata.pdf).toEqual({ pages: 1, producer: 'PDFKit', creator: 'PDFKit', bookmarks: [] })
  })

  it('warns about a page with no text layer, and reads the others', async () => {
    const { elements, metadata } = await extractPdf(await pdfs.scannedPdf())
    expect(metadata.warnings).toEqual([
      { code: 'MX_DOCS_PDF_NO_TEXT', message: 'page 2 has no text layer (scanned?)' },
    ])
    expect(elements.slice(1).map((el) => el.id)).toEqual(['p1#p0', 'p3#p0'])
  })

  it('fails with typed errors for an encrypted, a truncated and a fake PDF', async () => {
    const parse = (content: Uint8Array) =>
      Promise.resolve().then(() => extractor.parse({ id: 'x.pdf', content }))
    expect(await codeOf(parse(await pdfs.encryptedPdf()))).toBe(
      'MX_DOCS_PDF_ENCRYPTED: MX_DOCS_PDF_ENCRYPTED: document x.pdf is an encrypted PDF that needs a password',
    )
    expect(await codeOf(parse(await pdfs.truncatedPdf()))).toMatch(
      /^MX_DOCS_PDF_INVALID: .*x\.pdf is not a readable PDF: it is truncated \(no %%EOF in its last 1 KB/,
    )
    expect(await codeOf(parse(new TextEncoder().encode('# Not a PDF\n')))).toMatch(
      /^MX_DOCS_PDF_INVALID: .*no %PDF- header/,
    )
  })
})

describe('PDF through the engine', () => {
  it('reads a long PDF in parts on the threads, with the metadata of the file read whole', async () => {
    const bytes = await pdfs.invoicePdf({ pages: 15 })
    const whole = await extractPdf(bytes, 'invoice.pdf')
    const engine = createEngine({
      extractor: extractorUrl,
      level: 'performance',
      threads: 2,
      cache: false,
      incremental: false,
    })
    try {
      const [result] = await extractAll(engine, [pdfDoc('invoice.pdf', bytes)])
      expect(result).toMatchObject({ ok: true, id: 'invoice.pdf', stats: { parts: 2 } })
      if (!result?.ok) return
      expect(result.metadata).toEqual(whole.metadata)
      expect(result.metadata).toMatchObject({
        title: 'Invoices for the first quarter',
        pdf: { pages: 15 },
        counts: { elements: 120, headings: 45, paragraphs: 30, listItems: 30, tables: 15 },
      })
      // 120 blocks and each part's '#document' element.
      expect(result.stats).toMatchObject({ elements: 122, extracted: 122, ranIn: 'workers' })
    } finally {
      await engine.close()
    }
  })

  it('fails an encrypted or truncated PDF with its code, and goes on', async () => {
    const engine = createEngine({ extractor: extractorUrl, level: 'performance', threads: 2 })
    try {
      const results = await extractAll(engine, [
        pdfDoc('locked.pdf', await pdfs.encryptedPdf()),
        pdfDoc('cut.pdf', await pdfs.truncatedPdf()),
        pdfDoc('ok.pdf', await pdfs.tablePdf()),
      ])
      expect(results.map((r) => (r.ok ? 'ok' : r.error.causeCode))).toEqual([
        'MX_DOCS_PDF_ENCRYPTED',
        'MX_DOCS_PDF_INVALID',
        'ok',
      ])
    } finally {
      await engine.close()
    }
  })

  it('after one page changed, extracts only that page’s elements and reuses the others', async () => {
    const work = tempDir('mx-docs-pdf-')
    const options = {
      extractor: extractorUrl,
      level: 'performance' as const,
      threads: 2,
      cacheDir: work.path,
    }
    try {
      const first = createEngine(options)
      const [before] = await extractAll(first, [
        pdfDoc('invoice.pdf', await pdfs.invoicePdf({ pages: 15 })),
      ]).finally(() => first.close())
      // A later run (a new engine on the same cache) after page 3 was rewritten.
      const second = createEngine(options)
      const [after] = await extractAll(second, [
        pdfDoc('invoice.pdf', await pdfs.invoicePdf({ pages: 15, changed: 3 })),
      ]).finally(() => second.close())
      if (!before?.ok || !after?.ok) throw new Error('extraction failed')
      const onPage = (result: typeof before, page: number) =>
        (result.elements as { page?: number }[]).filter((m) => m.page === page)
      expect(onPage(after, 3)).toHaveLength(8)
      expect(after.stats).toMatchObject({ elements: 122, extracted: 8, reused: 114 })
      for (let page = 1; page <= 15; page++)
        if (page !== 3) expect(onPage(after, page)).toEqual(onPage(before, page))
      expect(after.metadata).toMatchObject({
        outline: expect.arrayContaining([
          { id: 'p3#h0', depth: 1, text: 'Invoice 1003 (revised)', page: 3 },
        ]),
      })
    } finally {
      work.remove()
    }
  })

  it('keeps memory flat as pages stream: 500 pages peak under 2× the peak of 50', async () => {
    const work = tempDir('mx-docs-pdf-rss-')
    const child = fileURLToPath(new URL('./pdf-rss.mjs', import.meta.url))
    const measure = async (pages: number) => {
      const file = join(work.path, `${pages}.pdf`)
      writeFileSync(file, await pdfs.manyPagesPdf(pages))
      const stdout = await new Promise<string>((resolve, reject) => {
        execFile(process.execPath, ['--expose-gc', child, file], (error, out, err) =>
          error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out),
        )
      })
      return JSON.parse(stdout) as { pages: number; elements: number; peakRssMb: number }
    }
    try {
      const small = await measure(50)
      const big = await measure(500)
      expect(small).toMatchObject({ pages: 50, elements: 401 })
      expect(big).toMatchObject({ pages: 500, elements: 4001 })
      expect(big.peakRssMb).toBeLessThan(800)
      expect(big.peakRssMb).toBeLessThan(2 * small.peakRssMb)
    } finally {
      work.remove()
    }
  })
})

describe('mx-docs extract on a folder with PDFs', () => {
  it('writes a line per PDF, typed errors for broken ones, and serves the second run from the cache', async () => {
    const work = tempDir('mx-docs-pdf-cli-')
    try {
      const docs = join(work.path, 'docs')
      mkdirSync(docs)
      writeFileSync(join(docs, 'invoices.pdf'), await pdfs.invoicePdf({ pages: 15 }))
      writeFileSync(join(docs, 'guide.pdf'), await pdfs.bookmarkedPdf())
      writeFileSync(join(docs, 'scan.pdf'), await pdfs.scannedPdf())
      writeFileSync(join(docs, 'locked.pdf'), await pdfs.encryptedPdf())
      writeFileSync(join(docs, 'cut.pdf'), await pdfs.truncatedPdf())
      writeFileSync(join(docs, 'notes.md'), '# Notes\n\nSee [the guide](guide.pdf).\n')
      const flags = ['--out', 'out/m.jsonl', '--report', 'out/r.html', '--cache-dir', 'cache']
      const cold = await runCli(['extract', docs, ...flags, '--json'], work.path)
      // pdfjs says nothing: no warning about a missing canvas, no font fetched.
      expect(cold.stderr).toBe('')
      expect(cold.code).toBe(0)
      const { documents, corpus } = readLines(join(work.path, 'out/m.jsonl'))
      expect([...documents.keys()].sort()).toEqual([
        'cut.pdf',
        'guide.pdf',
        'invoices.pdf',
        'locked.pdf',
        'notes.md',
        'scan.pdf',
      ])
      expect(documents.get('invoices.pdf')).toMatchObject({
        ok: true,
        metadata: { format: 'pdf', pdf: { pages: 15 }, counts: { tables: 15 } },
        stats: { elements: 122, extracted: 122 },
      })
      expect(documents.get('guide.pdf')?.metadata).toMatchObject({ title: 'Field guide to tea' })
      expect(documents.get('scan.pdf')?.metadata).toMatchObject({
        warnings: [{ code: 'MX_DOCS_PDF_NO_TEXT' }],
      })
      expect(documents.get('locked.pdf')).toMatchObject({
        ok: false,
        error: { code: 'MX_ENGINE_PARSE', reason: 'MX_DOCS_PDF_ENCRYPTED' },
      })
      expect(documents.get('cut.pdf')).toMatchObject({
        ok: false,
        error: { code: 'MX_ENGINE_PARSE', reason: 'MX_DOCS_PDF_INVALID' },
      })
      expect(corpus.links).toEqual([{ from: 'notes.md', to: 'guide.pdf', href: 'guide.pdf' }])
      const warm = await runCli(['extract', docs, ...flags, '--json'], work.path)
      expect(JSON.parse(warm.stdout).documents).toMatchObject({ ok: 4, fromCache: 4, extracted: 0 })
    } finally {
      work.remove()
    }
  })
})

describe('PDF dependencies', () => {
  it('loads pdfjs only when a PDF is parsed', async () => {
    const work = tempDir('mx-docs-pdf-lazy-')
    const file = join(work.path, 'table.pdf')
    writeFileSync(file, await pdfs.tablePdf())
    const parseUrl = new URL('../src/extractor/parse.mjs', import.meta.url).href
    // pdfjs needs a DOMMatrix, which pdf.mjs defines just before loading it.
    const script = `
      import { readFileSync } from 'node:fs'
      const { parse } = await import(${JSON.stringify(parseUrl)})
      parse({ id: 'a.md', content: '# A\\n\\nText.' })
      const before = typeof globalThis.DOMMatrix
      await parse({ id: 'b.pdf', content: new Uint8Array(readFileSync(${JSON.stringify(file)})) })
      console.log(before, typeof globalThis.DOMMatrix)`
    try {
      const stdout = await new Promise<string>((resolve, reject) => {
        execFile(process.execPath, ['--input-type=module', '-e', script], (error, out) =>
          error ? reject(error) : resolve(out),
        )
      })
      expect(stdout.trim()).toBe('undefined function')
    } finally {
      work.remove()
    }
  })

  it('installs no native canvas: @napi-rs/canvas is left out', () => {
    const require = createRequire(import.meta.url)
    const pdfjs = createRequire(require.resolve('pdfjs-dist/package.json'))
    expect(() => pdfjs.resolve('@napi-rs/canvas')).toThrow(/Cannot find module/)
  })
})
