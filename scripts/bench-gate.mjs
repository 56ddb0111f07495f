#!/usr/bin/env node
// The regression gate (`pnpm bench:gate`, run by CI): a short, fixed set of ratio benchmarks,
// each package's `bench/gate.ts` (ours against a floor or a peer, interleaved in one process, so
// the machine's speed cancels out), compared with bench/baseline.json by @mx/profiler's
// `compareRuns`: a task fails only when the whole 95% CI of current ÷ baseline lies above
// 1 + its tolerance, the noise measured on this machine when the baseline was taken.
//
// A ratio of ours to a peer still moves with the processor (an AMD EPYC and an Intel Xeon put
// the alerts entry 35% apart at the same commit), so bench/baseline.json keeps one baseline per
// machine model, and the gate compares with this machine's. On a machine it has none for, the
// gate fails and says how to take one: it never passes without comparing.
//
//   pnpm bench:gate                      measure every entry, compare, exit 1 on a regression
//   pnpm bench:gate --only cache,alerts  only these packages (folder names)
//   pnpm bench:gate --update "why"       measure twice, take the noise between the two runs as
//                                        each task's tolerance, write this machine's baseline
//                                        into bench/baseline.json (commit it with a message that
//                                        says why)
// MX_GATE_SLOWDOWN=0.25 makes every `ours` 25% slower (test/bench-gate.test.ts proves the gate
// then fails).
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { compareRuns } from '@mx/profiler/bench'
import { baselineOf, machineNames } from './bench-machine.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const baselineFile = join(root, 'bench/baseline.json')
/** The packages with gate entries, in the order they run. */
const PACKAGES = ['cache', 'profiler', 'memory', 'alerts', 'incremental']
/**
 * Each package's entries run in this many processes, of `ROUNDS` rounds each: a process's JIT
 * settles on its own code for a loop, which moves a ratio more than the rounds within it do, so
 * the samples of several processes are pooled.
 */
const PROCESSES = 5
const ROUNDS = 7
/** Tolerances are the measured noise with this margin, within these bounds. */
const NOISE_MARGIN = 1.5
const MIN_TOLERANCE = 0.1
const MAX_TOLERANCE = 0.2

/** The name a baseline taken here is kept under (see bench-machine.mjs). */
const machine = machineNames()[0]

/** bench/baseline.json's baselines by machine (a file from before there were several: its one). */
function readBaselines() {
  const file = JSON.parse(readFileSync(baselineFile, 'utf8'))
  if (file.machines) return file.machines
  const { machine: model, ...baseline } = file
  return { [model]: baseline }
}

const { values } = parseArgs({
  options: { only: { type: 'string' }, update: { type: 'string' } },
})
const only = values.only ? values.only.split(',') : PACKAGES
const unknown = only.filter((name) => !PACKAGES.includes(name))
if (unknown.length > 0) {
  console.error(
    `bench:gate: no gate entries in ${unknown.join(', ')} (known: ${PACKAGES.join(', ')})`,
  )
  process.exit(2)
}

/** Runs one package's bench/gate.ts once; its results as `{ name, samples }`. */
function runGate(name) {
  const tsx = join(root, 'node_modules/.bin/tsx')
  const run = spawnSync(tsx, ['bench/gate.ts'], {
    cwd: join(root, 'packages', name),
    encoding: 'utf8',
    env: { ...process.env, MX_GATE_ROUNDS: String(ROUNDS) },
    timeout: 120_000,
  })
  const line = run.stdout?.split('\n').find((text) => text.startsWith('GATE '))
  if (run.status !== 0 || !line) {
    throw new Error(
      `bench:gate: packages/${name}/bench/gate.ts failed (${run.status})\n${run.stderr}`,
    )
  }
  return JSON.parse(line.slice(5))
}

/** One package's entries, the samples of `PROCESSES` runs pooled, named after the package. */
function measurePackage(name) {
  const runs = Array.from({ length: PROCESSES }, () => runGate(name))
  return runs[0].map((task, i) => ({
    name: `${name}: ${task.name}`,
    samples: runs.flatMap((run) => run[i].samples),
  }))
}

function measure() {
  const tasks = []
  for (const name of only) tasks.push(...measurePackage(name))
  return { tasks }
}

const median = (xs) => {
  const sorted = xs.slice().sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
const one = (run, name) => ({ tasks: run.tasks.filter((task) => task.name === name) })

if (values.update !== undefined) {
  if (values.update.trim() === '' || values.only) {
    console.error('bench:gate: --update needs the reason as its value, and every package')
    process.exit(2)
  }
  const first = measure()
  const second = measure()
  const tasks = first.tasks.map((task) => {
    const again = second.tasks.find((other) => other.name === task.name)
    // Two runs of the same code: how far apart the CI of their ratio reaches is the noise.
    const [same] = compareRuns(one(first, task.name), one(second, task.name)).tasks
    const noise = Math.max(same.ciHigh - 1, 1 - same.ciLow)
    const tolerance = Math.min(MAX_TOLERANCE, Math.max(MIN_TOLERANCE, noise * NOISE_MARGIN))
    return { name: task.name, noise, tolerance, samples: [...task.samples, ...again.samples] }
  })
  const baselines = existsSync(baselineFile) ? readBaselines() : {}
  baselines[machine] = {
    why: values.update.trim(),
    commit: execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim(),
    date: new Date().toISOString(),
    node: process.version,
    tasks,
  }
  writeFileSync(baselineFile, `${JSON.stringify({ machines: baselines }, null, 2)}\n`)
  for (const task of tasks) {
    console.log(
      `${task.name}: median ratio ${median(task.samples).toFixed(4)}, noise ±${(task.noise * 100).toFixed(1)}%, tolerance ${(task.tolerance * 100).toFixed(0)}%`,
    )
  }
  console.log(
    `bench:gate: wrote the baseline of ${machine} into bench/baseline.json; commit it with a message that says why`,
  )
  process.exit(0)
}

if (!existsSync(baselineFile)) {
  console.error('bench:gate: no bench/baseline.json (pnpm bench:gate --update "why" writes it)')
  process.exit(2)
}
const baselines = readBaselines()
const found = baselineOf(baselines)
if (found === undefined) {
  console.error(
    `bench:gate: bench/baseline.json has no baseline for this machine (${machineNames().join(' or ')}; it has ${Object.keys(baselines).join(', ')}). Ratios move with the processor: take one here with pnpm bench:gate --update "why" and commit it.`,
  )
  process.exit(2)
}
const { baseline } = found
const current = measure()
const expected = baseline.tasks.filter((task) =>
  only.some((name) => task.name.startsWith(`${name}: `)),
)
const missing = expected.filter((task) => !current.tasks.some((other) => other.name === task.name))
const rows = []
for (const task of expected) {
  if (!current.tasks.some((other) => other.name === task.name)) continue
  const [row] = compareRuns(one(baseline, task.name), one(current, task.name), {
    tolerance: task.tolerance,
  }).tasks
  rows.push({ ...row, tolerance: task.tolerance })
}
const width = Math.max(...rows.map((row) => row.name.length), 4)
console.log(
  `${'task'.padEnd(width)}  baseline  current  current ÷ baseline (95% CI)  tolerance  verdict`,
)
for (const row of rows) {
  console.log(
    [
      row.name.padEnd(width),
      row.baselineMedian.toFixed(4).padStart(8),
      row.currentMedian.toFixed(4).padStart(7),
      `${row.ratio.toFixed(3)} (${row.ciLow.toFixed(3)}–${row.ciHigh.toFixed(3)})`.padEnd(27),
      `${(row.tolerance * 100).toFixed(0)}%`.padStart(9),
      row.verdict,
    ].join('  '),
  )
}
for (const task of missing) console.log(`missing from this run: ${task.name}`)
const regressions = rows.filter((row) => row.verdict === 'regression')
console.log(
  `bench:gate: ${rows.length} ratios against the baseline of ${found.name} at ${baseline.commit.slice(0, 12)} (${baseline.why}): ${regressions.length} regressed${missing.length ? `, ${missing.length} missing` : ''}`,
)
process.exit(regressions.length === 0 && missing.length === 0 ? 0 : 1)
