import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { byPackage } from '../scripts/coverage.mjs'
import { addHits, combine, distToSources, readDistCoverage } from '../scripts/coverage-merge.mjs'

const counts = (lines: [number, number], branches: [number, number]) => ({
  lines: { covered: lines[0], total: lines[1] },
  branches: { covered: branches[0], total: branches[1] },
})

const loc = (line: number, column: number, endLine: number, endColumn: number | null) => ({
  start: { line, column },
  end: { line: endLine, column: endColumn },
})

/** One file's istanbul data with one statement, one function and one `if` (two arms). */
function fileData(ifStart: [number, number], hits: { s: number; f: number; b: [number, number] }) {
  return {
    path: '/repo/packages/x/src/a.ts',
    statementMap: { 0: loc(1, 0, 1, 10) },
    fnMap: { 0: { name: 'a', decl: loc(1, 9, 1, 10), loc: loc(1, 0, 3, 1), line: 1 } },
    branchMap: {
      0: {
        type: 'if',
        line: ifStart[0],
        loc: loc(ifStart[0], ifStart[1], 2, null),
        locations: [loc(ifStart[0], ifStart[1], 2, null), loc(2, 20, 2, null)],
      },
    },
    s: { 0: hits.s },
    f: { 0: hits.f },
    b: { 0: hits.b },
  }
}

describe('pnpm coverage (scripts/coverage.mjs)', () => {
  it('adds up the files of each package, and leaves out what is no package source', () => {
    const summary = {
      total: counts([1, 1], [1, 1]),
      '/repo/packages/cache/src/core.ts': counts([90, 100], [40, 50]),
      '/repo/packages/cache/src/tiers/redis.ts': counts([10, 10], [5, 10]),
      '/repo/packages/alerts/src/index.ts': counts([3, 4], [0, 0]),
      '/repo/examples/docs-metadata/src/run.mjs': counts([0, 10], [0, 10]),
    }
    expect(byPackage(summary)).toEqual({
      cache: { lines: [100, 110], branches: [45, 60] },
      alerts: { lines: [3, 4], branches: [0, 0] },
    })
  })

  it('adds the hits of the built code onto the same items of vitest’s map', () => {
    const target = fileData([1, 4], { s: 0, f: 0, b: [0, 1] })
    const extra = fileData([1, 4], { s: 2, f: 1, b: [3, 0] })
    expect(addHits(target, extra)).toBe(0)
    expect(target).toMatchObject({ s: { 0: 2 }, f: { 0: 1 }, b: { 0: [3, 1] } })
  })

  it('matches an arm the bundler moved to another column by its ends, and counts what matches nothing', () => {
    // An `else if` reprinted by the bundler starts at another column; its arms end in the same place.
    const target = fileData([1, 30], { s: 1, f: 1, b: [0, 0] })
    const extra = fileData([1, 12], { s: 0, f: 0, b: [1, 0] })
    expect(addHits(target, extra)).toBe(0)
    expect(target.b).toEqual({ 0: [1, 0] })

    const elsewhere = fileData([1, 12], { s: 0, f: 0, b: [1, 0] })
    elsewhere.branchMap[0].locations[1] = loc(3, 5, 3, 9)
    expect(addHits(fileData([1, 30], { s: 1, f: 1, b: [0, 0] }), elsewhere)).toBe(1)
  })

  it('takes a file vitest never loaded from the built code alone', async () => {
    const { default: libCoverage } = await import('istanbul-lib-coverage')
    const workerOnly = fileData([1, 4], { s: 1, f: 1, b: [1, 0] })
    const dist = libCoverage.createCoverageMap({ [workerOnly.path]: workerOnly })
    const { map, unmatched } = combine({}, dist, () => true)
    expect(unmatched).toBe(0)
    expect(map.fileCoverageFor(workerOnly.path).toSummary().data.branches).toMatchObject({
      covered: 1,
      total: 2,
    })
  })

  describe('code that runs only in a worker thread', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mx-coverage-'))
    afterAll(() => rmSync(dir, { recursive: true, force: true }))

    it('is counted in its source, through the built file’s source map', async () => {
      mkdirSync(join(dir, 'src'))
      writeFileSync(
        join(dir, 'src/work.ts'),
        [
          'export function work(n: number): string {',
          '  if (n > 0) return "positive"',
          '  return "other"',
          '}',
          'export function neverCalled(): number {',
          '  return 1',
          '}',
          '',
        ].join('\n'),
      )
      writeFileSync(join(dir, 'package.json'), '{ "type": "module" }')
      execFileSync(
        join(process.cwd(), 'node_modules/.bin/tsup'),
        ['src/work.ts', '--format', 'esm', '--sourcemap', '--silent'],
        { cwd: dir },
      )
      const built = join(dir, 'dist/work.js')
      const raw = join(dir, 'raw')
      // The main thread never imports the file: only the worker thread runs it.
      writeFileSync(join(dir, 'thread.js'), "import { work } from './dist/work.js'\nwork(2)\n")
      writeFileSync(
        join(dir, 'main.js'),
        [
          "import { Worker } from 'node:worker_threads'",
          "const worker = new Worker(new URL('./thread.js', import.meta.url))",
          "await new Promise((resolve) => worker.on('exit', resolve))",
          '',
        ].join('\n'),
      )
      execFileSync(process.execPath, [join(dir, 'main.js')], {
        env: { ...process.env, NODE_V8_COVERAGE: raw },
      })

      const map = await distToSources([built], readDistCoverage(raw, [built]))
      const source = join(dir, 'src/work.ts')
      expect(map.files()).toEqual([source])
      const file = map.fileCoverageFor(source)
      expect(file.getLineCoverage()).toEqual({ 2: 1, 3: 0, 6: 0 })
      expect(file.toSummary().data.branches).toMatchObject({ covered: 1, total: 2 })
      expect(file.toSummary().data.functions).toMatchObject({ covered: 1, total: 2 })
    })
  })
})
