// The quality set of issue #19: documents with expectations written from reading them
// (expected.json), run through the real extractor by @mx/engine, compared field by field.
// Used by quality.test.ts (the acceptance bar) and report.mjs (`pnpm quality`).
import { readFileSync } from 'node:fs'
import { extname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createEngine } from '@mx/engine'
import { makeGenerated } from './make.mjs'

export const qualityDir = fileURLToPath(new URL('.', import.meta.url))
export const docsDir = join(qualityDir, 'docs')
const extractorUrl = new URL('../../src/extractor.mjs', import.meta.url)

/** The issue's acceptance bar: the share of documents each field must get right. */
export const bar = { title: 0.95, outline: 0.95, language: 0.95, words: 0.95, links: 0.95 }
export const fields = /** @type {const} */ (['title', 'outline', 'language', 'words', 'links'])
/** Words are right within this share of the expected count. */
export const wordTolerance = 0.02
/** Language is scored on documents of at least this many (expected) words. */
export const languageMinWords = 50

const mediaTypes = {
  '.md': 'text/markdown',
  '.html': 'text/html',
  '.txt': 'text/plain',
  '.pdf': 'application/pdf',
}
export const formatOf = (id) =>
  ({ '.md': 'markdown', '.html': 'html', '.txt': 'text', '.pdf': 'pdf' })[extname(id)]

/*
 * An expectation's `encoding` says what the bytes are (a description, not passed on); its
 * `mediaType`, where given, is the media type the document is run with, as the CLI's
 * `--encoding` gives it (`text/plain; charset=iso-8859-1`); otherwise the extension's.
 */
/**
 * @typedef {{ depth: number, text: string }} Heading
 * @typedef {{ generated?: boolean, encoding?: string, mediaType?: string, title: string | null,
 *   outline: Heading[], language: string | null, words: number, links: number, note?: string }} Expectation
 */

/** @returns {Record<string, Expectation>} */
export function loadExpectations() {
  const { documents } = JSON.parse(readFileSync(join(qualityDir, 'expected.json'), 'utf8'))
  return documents
}

/**
 * Every document of the set as the corpus gives it to the engine (raw bytes, media type by
 * extension, or the expectation's `mediaType` where the document is run with a named encoding). Generated documents (legacy encodings, PDFs) are written into `generatedDir`.
 * @param {string} generatedDir
 */
export async function loadDocuments(generatedDir) {
  const expectations = loadExpectations()
  const generated = new Set(await makeGenerated(generatedDir))
  return Object.entries(expectations).map(([id, expected]) => {
    if (expected.generated && !generated.has(id))
      throw new Error(`${id} is marked generated but make.mjs did not write it`)
    const path = join(expected.generated ? generatedDir : docsDir, id)
    return {
      id,
      path,
      mediaType: expected.mediaType ?? mediaTypes[extname(id)],
      content: new Uint8Array(readFileSync(path)),
      expected,
    }
  })
}

/**
 * Runs the documents through the real extractor with @mx/engine (level basic: inline, no cache).
 * @param {{ id: string, path: string, mediaType: string, content: Uint8Array }[]} docs
 * @returns {Promise<Map<string, any>>} results by id
 */
export async function extractAll(docs) {
  const engine = createEngine({ extractor: extractorUrl, level: 'basic', timeout: 60_000 })
  const results = new Map()
  try {
    const source = docs.map(({ id, path, mediaType, content }) => ({
      id,
      path,
      mediaType,
      content,
    }))
    for await (const result of engine.extractMany(source, { ordered: true })) {
      results.set(result.id, result)
    }
  } finally {
    await engine.close()
  }
  return results
}

const sameOutline = (a, b) =>
  Array.isArray(a) &&
  a.length === b.length &&
  a.every((h, i) => h.depth === b[i].depth && h.text === b[i].text)

/**
 * Field-by-field comparison of one document.
 * @param {Expectation} expected
 * @param {any} result an engine result
 */
export function compare(expected, result) {
  const m = result?.ok ? result.metadata : null
  const actual = {
    title: m ? m.title : undefined,
    outline: m ? (m.outline ?? []).map(({ depth, text }) => ({ depth, text })) : undefined,
    language: m ? m.language : undefined,
    words: m ? m.words : undefined,
    links: m ? m.counts?.links : undefined,
  }
  const scored = {
    title: true,
    outline: true,
    language: expected.words >= languageMinWords,
    words: true,
    links: true,
  }
  const ok = {
    title: m !== null && actual.title === expected.title,
    outline: m !== null && sameOutline(actual.outline, expected.outline),
    language: m !== null && actual.language === expected.language,
    words:
      m !== null &&
      typeof actual.words === 'number' &&
      Math.abs(actual.words - expected.words) <= wordTolerance * expected.words,
    links: m !== null && actual.links === expected.links,
  }
  return {
    actual,
    scored,
    ok,
    error: result && !result.ok ? `${result.error.code}: ${result.error.message}` : null,
  }
}

/**
 * Runs the whole set: generate, extract, compare.
 * @param {string} generatedDir
 */
export async function runQuality(generatedDir) {
  const docs = await loadDocuments(generatedDir)
  const results = await extractAll(docs)
  const rows = docs.map((doc) => ({
    id: doc.id,
    format: formatOf(doc.id),
    bytes: doc.content.length,
    expected: doc.expected,
    ...compare(doc.expected, results.get(doc.id)),
  }))
  return { rows, summary: summarize(rows) }
}

/** Accuracy per field, overall and per format (and per language of the expectation). */
export function summarize(rows) {
  const tally = () => Object.fromEntries(fields.map((f) => [f, { hits: 0, total: 0 }]))
  const overall = tally()
  const byFormat = {}
  const byLanguage = {}
  for (const row of rows) {
    byFormat[row.format] ??= tally()
    const language = row.expected.language ?? 'none'
    byLanguage[language] ??= tally()
    for (const field of fields) {
      if (!row.scored[field]) continue
      for (const t of [overall, byFormat[row.format], byLanguage[language]]) {
        t[field].total++
        if (row.ok[field]) t[field].hits++
      }
    }
  }
  const rate = ({ hits, total }) => (total === 0 ? 1 : hits / total)
  const met = Object.fromEntries(fields.map((f) => [f, rate(overall[f]) >= bar[f]]))
  return { documents: rows.length, overall, byFormat, byLanguage, met, rate }
}

const pct = ({ hits, total }) =>
  total === 0 ? '   –  ' : `${((100 * hits) / total).toFixed(1).padStart(5)}%`

const show = (value) => {
  if (value === undefined) return '(no result)'
  if (Array.isArray(value))
    return value.length === 0 ? '[]' : value.map((h) => `${h.depth} ${h.text}`).join(' | ')
  return JSON.stringify(value)
}

/** Where two outlines part: the first differing heading, and the lengths. */
function outlineDiff(expected, actual) {
  if (!Array.isArray(actual)) return `expected ${show(expected)}; got ${show(actual)}`
  let i = 0
  while (
    i < expected.length &&
    i < actual.length &&
    expected[i].depth === actual[i].depth &&
    expected[i].text === actual[i].text
  )
    i++
  const at = (list) =>
    i < list.length ? `${list[i].depth} ${JSON.stringify(list[i].text)}` : '(end)'
  return `${expected.length} headings expected, ${actual.length} got; first difference at #${i + 1}: expected ${at(expected)}, got ${at(actual)}`
}

/** The printed report: accuracy per field and format, the bar, then every miss. */
export function formatReport({ rows, summary }) {
  const lines = []
  const header = `${'field'.padEnd(9)} ${'all'.padStart(6)}  ${Object.keys(summary.byFormat)
    .map((f) => f.padStart(8))
    .join(' ')}   bar    met`
  lines.push(`docs-metadata quality set (issue #19): ${summary.documents} documents`, '', header)
  for (const field of fields) {
    const perFormat = Object.values(summary.byFormat)
      .map((t) => pct(t[field]).padStart(8))
      .join(' ')
    const o = summary.overall[field]
    lines.push(
      `${field.padEnd(9)} ${pct(o)}  ${perFormat}   ${(bar[field] * 100).toFixed(0)}%   ${summary.met[field] ? 'yes' : 'NO'}  (${o.hits}/${o.total})`,
    )
  }
  lines.push('', 'by language (expected):')
  for (const [language, t] of Object.entries(summary.byLanguage))
    lines.push(
      `  ${language.padEnd(5)} ${fields.map((f) => `${f} ${pct(t[f]).trim()}`).join('  ')}`,
    )
  lines.push(
    '',
    `(words: within ±${wordTolerance * 100}%; language: documents of ≥ ${languageMinWords} words)`,
  )
  const misses = rows.filter((r) => fields.some((f) => r.scored[f] && !r.ok[f]))
  lines.push('', `misses (${misses.length} documents):`)
  for (const row of misses) {
    lines.push(`- ${row.id}${row.error ? `  FAILED ${row.error}` : ''}`)
    if (row.error) continue
    for (const field of fields) {
      if (!row.scored[field] || row.ok[field]) continue
      const e = row.expected[field]
      const a = row.actual[field]
      const detail =
        field === 'outline'
          ? outlineDiff(e, a)
          : field === 'words'
            ? `expected ${e}, got ${a} (${a >= e ? '+' : ''}${(((a - e) / (e || 1)) * 100).toFixed(1)}%)`
            : `expected ${show(e)}, got ${show(a)}`
      lines.push(`    ${field.padEnd(8)} ${detail}`)
    }
  }
  return lines.join('\n')
}
