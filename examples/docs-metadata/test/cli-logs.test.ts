import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from '@mx/testkit'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runCli } from './cli-helpers'

const binary = 'MX_DOCS_BINARY: document <id> is binary (it holds NUL bytes)'
const invalidUtf8 =
  'MX_DOCS_INVALID_UTF8: document <id> is not valid UTF-8 (at byte <n>); in another encoding, name it with --encoding'

describe('mx-docs extract: error patterns and logs', () => {
  let work: ReturnType<typeof tempDir>
  let docs: string

  /** 6 binary files and 3 invalid UTF-8 ones, at different paths and byte offsets, and one good file. */
  beforeEach(() => {
    work = tempDir('mx-docs-logs-')
    docs = join(work.path, 'docs')
    for (let i = 0; i < 6; i++) {
      mkdirSync(join(docs, `part-${i}`), { recursive: true })
      writeFileSync(
        join(docs, `part-${i}`, `binary-${i}.md`),
        `# Binary ${i}\n\0\0${'x'.repeat(i)}`,
      )
    }
    for (let i = 0; i < 3; i++) {
      const text = Buffer.from(`# Latin ${i}\n\n${'caf'.repeat(i + 1)}`)
      writeFileSync(join(docs, `latin-${i}.md`), Buffer.concat([text, Buffer.from([0xe9, 0x21])]))
    }
    writeFileSync(join(docs, 'good.md'), '# Good\n\nSome words here.\n')
  })
  afterEach(() => work.remove())

  it('groups the failures by template in --json and writes a correlation id on every document log line', async () => {
    const run = await runCli(
      [
        'extract',
        docs,
        '--out',
        'out/metadata.jsonl',
        '--report',
        'out/report.html',
        '--no-cache',
        '--json',
        '--log-file',
        'out/logs/run.jsonl',
        '--log-level',
        'debug',
      ],
      work.path,
    )
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    const summary = JSON.parse(run.stdout)
    expect(summary.documents).toMatchObject({ total: 10, ok: 1, failed: 9 })
    const patterns = summary.failures.patterns
    expect(patterns.map((p: { template: string; count: number }) => [p.template, p.count])).toEqual(
      [
        [`parse threw: ${binary}`, 6],
        [`parse threw: ${invalidUtf8}`, 3],
      ],
    )
    expect(patterns[0].codes).toEqual(['MX_ENGINE_PARSE', 'MX_DOCS_BINARY'])
    expect(patterns[0].examples).toHaveLength(3)
    for (const id of patterns[0].examples) expect(id).toMatch(/^part-\d\/binary-\d\.md$/)
    expect(patterns[1].codes).toEqual(['MX_ENGINE_PARSE', 'MX_DOCS_INVALID_UTF8'])
    expect(new Date(patterns[1].first).toISOString()).toBe(patterns[1].first)

    const lines = readFileSync(join(work.path, 'out/logs/run.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
    const documents = lines.filter((line) => line.docId !== undefined)
    const ids = new Map<string, string>()
    for (const line of documents) {
      expect(line.correlationId, JSON.stringify(line)).toEqual(expect.any(String))
      const known = ids.get(line.docId) ?? line.correlationId
      expect(line.correlationId).toBe(known)
      ids.set(line.docId, known)
    }
    expect(ids.size).toBe(10)
    expect(new Set(ids.values()).size).toBe(10)
    // Per document: stage lines at debug (some from the worker threads), one info or error line.
    const failed = documents.filter((l) => l.level === 50)
    expect(failed).toHaveLength(9)
    for (const line of failed)
      expect(line).toMatchObject({ stage: 'extract', outcome: 'failed', code: 'MX_ENGINE_PARSE' })
    expect(documents.filter((l) => l.level === 30).map((l) => l.docId)).toEqual(['good.md'])
    expect(documents.some((l) => l.level === 20 && l.threadId > 0)).toBe(true)
    expect(lines.at(-1)).toMatchObject({ msg: 'run done', documents: { total: 10, failed: 9 } })
  })

  it('prints the top patterns in the summary table', async () => {
    const run = await runCli(
      ['extract', docs, '--out', 'm.jsonl', '--report', 'r.html', '--no-cache'],
      work.path,
    )
    expect(run.code).toBe(0)
    expect(run.stderr).toBe('')
    // Where the files are, wherever the command ran: absolute paths.
    expect(run.stdout).toContain(`metadata: ${join(work.path, 'm.jsonl')}\n`)
    expect(run.stdout).toContain(`report:   ${join(work.path, 'r.html')}\n`)
    expect(run.stdout).toMatch(
      /top error patterns\s+│ ×6 parse threw: MX_DOCS_BINARY: document <id> is binary \(it holds NUL bytes\) \[MX_ENGINE_PARSE, MX_DOCS_BINARY\]\n\s+│ ×3 parse threw: MX_DOCS_INVALID_UTF8: document <id> is not valid UTF-8/,
    )
  })

  it.each([
    [
      ['--log-level', 'loud'],
      '--log-level must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    ],
    [['--log-file', ''], '--log-file must be a file path'],
  ])('exits 2 for %j', async (flags, message) => {
    const run = await runCli(['extract', docs, ...flags], work.path)
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(`mx-docs: ${message}`)
    expect(run.stderr).toContain('[--log-level LEVEL] [--log-file PATH]')
  })
})
