import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { listedSkips, summarize } from '../scripts/ci-summary.mjs'

const root = resolve(import.meta.dirname, '..')
const script = join(root, 'scripts/ci-summary.mjs')
const readme = readFileSync(join(root, 'README.md'), 'utf8')
const dir = mkdtempSync(join(tmpdir(), 'mx-ci-summary-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A vitest JSON report with one file holding tests of these statuses and titles. */
function report(tests: Array<[status: string, title: string]>) {
  const count = (status: string) => tests.filter(([s]) => s === status).length
  return {
    numPassedTests: count('passed'),
    numFailedTests: count('failed'),
    numPendingTests: count('skipped'),
    numTodoTests: count('todo'),
    testResults: [{ assertionResults: tests.map(([status, title]) => ({ status, title })) }],
  }
}

/** Runs the script on `tests` (and a README with `listed` in its list); its exit code and output. */
function run(tests: Array<[string, string]>, listed: string[]) {
  const reportFile = join(dir, 'report.json')
  const readmeFile = join(dir, 'README.md')
  writeFileSync(reportFile, JSON.stringify(report(tests)))
  const items = listed.map((title) => `- \`${title}\``).join('\n')
  writeFileSync(readmeFile, `# x\n\n### Tests that CI does not run\n\n${items}\n\n### Next\n`)
  try {
    return {
      code: 0,
      out: execFileSync(process.execPath, [script, reportFile, readmeFile], { encoding: 'utf8' }),
    }
  } catch (error) {
    const failed = error as { status: number; stdout: string }
    return { code: failed.status, out: failed.stdout }
  }
}

/** Every `it(`/`test(` title in the repository's test files (the ones the README may list). */
function testTitles(): string[] {
  const titles: string[] = []
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist') continue
      const path = join(folder, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (entry.name.endsWith('.test.ts')) {
        const text = readFileSync(path, 'utf8')
        for (const match of text.matchAll(/\b(?:it|test)(?:\.\w+\([^)]*\))?\(\s*'([^']+)'/g))
          titles.push(match[1] as string)
      }
    }
  }
  for (const folder of ['packages', 'examples', 'tooling', 'test']) walk(join(root, folder))
  return titles
}

describe('CI summary (scripts/ci-summary.mjs)', () => {
  it('prints the tests line and passes when nothing is skipped', () => {
    const { code, out } = run(
      [
        ['passed', 'a'],
        ['passed', 'b'],
      ],
      [],
    )
    expect(out.trim().split('\n').at(-1)).toBe('tests: 2 passed, 0 failed, 0 skipped')
    expect(code).toBe(0)
  })

  it('fails on a skipped test the README does not list, naming it', () => {
    const { code, out } = run(
      [
        ['passed', 'a'],
        ['skipped', 'needs a tool'],
      ],
      [],
    )
    expect(out).toContain('skipped in CI and not listed in the README: needs a tool')
    expect(out.trim().split('\n').at(-1)).toBe('tests: 1 passed, 0 failed, 1 skipped')
    expect(code).toBe(1)
  })

  it('passes a skipped test the README lists, and fails on failures or no passing test', () => {
    expect(
      run(
        [
          ['passed', 'a'],
          ['skipped', 'long one'],
        ],
        ['long one'],
      ).code,
    ).toBe(0)
    expect(
      run(
        [
          ['passed', 'a'],
          ['failed', 'b'],
        ],
        [],
      ).code,
    ).toBe(1)
    expect(run([['skipped', 'long one']], ['long one']).code).toBe(1)
  })

  it("the README's list is found, and each title it lists is a test that exists", () => {
    const listed = [...listedSkips(readme)] as string[]
    expect(listed.length).toBeGreaterThan(0)
    const titles = new Set(testTitles())
    for (const title of listed) expect(titles.has(title), title).toBe(true)
  })

  it('counts what a vitest report holds', () => {
    const counts = summarize(
      report([
        ['passed', 'a'],
        ['todo', 't'],
        ['skipped', 's'],
      ]),
    )
    expect(counts).toEqual({ passed: 1, failed: 0, skipped: 2, skippedTitles: ['t', 's'] })
  })
})
