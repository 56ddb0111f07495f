// The run state's files (src/run-state.mjs, src/run-state-files.mjs): a run that changed one
// document writes that document's line into a small file of its own and leaves the others'
// where they are; a file that is gone costs only its lines; once the files hold mostly lines no
// longer kept, every line is written again into one; files no state refers to are removed.
import { appendFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from '@mx/testkit'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadRunState, saveRunState } from '../src/run-state.mjs'
import { type Line, makeCorpus, readLines, runCli, setTimes } from './cli-helpers'

const hourAgo = () => Date.now() - 3_600_000

describe('the run state of mx-docs extract', () => {
  let work: ReturnType<typeof tempDir>
  let docs: string
  const runs = () => join(work.path, 'cache/runs')
  const extract = async () => {
    const args = ['extract', docs, '--out', 'out/metadata.jsonl', '--report', 'out/r.html']
    const run = await runCli([...args, '--cache-dir', 'cache', '--json'], work.path)
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    return { summary: JSON.parse(run.stdout), ...readLines(join(work.path, 'out/metadata.jsonl')) }
  }
  /** The state's files by kind, each with its size. */
  const files = () => {
    const found: Record<string, Array<{ name: string; bytes: number }>> = {}
    for (const name of readdirSync(runs())) {
      const kind = name.slice(name.lastIndexOf('.') + 1)
      const list = found[kind] ?? []
      list.push({ name, bytes: statSync(join(runs(), name)).size })
      found[kind] = list
    }
    return found
  }
  /** Appends to guide.md and dates it an hour back, so that the run keeps its line. */
  const editGuide = (round: number) => {
    const path = join(docs, 'guide.md')
    appendFileSync(path, `\n\nA paragraph added in round ${round}, with words of its own.\n`)
    utimesSync(path, hourAgo() / 1000, hourAgo() / 1000)
  }
  const data = (line: Line | undefined) => ({ ...line, stats: undefined })
  const unchanged = (documents: Map<string, Line>) =>
    [...documents].filter(([, line]) => line.stats?.source === 'unchanged').map(([id]) => id)

  beforeEach(() => {
    work = tempDir('mx-docs-run-state-')
    docs = makeCorpus(work.path)
    setTimes(docs, hourAgo())
  })
  afterEach(() => work.remove())

  it('writes an edited document’s line into a small file of its own, the other lines stay', async () => {
    await extract()
    const cold = files()
    expect(cold.state).toHaveLength(1)
    expect(cold.lines).toHaveLength(1)
    expect(cold.corpus).toHaveLength(1)
    editGuide(1)
    const edit = await extract()
    expect(edit.summary.documents).toMatchObject({ unchanged: 3, extracted: 1 })
    const after = files()
    // the cold run's lines file as it was, one more with guide.md's line only
    expect(after.lines).toHaveLength(2)
    expect(after.lines).toContainEqual(cold.lines?.[0])
    const added = after.lines?.find(({ name }) => name !== cold.lines?.[0]?.name)
    const guide = JSON.stringify(edit.documents.get('guide.md'))
    expect(added?.bytes).toBeLessThan(guide.length + 400)
    // the corpus pass changed: its file was replaced, the old one removed
    expect(after.corpus).toHaveLength(1)
    expect(after.corpus?.[0]?.name).not.toBe(cold.corpus?.[0]?.name)
    const warm = await extract()
    expect(unchanged(warm.documents).sort()).toEqual([
      'CHANGELOG.md',
      'api/index.html',
      'guide.md',
      'notes.txt',
    ])
    for (const [id, line] of edit.documents)
      expect(data(warm.documents.get(id)), id).toEqual(data(line))
    expect(warm.corpus).toEqual(edit.corpus)
  })

  it('reads again only the documents whose lines file is gone', async () => {
    await extract()
    const [first] = files().lines ?? []
    editGuide(1)
    const edit = await extract()
    const added = files().lines?.find(({ name }) => name !== first?.name)
    writeFileSync(join(runs(), added?.name ?? 'missing'), '')
    const again = await extract()
    expect(again.summary.documents).toMatchObject({ ok: 4, unchanged: 3 })
    expect(unchanged(again.documents)).not.toContain('guide.md')
    for (const [id, line] of edit.documents)
      expect(data(again.documents.get(id)), id).toEqual(data(line))
    expect(again.corpus).toEqual(edit.corpus)
  })

  it('writes the lines kept into one file once most of the files’ bytes are lines no longer kept', async () => {
    await extract()
    const [first] = files().lines ?? []
    for (const id of ['CHANGELOG.md', 'api/index.html', 'notes.txt']) rmSync(join(docs, id))
    const after = await extract()
    expect(after.summary.documents).toMatchObject({ ok: 1, unchanged: 1, removed: 3 })
    // the cold run's file held guide.md's line and three lines no longer kept
    const lines = files().lines ?? []
    expect(lines).toHaveLength(1)
    expect(lines[0]?.name).not.toBe(first?.name)
    expect(lines[0]?.bytes).toBeLessThan(
      JSON.stringify(after.documents.get('guide.md')).length + 400,
    )
    const warm = await extract()
    expect(warm.summary.documents).toMatchObject({ ok: 1, unchanged: 1, removed: 0 })
    expect(data(warm.documents.get('guide.md'))).toEqual(data(after.documents.get('guide.md')))
  })

  it('removes files no state refers to once they are old, and leaves a young one', async () => {
    await extract()
    const [state] = files().state ?? []
    const name = state?.name.replace(/\.state$/, '') ?? ''
    const old = join(runs(), `${name}-0123456789ab.lines`)
    const young = join(runs(), `${name}-ba9876543210.lines`)
    writeFileSync(old, 'left by a run that crashed')
    utimesSync(old, hourAgo() / 1000, hourAgo() / 1000)
    writeFileSync(young, 'a run beside this one is writing its state')
    editGuide(1)
    await extract()
    const names = readdirSync(runs())
    expect(names).not.toContain(`${name}-0123456789ab.lines`)
    expect(names).toContain(`${name}-ba9876543210.lines`)
  })
})

describe('the run state’s lines files', () => {
  let work: ReturnType<typeof tempDir>
  beforeEach(() => {
    work = tempDir('mx-docs-run-state-files-')
  })
  afterEach(() => work.remove())

  const line = (id: string, n: number) => ({
    path: `/docs/${id}`,
    stat: { dev: 1, ino: n, size: 100 + n, mtimeMs: 1_000 + n, ctimeMs: 1_000 + n },
    body: Buffer.from(
      `{"kind":"document","id":${JSON.stringify(id)},"ok":true,"metadata":{"n":${n}}`,
    ),
    elements: n,
    degraded: '',
    row: { title: `Document ${n}`, words: n },
  })
  const linesFiles = () => readdirSync(join(work.path, 'runs')).filter((f) => f.endsWith('.lines'))

  it('are at most 16: the lines of all but the largest go into one, and every line reads back', () => {
    const first = loadRunState(work.path, 'corpus')
    for (let n = 0; n < 50; n++) first.lines.set(`doc-${n}`, line(`doc-${n}`, n))
    saveRunState(first)
    const [largest] = linesFiles()
    const expected = new Map([...first.lines].map(([id, l]) => [id, line(id, l.elements)]))
    for (let n = 50; n < 70; n++) {
      const state = loadRunState(work.path, 'corpus')
      state.lines.set(`doc-${n}`, line(`doc-${n}`, n))
      expected.set(`doc-${n}`, line(`doc-${n}`, n))
      saveRunState(state)
      expect(linesFiles().length).toBeLessThanOrEqual(16)
      expect(linesFiles()).toContain(largest)
    }
    const read = loadRunState(work.path, 'corpus')
    expect(read.lines.size).toBe(70)
    for (const [id, { stored: _, body, ...rest }] of read.lines) {
      const { body: wanted, ...want } = expected.get(id) ?? line('missing', -1)
      expect(Buffer.from(body).toString(), id).toBe(wanted.toString())
      expect(rest, id).toEqual(want)
    }
  })

  it('are read without the lines of a file cut short, and the others are kept', () => {
    const state = loadRunState(work.path, 'corpus')
    for (let n = 0; n < 3; n++) state.lines.set(`doc-${n}`, line(`doc-${n}`, n))
    saveRunState(state)
    const next = loadRunState(work.path, 'corpus')
    next.lines.set('doc-3', line('doc-3', 3))
    saveRunState(next)
    const small = linesFiles()
      .map((name) => ({ name, bytes: statSync(join(work.path, 'runs', name)).size }))
      .sort((a, b) => a.bytes - b.bytes)[0]
    writeFileSync(join(work.path, 'runs', small?.name ?? 'missing'), 'cut')
    expect([...loadRunState(work.path, 'corpus').lines.keys()]).toEqual(['doc-0', 'doc-1', 'doc-2'])
  })
})
