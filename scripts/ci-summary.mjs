#!/usr/bin/env node
// CI's test summary, from vitest's JSON report (`.ci/run` writes it to .ci/out/vitest.json):
// prints `tests: N passed, N failed, N skipped` and exits 1 when a test was skipped that the
// README does not list under "Tests that CI does not run" (a check that cannot run in CI must
// fail there, not skip), or when the report is missing or holds no passed test.
//
//   node scripts/ci-summary.mjs [report.json] [README.md]
import { existsSync, readFileSync } from 'node:fs'

const [reportFile = '.ci/out/vitest.json', readmeFile = 'README.md'] = process.argv.slice(2)

/** The README's list of tests CI does not run: the titles its list items hold in backticks. */
export function listedSkips(readme) {
  const start = readme.search(/^#+ Tests that CI does not run\s*$/m)
  if (start < 0) return new Set()
  const rest = readme.slice(start).split('\n').slice(1)
  const end = rest.findIndex((line) => /^#+ /.test(line))
  const section = (end < 0 ? rest : rest.slice(0, end)).join('\n')
  return new Set([...section.matchAll(/^- `([^`]+)`$/gm)].map((match) => match[1]))
}

/** Counts of a vitest JSON report, and the titles of its skipped (or todo) tests. */
export function summarize(report) {
  const skippedTitles = []
  for (const file of report.testResults ?? []) {
    for (const test of file.assertionResults ?? []) {
      if (test.status === 'skipped' || test.status === 'pending' || test.status === 'todo') {
        skippedTitles.push(test.title)
      }
    }
  }
  return {
    passed: report.numPassedTests ?? 0,
    failed: report.numFailedTests ?? 0,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
    skippedTitles,
  }
}

function main() {
  if (!existsSync(reportFile)) {
    console.log('no vitest JSON report')
    console.log('tests: 0 passed, 0 failed, 0 skipped')
    return 1
  }
  const counts = summarize(JSON.parse(readFileSync(reportFile, 'utf8')))
  const allowed = listedSkips(readFileSync(readmeFile, 'utf8'))
  const unlisted = counts.skippedTitles.filter((title) => !allowed.has(title))
  for (const title of unlisted) console.log(`skipped in CI and not listed in the README: ${title}`)
  console.log(`tests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`)
  return counts.passed > 0 && counts.failed === 0 && unlisted.length === 0 ? 0 : 1
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(main())
