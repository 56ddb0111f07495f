import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { tempDir } from '@mx/testkit'
import { afterAll, describe, expect, it } from 'vitest'

const packageDir = fileURLToPath(new URL('..', import.meta.url))
const benchFile = fileURLToPath(new URL('./fixtures/fake-clock.bench.mjs', import.meta.url))
const dir = tempDir()
afterAll(() => dir.remove())

/** Runs the real `mx-bench` entry point (through tsx, so no build is needed). */
function mxBench(args: string[], env: Record<string, string> = {}) {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(packageDir, 'src/cli.ts'), ...args],
    {
      cwd: packageDir,
      encoding: 'utf8',
      env: { ...process.env, ...env },
    },
  )
  return { code: run.status, output: run.stdout + run.stderr }
}

describe('mx-bench', () => {
  it('saves a run, then exits 1 on a 20% regression against it and 0 on noise', () => {
    const baseline = join(dir.path, 'baseline.json')
    const saved = mxBench([benchFile, '--save', baseline])
    expect(saved.code).toBe(0)
    expect(saved.output).toMatch(/parse\s+(9\d\d\.\d ns|1\.0\d µs)/)
    expect(existsSync(baseline)).toBe(true)
    expect(JSON.parse(readFileSync(baseline, 'utf8')).tasks[0].name).toBe('parse')

    const noisy = mxBench([benchFile, '--baseline', baseline], { MX_FAKE_SEED: '99' })
    expect(noisy.output).toMatch(/parse .* unchanged/)
    expect(noisy.code).toBe(0)

    const slower = mxBench([benchFile, '--baseline', baseline, '--json'], {
      MX_FAKE_SLOWDOWN: '1.2',
    })
    expect(slower.code).toBe(1)
    const { comparison } = JSON.parse(slower.output)
    expect(comparison.regressions).toEqual(['parse'])
  }, 30_000)

  it('loads TypeScript bench files through the project tsx when run as the built bin', () => {
    const bin = join(packageDir, 'dist/cli.js')
    if (!existsSync(bin)) throw new Error('dist/cli.js is missing: build the package (tsup) first')
    const typed = fileURLToPath(new URL('./fixtures/typed.bench.ts', import.meta.url))
    const run = spawnSync(process.execPath, [bin, typed, '--json'], {
      cwd: packageDir,
      encoding: 'utf8',
    })
    expect(run.status).toBe(0)
    const { run: result } = JSON.parse(run.stdout)
    expect(result.tasks[0].name).toBe('typed')
    expect(result.tasks[0].stats.median).toBe(500)
  }, 30_000)

  it('exits 2 with the usage when no file is given or a file cannot be loaded', () => {
    const empty = mxBench([])
    expect(empty.code).toBe(2)
    expect(empty.output).toContain('Usage: mx-bench')
    const missing = mxBench([join(dir.path, 'nope.bench.mjs')])
    expect(missing.code).toBe(2)
    expect(missing.output).toContain('mx-bench: ')
  }, 30_000)
})
