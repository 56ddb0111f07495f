import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from '@mx/testkit'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { cacheWrites, type Line, makeCorpus, readLines, runCli, setTimes } from './cli-helpers'
import { expected } from './expected-metadata'

describe('mx-docs extract (end to end on a fixture folder)', () => {
  let work: ReturnType<typeof tempDir>
  let docs: string
  /** The corpus line of a run with no cache at all, into its own output. */
  const fromScratch = async () => {
    const out = join(work.path, 'scratch/metadata.jsonl')
    const args = [
      'extract',
      docs,
      '--no-cache',
      '--out',
      out,
      '--report',
      join(work.path, 'scratch/report.html'),
    ]
    expect((await runCli(args, work.path)).code).toBe(0)
    return readLines(out).corpus
  }
  const flags = () => [
    '--out',
    'out/metadata.jsonl',
    '--report',
    'out/report.html',
    '--cache-dir',
    'cache',
    '--json',
  ]

  beforeEach(() => {
    work = tempDir('mx-docs-cli-')
    docs = makeCorpus(work.path)
  })
  afterEach(() => work.remove())

  it('writes one JSON line per document, field by field, then the corpus relations', async () => {
    const run = await runCli(['extract', docs, ...flags()], work.path)
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const { documents, corpus } = readLines(join(work.path, 'out/metadata.jsonl'))
    expect([...documents.keys()].sort()).toEqual([
      'CHANGELOG.md',
      'api/index.html',
      'broken/binary.md',
      'broken/invalid-utf8.md',
      'gone.md',
      'guide.md',
      'huge.md',
      'notes.txt',
    ])
    for (const [id, metadata] of Object.entries(expected)) {
      expect(documents.get(id)?.ok, id).toBe(true)
      expect(documents.get(id)?.metadata, id).toEqual(metadata)
    }
    // 14 elements and the document-info pseudo-element; that one is the same for every UTF-8
    // Markdown document (one cache entry), so guide.md may reuse CHANGELOG.md's, as the threads go.
    const stats = documents.get('guide.md')?.stats
    expect(stats).toMatchObject({ elements: 15, source: 'elements' })
    expect(stats?.extracted).toBeGreaterThanOrEqual(14)
    expect(corpus.kind).toBe('corpus')
    expect(corpus.links).toEqual([
      { from: 'api/index.html', to: 'guide.md', href: '../guide.md' },
      { from: 'guide.md', to: 'api/index.html', href: './api/index.html' },
      { from: 'guide.md', to: 'notes.txt', href: 'notes.txt' },
      { from: 'guide.md', to: 'CHANGELOG.md', href: './CHANGELOG.md' },
    ])
    expect(corpus.duplicates).toEqual([])
    expect(Object.keys(corpus.keywords).sort()).toEqual(Object.keys(expected).sort())
    expect(corpus.sections['guide.md'][0].children.map((s: { text: string }) => s.text)).toEqual([
      'Usage',
      'Links',
    ])
  })

  it('writes the same lines whole in the worker threads (level performance) as in one thread (basic), apart from their order', async () => {
    const lines = async (level: string, out: string, more: string[]) => {
      const run = await runCli(
        ['extract', docs, '--level', level, '--out', out, '--report', 'out/r.html', ...more],
        work.path,
      )
      expect(run.code).toBe(0)
      const read = readLines(join(work.path, out))
      // What depends on where and how a document ran, not on the document: left out.
      const data = (line: Line) => ({ ...line, stats: undefined, durationMs: undefined })
      return {
        documents: [...read.documents.values()].map(data).sort((a, b) => a.id.localeCompare(b.id)),
        corpus: read.corpus,
      }
    }
    const basic = await lines('basic', 'out/basic.jsonl', ['--no-cache'])
    const whole = await lines('performance', 'out/whole.jsonl', [
      '--threads',
      '2',
      '--cache-dir',
      'c2',
    ])
    expect(whole.documents).toEqual(basic.documents)
    expect(whole.corpus).toEqual(basic.corpus)
    expect(basic.documents.filter((line) => line.ok).length).toBe(4)
  })

  it('reports unreadable, binary, invalid UTF-8 and too large files as per-document errors and completes', async () => {
    const run = await runCli(['extract', docs, ...flags()], work.path)
    expect(run.code).toBe(0)
    const { documents } = readLines(join(work.path, 'out/metadata.jsonl'))
    expect(documents.get('broken/binary.md')).toMatchObject({
      ok: false,
      stage: 'extract',
      error: {
        code: 'MX_ENGINE_PARSE',
        reason: 'MX_DOCS_BINARY',
        message: expect.stringContaining('broken/binary.md is binary'),
      },
    })
    expect(documents.get('broken/invalid-utf8.md')).toMatchObject({
      ok: false,
      error: {
        code: 'MX_ENGINE_PARSE',
        reason: 'MX_DOCS_INVALID_UTF8',
        message: expect.stringContaining('at byte 21'),
      },
    })
    expect(documents.get('gone.md')).toMatchObject({
      ok: false,
      stage: 'read',
      error: { code: 'MX_DOCS_UNREADABLE' },
    })
    expect(documents.get('huge.md')).toMatchObject({
      ok: false,
      stage: 'read',
      error: { code: 'MX_DOCS_TOO_LARGE', message: expect.stringContaining('104857600 bytes') },
    })
    const summary = JSON.parse(run.stdout)
    expect(summary.documents).toEqual({
      total: 8,
      ok: 4,
      failed: 4,
      fromCache: 0,
      unchanged: 0,
      extracted: 4,
      removed: null,
    })
    // 35 elements and 4 document-info pseudo-elements, of which the two Markdown ones are equal:
    // the second is reused when the first was stored before (which depends on the threads).
    expect(summary.elements.total).toBe(39)
    expect(summary.elements.extracted).toBeGreaterThanOrEqual(38)
    expect(summary.elements.extracted + summary.elements.reused).toBe(39)
    expect(summary.failures.byCode).toEqual({
      MX_DOCS_BINARY: 1,
      MX_DOCS_INVALID_UTF8: 1,
      MX_DOCS_UNREADABLE: 1,
      MX_DOCS_TOO_LARGE: 1,
    })
  })

  it('serves the second run from the cache, and the report says so', async () => {
    // Files modified at (or after) a run's start are read again by the next run, which the engine
    // serves from its cache: here all of them (unchanged.test.ts has files not even read).
    setTimes(docs, Date.now() + 3_600_000)
    const cold = await runCli(['extract', docs, ...flags()], work.path)
    const first = readLines(join(work.path, 'out/metadata.jsonl'))
    const before = await cacheWrites(join(work.path, 'cache'))
    const warm = await runCli(['extract', docs, ...flags()], work.path)
    expect(warm.code).toBe(0)
    // A run that only reads writes nothing: no disk-tier transaction, no version or run state.
    expect(await cacheWrites(join(work.path, 'cache'))).toEqual(before)
    const summary = JSON.parse(warm.stdout)
    expect(summary.documents).toMatchObject({ ok: 4, fromCache: 4, extracted: 0 })
    expect(summary.elements).toEqual({ total: 39, extracted: 0, reused: 39 })
    expect(summary.ranIn.none).toBe(4)
    expect(
      summary.cache.tiers.find((t: { name: string }) => t.name === 'disk').hits,
    ).toBeGreaterThanOrEqual(4)
    const second = readLines(join(work.path, 'out/metadata.jsonl'))
    for (const id of Object.keys(expected)) {
      expect(second.documents.get(id)?.metadata).toEqual(first.documents.get(id)?.metadata)
      expect(second.documents.get(id)?.stats).toMatchObject({
        source: 'document-cache',
        extracted: 0,
      })
    }
    expect(second.corpus).toEqual(first.corpus)
    expect(JSON.parse(cold.stdout).documents.fromCache).toBe(0)
    const html = readFileSync(join(work.path, 'out/report.html'), 'utf8')
    expect(html).toContain('<html')
    expect(html).toContain('8 documents, 4 from cache, 0 elements extracted')
  })

  it('after one file is edited, extracts only that file’s changed elements', async () => {
    await runCli(['extract', docs, ...flags()], work.path)
    const notes = join(docs, 'notes.txt')
    writeFileSync(
      notes,
      readFileSync(notes, 'utf8').replace(
        '- links and code blocks',
        '- links, code blocks and tables',
      ),
    )
    const run = await runCli(['extract', docs, ...flags()], work.path)
    const summary = JSON.parse(run.stdout)
    expect(summary.documents).toMatchObject({ ok: 4, fromCache: 3, extracted: 1 })
    expect(summary.elements).toEqual({ total: 39, extracted: 1, reused: 38 })
    const { documents } = readLines(join(work.path, 'out/metadata.jsonl'))
    expect(documents.get('notes.txt')?.stats).toMatchObject({
      elements: 6,
      extracted: 1,
      reused: 5,
      source: 'elements',
    })
    expect(documents.get('notes.txt')?.metadata).toEqual({ ...expected['notes.txt'], words: 26 })
    expect(summary.documents.removed).toBe(0)
    // The corpus line, updated from the one edit, is what a run from scratch computes.
    expect(await fromScratch()).toEqual(readLines(join(work.path, 'out/metadata.jsonl')).corpus)
  })

  it('after files are removed and added, counts the removed ones and relates the corpus as from scratch', async () => {
    await runCli(['extract', docs, ...flags()], work.path)
    rmSync(join(docs, 'guide.md'))
    rmSync(join(docs, 'gone.md'))
    writeFileSync(join(docs, 'more.md'), '# More\n\nSee [the changelog](CHANGELOG.md).\n')
    const run = await runCli(['extract', docs, ...flags()], work.path)
    const summary = JSON.parse(run.stdout)
    expect(summary.documents).toMatchObject({ total: 7, ok: 4, fromCache: 3, removed: 2 })
    const { corpus } = readLines(join(work.path, 'out/metadata.jsonl'))
    expect(Object.keys(corpus.keywords).sort()).toEqual([
      'CHANGELOG.md',
      'api/index.html',
      'more.md',
      'notes.txt',
    ])
    expect(corpus.links).toContainEqual({
      from: 'more.md',
      to: 'CHANGELOG.md',
      href: 'CHANGELOG.md',
    })
    expect(await fromScratch()).toEqual(corpus)
    // Nothing changed since: nothing removed. The files, too new to keep when they were read
    // (written just now), are read once more when old enough and their lines kept; after that,
    // an unchanged corpus reads nothing and writes nothing.
    setTimes(docs, Date.now() - 3_600_000)
    const again = JSON.parse((await runCli(['extract', docs, ...flags()], work.path)).stdout)
    expect(again.documents).toMatchObject({ fromCache: 4, extracted: 0, removed: 0 })
    const before = await cacheWrites(join(work.path, 'cache'))
    const last = JSON.parse((await runCli(['extract', docs, ...flags()], work.path)).stdout)
    expect(last.documents).toMatchObject({ unchanged: 4, extracted: 0, removed: 0 })
    expect(await cacheWrites(join(work.path, 'cache'))).toEqual(before)
  })

  it('exits 1 with --strict when a document failed, 0 when none did', async () => {
    const strict = await runCli(['extract', docs, ...flags(), '--strict'], work.path)
    expect(strict.code).toBe(1)
    expect(JSON.parse(strict.stdout).failures.total).toBe(4)
    const clean = join(work.path, 'clean')
    cpSync(join(docs, 'guide.md'), join(clean, 'guide.md'))
    const ok = await runCli(['extract', clean, ...flags(), '--strict'], work.path)
    expect(ok.code).toBe(0)
    expect(JSON.parse(ok.stdout).failures.total).toBe(0)
  })

  it('prints a summary table without --json', async () => {
    const run = await runCli(
      ['extract', docs, '--out', 'm.jsonl', '--report', 'r.html', '--no-cache'],
      work.path,
    )
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/documents\s+│ 8 \(4 ok, 4 failed\)/)
    expect(run.stdout).toMatch(/document cache hit ratio\s+│ off/)
    expect(run.stdout).toMatch(/parse p50 \/ p95\s+│ [\d.]+ ms \/ [\d.]+ ms/)
    expect(run.stdout).toContain('MX_DOCS_TOO_LARGE ×1')
  })

  it.each([
    [['extract', '--threads', '0'], '--threads must be a positive integer, got "0"'],
    [
      ['extract', '--level', 'turbo'],
      '--level must be one of basic, standard, performance, enterprise, got "turbo"',
    ],
    [['extract', '--bogus'], "Unknown option '--bogus'"],
    [['extract', '--redis', 'localhost'], '--redis must be a redis:// or rediss:// URL'],
    [
      ['extract', '--no-cache', '--cache-dir', 'x'],
      '--no-cache and --cache-dir exclude each other',
    ],
    [
      ['extract', '--no-cache', '--redis', 'redis://x'],
      '--no-cache and --redis exclude each other',
    ],
    [
      ['extract', '--encoding', 'klingon'],
      '--encoding must be an encoding label such as utf-8, windows-1252 or shift_jis, got "klingon"',
    ],
    [['extract', '--encoding'], "Option '--encoding <value>' argument missing"],
    [['extract', 'a', 'b'], 'unexpected argument "b"'],
    [['extrakt'], 'unknown command "extrakt"'],
    [[], 'missing command: extract'],
    [['extract', 'no-such-folder'], 'no-such-folder is not a folder'],
  ])('exits 2 with a clear message for %j', async (args, message) => {
    const run = await runCli(args, work.path)
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(`mx-docs: ${message}`)
    expect(run.stderr).toContain('usage: mx-docs extract')
  })

  it('documents the formats, the encodings and every metadata field in --help', async () => {
    const run = await runCli(['--help'], work.path)
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('usage: mx-docs extract')
    for (const section of ['formats', 'encodings', 'metadata'])
      expect(run.stdout).toMatch(new RegExp(`^${section}`, 'm'))
    // Every field a document line's metadata can have is named.
    const fields = [
      'title',
      'description',
      'format',
      'encoding',
      'tags',
      'date',
      'updated',
      'authors',
      'frontMatter',
      'warnings',
      'pdf',
      'language',
      'outline',
      'words',
      'readingMinutes',
      'counts',
      'codeLanguages',
      'links',
      'entities',
    ]
    for (const field of fields)
      expect(run.stdout).toMatch(new RegExp(`^  (?:\\S+ )*${field}\\b`, 'm'))
    // Examples a user can copy, and what each exit code means.
    expect(run.stdout).toMatch(/^examples\n( {2}mx-docs extract.*\n){3,}/m)
    expect(run.stdout).toMatch(/^exit codes\n {2}0 .*\n {2}1 .*\n {2}2 /m)
  })

  it('prints its version and the engine it runs on with --version', async () => {
    const run = await runCli(['--version'], work.path)
    expect(run.code).toBe(0)
    expect(run.stdout.trim()).toMatch(
      /^mx-docs \d+\.\d+\.\d+ \(@mx\/engine \d+\.\d+\.\d+, node v\d+\.\d+\.\d+\)$/,
    )
  })
})
