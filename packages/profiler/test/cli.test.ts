import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { tempDir } from '@mx/testkit'
import { afterAll, describe, expect, it } from 'vitest'

const packageDir = fileURLToPath(new URL('..', import.meta.url))
const benchFile = fileURLToPath(new URL('./fixtures/fake-clock.bench.mjs', import.meta.url))
const typedFile = fileURLToPath(new URL('./fixtures/typed.bench.ts', import.meta.url))
const bin = join(packageDir, 'dist/cli.js')
const dir = tempDir()
afterAll(() => dir.remove())

/**
 * Runs the real `mx-bench` entry point as the published bin runs it: the built dist/cli.js (the
 * test command builds the package first), in a child process, from `cwd` (the package by default).
 */
function mxBench(args: string[], env: Record<string, string> = {}, cwd = packageDir) {
  if (!existsSync(bin)) throw new Error('dist/cli.js is missing: build the package (tsup) first')
  const run = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  })
  return { code: run.status, stdout: run.stdout, output: run.stdout + run.stderr }
}

/** Writes `text` as `name` in the test's temporary directory and returns its path. */
function writeBenchFile(name: string, text: string): string {
  const path = join(dir.path, name)
  writeFileSync(path, text)
  return path
}

/** A project directory outside the repository, with `files` (path → text) written into it. */
function project(name: string, files: Record<string, string>): string {
  const root = join(dir.path, name)
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true })
    writeFileSync(join(root, path), text)
  }
  mkdirSync(root, { recursive: true })
  return root
}

// Node versions that strip TypeScript types themselves load a .ts file without tsx.
const nodeStripsTypes = Boolean((process.features as { typescript?: unknown }).typescript)

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
    expect(noisy.output).not.toContain('regression:')
    expect(noisy.code).toBe(0)

    const slower = mxBench([benchFile, '--baseline', baseline, '--json'], {
      MX_FAKE_SLOWDOWN: '1.2',
    })
    expect(slower.code).toBe(1)
    const { comparison } = JSON.parse(slower.output)
    expect(comparison.regressions).toEqual(['parse'])
    expect(comparison.ok).toBe(false)

    const printed = mxBench([benchFile, '--baseline', baseline, '--tolerance', '0.1'], {
      MX_FAKE_SLOWDOWN: '1.2',
    })
    expect(printed.code).toBe(1)
    expect(printed.output).toMatch(/^task\s+median/m)
    expect(printed.output).toMatch(/^task\s+baseline\s+current/m)
    expect(printed.output).toContain('\nregression: parse')
  }, 30_000)

  it('tolerates a slowdown within --tolerance', () => {
    const baseline = join(dir.path, 'tolerance-baseline.json')
    expect(mxBench([benchFile, '--save', baseline]).code).toBe(0)
    const within = mxBench([benchFile, '--baseline', baseline, '--tolerance', '0.5', '--json'], {
      MX_FAKE_SLOWDOWN: '1.2',
    })
    expect(within.code).toBe(0)
    const { comparison } = JSON.parse(within.stdout)
    expect(comparison.regressions).toEqual([])
    expect(comparison.ok).toBe(true)
  }, 30_000)

  it('loads TypeScript bench files through the project tsx when run as the built bin', () => {
    const run = mxBench([typedFile, '--json'])
    expect(run.code).toBe(0)
    const { run: result, comparison } = JSON.parse(run.stdout)
    expect(result.tasks[0].name).toBe('typed')
    expect(result.tasks[0].stats.median).toBe(500)
    expect(comparison).toBeUndefined()
  }, 30_000)

  it.skipIf(nodeStripsTypes)(
    'exits 2 on a TypeScript bench file when the project has no usable tsx',
    () => {
      const noTsx = project('no-tsx', { 'package.json': '{}' })
      const noApi = project('tsx-without-api', {
        'package.json': '{}',
        'node_modules/tsx/package.json': JSON.stringify({
          name: 'tsx',
          exports: { './package.json': './package.json' },
        }),
      })
      const noRegister = project('tsx-without-register', {
        'package.json': '{}',
        'node_modules/tsx/package.json': JSON.stringify({
          name: 'tsx',
          type: 'module',
          exports: {
            './package.json': './package.json',
            './esm/api': { import: './api.mjs', require: './api.cjs' },
          },
        }),
        'node_modules/tsx/api.mjs': 'export const tsImport = () => {}\n',
      })
      for (const cwd of [noTsx, noApi, noRegister]) {
        const run = mxBench([typedFile], {}, cwd)
        expect(run.code, cwd).toBe(2)
        expect(run.output).toContain(
          `mx-bench: ${typedFile}: TypeScript bench files need tsx in the project`,
        )
      }
    },
    30_000,
  )

  it('exits 2 with the usage when no file is given or a file cannot be loaded, 0 on --help', () => {
    const empty = mxBench([])
    expect(empty.code).toBe(2)
    expect(empty.output).toContain('Usage: mx-bench')
    const help = mxBench(['-h'])
    expect(help.code).toBe(0)
    expect(help.output).toContain('Usage: mx-bench')
    expect(help.output).toContain('--tolerance <n>')
    const unknown = mxBench(['--fast', benchFile])
    expect(unknown.code).toBe(2)
    expect(unknown.output).toContain("Unknown option '--fast'")
    expect(unknown.output).toContain('Usage: mx-bench')
    const missing = mxBench([join(dir.path, 'nope.bench.mjs')])
    expect(missing.code).toBe(2)
    expect(missing.output).toContain('mx-bench: ')
    expect(missing.output).toContain('nope.bench.mjs')
    expect(missing.output).not.toContain('Usage: mx-bench')
  }, 30_000)

  it('exits 2 on a bench file without a default export and on a task defined twice', () => {
    const noDefault = writeBenchFile('no-default.bench.mjs', 'export const parse = () => {}\n')
    const run = mxBench([noDefault])
    expect(run.code).toBe(2)
    expect(run.output).toContain(`mx-bench: ${noDefault} has no default export`)

    const twice = mxBench([benchFile, benchFile])
    expect(twice.code).toBe(2)
    expect(twice.output).toContain('mx-bench: task "parse" is defined twice')
  }, 30_000)

  it('runs a plain { name: fn } export and a { tasks } export without options, side by side', () => {
    const plain = writeBenchFile('plain.bench.mjs', 'export default { plain: () => {} }\n')
    const tasksOnly = writeBenchFile(
      'tasks-only.bench.mjs',
      'export default { tasks: { listed: () => {} } }\n',
    )
    const run = mxBench([plain, tasksOnly, '--json'])
    expect(run.code).toBe(0)
    const { run: result } = JSON.parse(run.stdout)
    expect(result.tasks.map((task: { name: string }) => task.name)).toEqual(['plain', 'listed'])
    expect(result.meta.node).toBe(process.version)
  }, 30_000)
})
