// Issue #19, "a quality bar against reference answers": every document of test/quality runs
// through the real extractor (@mx/engine, level basic) and each field is compared with the
// expectation written from reading the document (expected.json). The report (accuracy per field
// and format, every miss) is printed; the bar is asserted field by field.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import iconv from 'iconv-lite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  bar,
  docsDir,
  extractAll,
  fields,
  formatOf,
  formatReport,
  languageMinWords,
  loadExpectations,
  qualityDir,
  runQuality,
} from './quality.mjs'

const expectations = loadExpectations()
const ids = Object.keys(expectations)
const expectation = (id: string) => {
  const found = expectations[id]
  if (!found) throw new Error(`no expectation for ${id}`)
  return found
}

describe('the quality set', () => {
  it('has the documents the issue asks for', () => {
    expect(ids.length).toBeGreaterThanOrEqual(60)
    const byFormat = (format: string) => ids.filter((id) => formatOf(id) === format)
    expect(byFormat('markdown').length).toBeGreaterThanOrEqual(15)
    expect(byFormat('html').length).toBeGreaterThanOrEqual(15)
    expect(byFormat('text').length).toBeGreaterThanOrEqual(8)
    expect(byFormat('pdf').length).toBeGreaterThanOrEqual(8)
    const legacyHtml = byFormat('html').filter((id) => expectation(id).encoding)
    expect(legacyHtml.length).toBeGreaterThanOrEqual(6)
    const frontMatter = byFormat('markdown').filter((id) =>
      /^(---|\+\+\+)\n/.test(readFileSync(join(docsDir, id), 'utf8')),
    )
    expect(frontMatter.length).toBeGreaterThanOrEqual(8)
    expect(
      frontMatter.some((id) => readFileSync(join(docsDir, id), 'utf8').startsWith('+++')),
    ).toBe(true)
    for (const language of ['cmn', 'jpn', 'hin', 'rus'])
      expect(
        ids.filter((id) => expectation(id).language === language).length,
        language,
      ).toBeGreaterThanOrEqual(3)
  })

  it('ships every document with an expectation, small enough, with its source named', () => {
    const shipped = readdirSync(docsDir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name).slice(docsDir.length + 1))
      .sort()
    expect(shipped).toEqual(ids.filter((id) => !expectation(id).generated).sort())
    const sources = readFileSync(join(qualityDir, 'SOURCES.md'), 'utf8')
    let total = 0
    for (const id of shipped) {
      const { size } = statSync(join(docsDir, id))
      expect(size, id).toBeLessThan(60 * 1024)
      total += size
      expect(sources, `${id} in SOURCES.md`).toContain(`\`${id}\``)
    }
    for (const id of ids.filter((i) => expectation(i).generated))
      expect(sources, `${id} in SOURCES.md`).toContain(`\`${id}\``)
    expect(total).toBeLessThan(1.5 * 1024 * 1024)
  })

  it('runs a text document in a legacy encoding with its charset named, and it fails without', async () => {
    // Markdown and text: a BOM, UTF-8, or else a typed per-document error naming the byte
    // offset, unless an encoding is named (`--encoding`, the media type's charset).
    const id = 'txt/de-latin1.txt'
    expect(expectation(id).mediaType).toBe('text/plain; charset=iso-8859-1')
    // The bytes make.mjs writes: the UTF-8 source in generate/, in ISO-8859-1.
    const source = readFileSync(join(qualityDir, 'generate', id), 'utf8')
    const content = new Uint8Array(iconv.encode(source, 'ISO-8859-1'))
    const results = await extractAll([{ id, path: id, mediaType: 'text/plain', content }])
    expect(results.get(id)).toMatchObject({
      ok: false,
      // the engine's parse failure, whose cause is the extractor's typed error
      error: { causeCode: 'MX_DOCS_INVALID_UTF8', message: expect.stringMatching(/at byte \d+/) },
    })
  })
})

describe('quality bar (issue #19)', () => {
  let run: Awaited<ReturnType<typeof runQuality>>
  let generatedDir: string

  beforeAll(async () => {
    generatedDir = mkdtempSync(join(tmpdir(), 'mx-quality-'))
    run = await runQuality(generatedDir)
    console.log(formatReport(run))
  })
  afterAll(() => {
    if (generatedDir) rmSync(generatedDir, { recursive: true, force: true })
  })

  const rates: Record<string, string> = {
    title: 'title exact',
    outline: 'outline exact (depth and text of every heading, in order)',
    language: `language exact (documents of ≥ ${languageMinWords} words)`,
    words: 'words within ±2%',
    links: 'links exact',
  }
  for (const field of fields) {
    it(`${rates[field]} on ≥ ${bar[field] * 100}% of the documents`, () => {
      const { hits, total } = run.summary.overall[field] ?? { hits: 0, total: 0 }
      const misses = run.rows.filter((r) => r.scored[field] && !r.ok[field]).map((r) => r.id)
      expect(
        hits / total,
        `${field}: ${hits}/${total}; misses: ${misses.join(', ')}`,
      ).toBeGreaterThanOrEqual(bar[field])
    })
  }
})
