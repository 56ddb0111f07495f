#!/usr/bin/env node
// `pnpm coverage [package…]`: line and branch coverage of each published package's `src/` from
// its own tests, against the targets of 95% of lines and 90% of branches; `--check` exits 1 when
// a package is under one (CI runs it so).
//
// vitest's v8 provider counts what runs in the test processes. Code that runs in worker threads
// and child processes (the pool's runtime, the engine's worker, the bench CLI) is counted too:
// the run has NODE_V8_COVERAGE set, and scripts/coverage-merge.mjs maps those processes' coverage
// of the built `dist/` back to `src/` and adds it on. Reports in coverage/all/ (coverage/<package>/
// for a run over some packages): index.html, coverage-final.json, and the uncovered lines per
// file in uncovered.txt. Packages must be built first.
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import libReport from 'istanbul-lib-report'
import reports from 'istanbul-reports'
import { combine, distToSources, readDistCoverage } from './coverage-merge.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const PACKAGES = ['alerts', 'cache', 'engine', 'incremental', 'memory', 'profiler', 'workers']
const TARGET = { lines: 95, branches: 90 }

/** Per package: lines and branches, covered and total, from per-file summaries (istanbul's). */
export function byPackage(summary) {
  const packages = {}
  for (const [file, counts] of Object.entries(summary)) {
    const name = /packages\/([^/]+)\/src\//.exec(file)?.[1]
    if (name === undefined) continue
    packages[name] ??= { lines: [0, 0], branches: [0, 0] }
    const sums = packages[name]
    sums.lines[0] += counts.lines.covered
    sums.lines[1] += counts.lines.total
    sums.branches[0] += counts.branches.covered
    sums.branches[1] += counts.branches.total
  }
  return packages
}

const percent = ([covered, total]) => (total === 0 ? 100 : (100 * covered) / total)

/** A package's built JavaScript files (ESM and CJS), each with its source map beside it. */
function distFiles(name) {
  const dir = join(root, 'packages', name, 'dist')
  return readdirSync(dir)
    .filter((file) => /\.c?js$/.test(file))
    .map((file) => join(dir, file))
}

async function main() {
  const args = process.argv.slice(2)
  const check = args.includes('--check')
  const names = args.filter((arg) => !arg.startsWith('--'))
  for (const name of names) {
    if (!PACKAGES.includes(name))
      throw new Error(`unknown package "${name}" (${PACKAGES.join(', ')})`)
  }
  const packages = names.length > 0 ? names : PACKAGES
  // A run over some packages reports apart (coverage/<names>/), so such runs can go side by side.
  const reportsDir = join(root, 'coverage', names.length > 0 ? names.join('+') : 'all')
  rmSync(reportsDir, { recursive: true, force: true })
  const raw = join(reportsDir, 'raw')
  mkdirSync(raw, { recursive: true })
  const run = spawnSync(
    join(root, 'node_modules/.bin/vitest'),
    [
      'run',
      ...packages.flatMap((name) => ['--project', `@mx/${name}`]),
      // Not the JSON report CI's `tests:` line is read from (vitest.config.ts writes it under CI).
      '--reporter=default',
      '--coverage.enabled',
      '--coverage.provider=v8',
      '--coverage.include=packages/*/src/**',
      '--coverage.reporter=json',
      `--coverage.reportsDirectory=${join(reportsDir, 'vitest')}`,
    ],
    { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_V8_COVERAGE: raw } },
  )
  if (run.status !== 0) return run.status ?? 1

  const built = packages.flatMap(distFiles)
  const distMap = await distToSources(built, readDistCoverage(raw, built))
  rmSync(raw, { recursive: true, force: true })
  const inPackages = new RegExp(`/packages/(${packages.join('|')})/src/`)
  const vitestData = JSON.parse(
    readFileSync(join(reportsDir, 'vitest', 'coverage-final.json'), 'utf8'),
  )
  const { map, unmatched } = combine(vitestData, distMap, (file) => inPackages.test(file))
  map.filter((file) => inPackages.test(file))

  const context = libReport.createContext({ dir: reportsDir, coverageMap: map })
  reports.create('json').execute(context)
  reports.create('html').execute(context)
  reports.create('text', { file: 'uncovered.txt', skipFull: true, maxCols: 200 }).execute(context)
  const summary = Object.fromEntries(
    map.files().map((file) => [file, map.fileCoverageFor(file).toSummary().data]),
  )
  const sums = byPackage(summary)
  let under = 0
  console.log(`\npackage       lines    branches  (targets ${TARGET.lines}% / ${TARGET.branches}%)`)
  for (const name of packages) {
    const counts = sums[name] ?? { lines: [0, 0], branches: [0, 0] }
    const lines = percent(counts.lines)
    const branches = percent(counts.branches)
    const met = lines >= TARGET.lines && branches >= TARGET.branches
    if (!met) under++
    console.log(
      `${name.padEnd(12)}  ${`${lines.toFixed(1)}%`.padStart(6)}  ${`${branches.toFixed(1)}%`.padStart(8)}   ${met ? 'met' : 'under'}`,
    )
  }
  console.log(
    `coverage: ${under} of ${packages.length} packages under a target; worker-thread and child-process code counted (${unmatched} of its items had no counterpart in vitest's map); uncovered lines in ${relative(root, join(reportsDir, 'uncovered.txt'))}`,
  )
  return check && under > 0 ? 1 : 0
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(await main())
