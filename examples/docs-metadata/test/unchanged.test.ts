// Files unchanged since the last run (src/unchanged.mjs): their lines are written as the last run
// kept them, without reading the file or making an engine; any change to the file (its bytes, a
// modification time set back by hand, another file renamed over it) and any change of what the
// lines depend on (--encoding, the corpus index) reads it again.
import { readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from '@mx/testkit'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { cacheWrites, type Line, makeCorpus, readLines, runCli, setTimes } from './cli-helpers'

const hourAgo = () => Date.now() - 3_600_000

describe('mx-docs extract over files unchanged since the last run', () => {
  let work: ReturnType<typeof tempDir>
  let docs: string
  const out = () => join(work.path, 'out/metadata.jsonl')
  const extract = async (...more: string[]) => {
    const args = ['extract', docs, '--out', 'out/metadata.jsonl', '--report', 'out/r.html']
    const run = await runCli([...args, '--cache-dir', 'cache', '--json', ...more], work.path)
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    return { summary: JSON.parse(run.stdout), stdout: run.stdout, ...readLines(out()) }
  }
  /** A line without its stats, which say where it came from. */
  const data = (line: Line | undefined) => ({ ...line, stats: undefined })
  const sources = (documents: Map<string, Line>) =>
    Object.fromEntries(
      [...documents].filter(([, l]) => l.ok).map(([id, l]) => [id, l.stats?.source]),
    )

  beforeEach(() => {
    work = tempDir('mx-docs-unchanged-')
    docs = makeCorpus(work.path)
    // Written an hour ago: older than the racy margin, so the first run keeps every line.
    setTimes(docs, hourAgo())
  })
  afterEach(() => work.remove())

  it('writes the kept lines without reading the files or making an engine, and writes nothing', async () => {
    const cold = await extract()
    const before = await cacheWrites(join(work.path, 'cache'))
    const warm = await extract()
    expect(await cacheWrites(join(work.path, 'cache'))).toEqual(before)
    // The four documents that failed to read or parse are tried again; the four others are not.
    expect(warm.summary.documents).toEqual({
      total: 8,
      ok: 4,
      failed: 4,
      fromCache: 4,
      unchanged: 4,
      extracted: 0,
      removed: 0,
    })
    expect(sources(warm.documents)).toEqual({
      'CHANGELOG.md': 'unchanged',
      'api/index.html': 'unchanged',
      'guide.md': 'unchanged',
      'notes.txt': 'unchanged',
    })
    for (const [id, line] of cold.documents)
      expect(data(warm.documents.get(id)), id).toEqual(data(line))
    expect(warm.documents.get('guide.md')?.stats).toEqual({
      elements: 15,
      extracted: 0,
      reused: 15,
      source: 'unchanged',
      ranIn: 'none',
    })
    expect(warm.corpus).toEqual(cold.corpus)
    expect(warm.summary.elements).toEqual({ total: 39, extracted: 0, reused: 39 })
    expect(warm.summary.ranIn.none).toBe(4)
  })

  it('makes no engine at all when every listed file is unchanged, and says so', async () => {
    for (const broken of ['broken/binary.md', 'broken/invalid-utf8.md', 'huge.md', 'gone.md'])
      rmSync(join(docs, broken))
    await extract()
    const warm = await extract()
    expect(warm.summary.documents).toMatchObject({ total: 4, unchanged: 4, extracted: 0 })
    expect(warm.summary.cache).toBeNull()
    const table = await runCli(
      ['extract', docs, '--out', 'out/t.jsonl', '--report', 'out/t.html', '--cache-dir', 'cache'],
      work.path,
    )
    expect(table.stdout).toMatch(
      /document cache hit ratio\s+│ not consulted \(every file unchanged\)/,
    )
    expect(table.stdout).toMatch(/of which unchanged files\s+│ 4 documents \(not read\)/)
  })

  it('reads a file again when its bytes change, even with the same size and modification time', async () => {
    const notes = join(docs, 'notes.txt')
    await extract()
    const { size, mtimeMs } = statSync(notes)
    // Same length, other words; the modification time set back to what it was (the change time
    // cannot be set back, and tells).
    writeFileSync(notes, 'Z'.repeat(size))
    utimesSync(notes, mtimeMs / 1000, mtimeMs / 1000)
    expect(statSync(notes).size).toBe(size)
    const run = await extract()
    expect(run.summary.documents).toMatchObject({ unchanged: 3, extracted: 1 })
    expect(run.documents.get('notes.txt')?.stats?.source).not.toBe('unchanged')
    expect(run.documents.get('notes.txt')?.metadata).toMatchObject({ words: 1 })
  })

  it('reads a file again when another file is renamed over it', async () => {
    await extract()
    const guide = join(docs, 'guide.md')
    const { mtimeMs } = statSync(guide)
    const copy = join(work.path, 'guide-copy.md')
    writeFileSync(copy, `${'x'.repeat(statSync(guide).size - 1)}\n`)
    utimesSync(copy, mtimeMs / 1000, mtimeMs / 1000)
    renameSync(copy, guide)
    const run = await extract()
    expect(run.summary.documents).toMatchObject({ unchanged: 3, extracted: 1 })
    expect(run.documents.get('guide.md')?.metadata).toMatchObject({ words: 1 })
  })

  it('does not keep the line of a file modified less than two seconds before the run (racy)', async () => {
    const notes = join(docs, 'notes.txt')
    const now = Date.now()
    utimesSync(notes, now / 1000, now / 1000)
    const cold = await extract()
    const warm = await extract()
    expect(sources(warm.documents)).toEqual({
      'CHANGELOG.md': 'unchanged',
      'api/index.html': 'unchanged',
      'guide.md': 'unchanged',
      'notes.txt': 'document-cache',
    })
    expect(data(warm.documents.get('notes.txt'))).toEqual(data(cold.documents.get('notes.txt')))
  })

  it('keeps the line of a file too new when it was last read once it is old enough, so the next run need not read it', async () => {
    // A corpus copied or cloned just before the first run: every file is too new to keep then.
    const now = Date.now()
    setTimes(docs, now)
    const cold = await extract()
    expect(cold.summary.documents).toMatchObject({ unchanged: 0, extracted: 4 })
    // The second run, two seconds later: read again (served from the cache), and kept this time.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, now + 2_100 - Date.now())))
    const second = await extract()
    expect(second.summary.documents).toMatchObject({ unchanged: 0, fromCache: 4, extracted: 0 })
    const third = await extract()
    expect(third.summary.documents).toMatchObject({ unchanged: 4, extracted: 0 })
    for (const [id, line] of cold.documents)
      expect(data(third.documents.get(id)), id).toEqual(data(line))
  })

  it('reads every file again when --encoding changes, and forgets the files that left', async () => {
    await extract()
    const other = await extract('--encoding', 'windows-1252')
    expect(other.summary.documents).toMatchObject({ unchanged: 0 })
    rmSync(join(docs, 'notes.txt'))
    const gone = await extract('--encoding', 'windows-1252')
    // Read as windows-1252, broken/invalid-utf8.md is text now: 4 documents ok, all unchanged.
    expect(gone.summary.documents).toMatchObject({ ok: 4, unchanged: 4, removed: 1 })
    expect(Object.keys(gone.corpus.keywords).sort()).toEqual([
      'CHANGELOG.md',
      'api/index.html',
      'broken/invalid-utf8.md',
      'guide.md',
    ])
    // Back, with the modification time it had: not the file whose line was dropped.
    writeFileSync(join(docs, 'notes.txt'), 'Notes, back again.\n')
    utimesSync(join(docs, 'notes.txt'), hourAgo() / 1000, hourAgo() / 1000)
    const back = await extract('--encoding', 'windows-1252')
    expect(back.summary.documents).toMatchObject({ ok: 5, unchanged: 4, extracted: 1 })
  })

  it('extracts everything again from a run state that does not read', async () => {
    const cold = await extract()
    for (const file of statesOf(join(work.path, 'cache'))) writeFileSync(file, 'not a run state')
    const again = await extract()
    expect(again.summary.documents).toMatchObject({ ok: 4, unchanged: 0, removed: null })
    for (const [id, line] of cold.documents)
      expect(data(again.documents.get(id)), id).toEqual(data(line))
    expect(again.corpus).toEqual(cold.corpus)
  })
})

function statesOf(cacheDir: string) {
  return readdirSync(join(cacheDir, 'runs')).map((name) => join(cacheDir, 'runs', name))
}
