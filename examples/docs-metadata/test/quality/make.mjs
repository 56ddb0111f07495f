#!/usr/bin/env node
// Writes the generated documents of the quality set: the legacy-encoded ones (UTF-8 sources in
// generate/, turned into their legacy bytes with iconv-lite; each round trip is checked) and the
// PDFs (generate/pdfs.mjs, drawn with pdfkit). The test calls makeGenerated() on a temp dir;
//   node test/quality/make.mjs [OUT_DIR]        (default: test/quality/out, gitignored)
// writes them where they can be opened.
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import iconv from 'iconv-lite'
import PDFDocument from 'pdfkit'
import { pdfs, sizes } from './generate/pdfs.mjs'

const here = fileURLToPath(new URL('.', import.meta.url))
const require = createRequire(import.meta.url)

/**
 * The legacy-encoded documents: the UTF-8 source in generate/ (its own <meta> declares the
 * charset a browser reads it with) and the encoding of the bytes written.
 */
export const legacy = [
  // Declared ISO-8859-1 but holding windows-1252 bytes (’ “ ” … € œ –): what browsers and the
  // WHATWG Encoding standard read ISO-8859-1 as.
  { id: 'html/fr-windows-1252.html', encoding: 'windows-1252' },
  { id: 'html/ja-shift_jis.html', encoding: 'Shift_JIS' },
  { id: 'html/ja-euc-jp.html', encoding: 'EUC-JP' },
  { id: 'html/ru-koi8-r.html', encoding: 'KOI8-R' },
  { id: 'html/ru-windows-1251.html', encoding: 'windows-1251' },
  { id: 'html/zh-gb2312.html', encoding: 'GB2312' },
  // No declaration at all: a plain-text file from an old Windows machine.
  { id: 'txt/de-latin1.txt', encoding: 'ISO-8859-1' },
]

function writeLegacy(outDir, { id, encoding }) {
  const text = readFileSync(join(here, 'generate', id), 'utf8')
  const bytes = iconv.encode(text, encoding)
  const back = iconv.decode(bytes, encoding)
  if (back !== text) throw new Error(`${id}: ${encoding} cannot hold every character of the source`)
  if (encoding !== 'windows-1252' && bytes.every((byte) => byte < 0x80))
    throw new Error(`${id}: no byte outside ASCII, not a legacy-encoding test`)
  const path = join(outDir, id)
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, bytes)
}

function fontFiles(kind) {
  if (kind === 'standard') return { regular: 'Helvetica', bold: 'Helvetica-Bold' }
  // Liberation Sans (SIL OFL 1.1) as pdfjs-dist ships it: Latin and Cyrillic.
  const dir = join(dirname(require.resolve('pdfjs-dist/package.json')), 'standard_fonts')
  return {
    regular: join(dir, 'LiberationSans-Regular.ttf'),
    bold: join(dir, 'LiberationSans-Bold.ttf'),
  }
}

/** Draws one PDF of generate/pdfs.mjs. */
function writePdf(outDir, spec) {
  const path = join(outDir, spec.file)
  mkdirSync(dirname(path), { recursive: true })
  const fixed = new Date(Date.UTC(2024, 4, 1, 12, 0, 0))
  const doc = new PDFDocument({
    size: 'A4',
    margin: 64,
    info: { ...spec.info, Creator: 'mx quality set', CreationDate: fixed, ModDate: fixed },
  })
  const fonts = fontFiles(spec.font)
  doc.registerFont('body', fonts.regular)
  doc.registerFont('bold', fonts.bold)
  const done = new Promise((/** @type {(value?: unknown) => void} */ resolve, reject) => {
    const out = createWriteStream(path)
    out.on('finish', resolve)
    out.on('error', reject)
    doc.pipe(out)
  })
  for (const block of spec.blocks) {
    if (block.pageBreak) {
      doc.addPage()
      continue
    }
    const heading = block.h1 ?? block.h2 ?? block.h3
    if (heading !== undefined) {
      const size = block.h1 !== undefined ? sizes.h1 : block.h2 !== undefined ? sizes.h2 : sizes.h3
      doc.moveDown(0.4).font('bold').fontSize(size).fillColor('black').text(heading)
      doc.moveDown(0.3)
      continue
    }
    doc.font('body').fontSize(sizes.body)
    if (block.li !== undefined) {
      doc.fillColor('black').text(`•  ${block.li}`, { indent: 12 })
      doc.moveDown(0.2)
      continue
    }
    const runs = typeof block.p === 'string' ? [block.p] : block.p
    runs.forEach((run, i) => {
      const link = typeof run === 'string' ? null : run.link
      doc.fillColor(link ? '#1a4fb3' : 'black').text(typeof run === 'string' ? run : run.text, {
        link,
        underline: Boolean(link),
        continued: i < runs.length - 1,
      })
    })
    doc.moveDown(0.6)
  }
  doc.end()
  return done
}

/**
 * Writes every generated document under outDir.
 * @param {string} outDir
 * @returns {Promise<string[]>} their ids (paths relative to outDir)
 */
export async function makeGenerated(outDir) {
  for (const entry of legacy) writeLegacy(outDir, entry)
  for (const spec of pdfs) await writePdf(outDir, spec)
  return [...legacy.map((e) => e.id), ...pdfs.map((p) => p.file)]
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const outDir = process.argv[2] ?? join(here, 'out')
  const ids = await makeGenerated(outDir)
  console.log(`${ids.length} documents written under ${outDir}:\n${ids.join('\n')}`)
}
