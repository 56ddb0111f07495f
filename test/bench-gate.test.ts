import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '..')
const baseline = JSON.parse(readFileSync(join(root, 'bench/baseline.json'), 'utf8')) as {
  why: string
  commit: string
  tasks: Array<{ name: string; tolerance: number; samples: number[] }>
}

/** Runs the gate on `packages` with `slowdown` injected into every `ours`. */
function gate(packages: string[], slowdown: number) {
  const run = spawnSync(
    process.execPath,
    [join(root, 'scripts/bench-gate.mjs'), '--only', packages.join(',')],
    {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, MX_GATE_SLOWDOWN: String(slowdown) },
      timeout: 240_000,
    },
  )
  return { status: run.status, output: `${run.stdout}\n${run.stderr}` }
}

describe('the regression gate (pnpm bench:gate)', () => {
  it('has a baseline that says why, from a commit in the history, with its noise-based tolerances', () => {
    expect(baseline.why.length).toBeGreaterThan(10)
    const inHistory = spawnSync('git', ['merge-base', '--is-ancestor', baseline.commit, 'HEAD'], {
      cwd: root,
    })
    expect(inHistory.status, `baseline commit ${baseline.commit}`).toBe(0)
    expect(baseline.tasks.length).toBeGreaterThanOrEqual(6)
    for (const task of baseline.tasks) {
      expect(task.samples.length, task.name).toBeGreaterThanOrEqual(30)
      expect(task.tolerance, task.name).toBeGreaterThan(0)
      expect(task.tolerance, task.name).toBeLessThanOrEqual(0.2)
    }
  })

  // The entries whose measured noise left a tolerance of at most 12% (most of them, in the
  // baselines of this machine): a 25% slower `ours` must fail each of them, whatever else runs
  // on the machine meanwhile (the gate times CPU, not wall time). The noisier ones get a wider
  // tolerance, within which a 25% slowdown is not certain to show.
  it('fails on a 25% slowdown injected into our side', () => {
    const tight = baseline.tasks.filter((task) => task.tolerance <= 0.12)
    expect(tight.length, 'entries with a tolerance of at most 12%').toBeGreaterThanOrEqual(3)
    const packages = [...new Set(tight.map((task) => task.name.split(':')[0] as string))]
    const { status, output } = gate(packages, 0.25)
    expect(status, output).toBe(1)
    for (const task of tight) {
      const line = output.split('\n').find((text) => text.startsWith(task.name))
      expect(line, `${task.name}\n${output}`).toMatch(/regression$/)
    }
  })
})
