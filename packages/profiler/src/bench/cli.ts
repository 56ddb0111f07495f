import { readFile, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { type BenchFn, type BenchOptions, type BenchResult, bench } from './bench'
import { compareRuns } from './compare-runs'
import { formatBench, formatComparison } from './format'

const USAGE = `Usage: mx-bench [options] <file...>

Runs bench files (default export: { name: fn } or { tasks: { name: fn }, options }) and prints
median, 95% CI, MAD, p99 and ops/s per task.

Options:
  --baseline <file>   compare with a saved run; exit 1 when a task regresses
  --save <file>       write this run as JSON (a future baseline)
  --tolerance <n>     slowdown tolerated before a regression (default 0.05)
  --json              print the run (and comparison) as JSON
  -h, --help          show this help

TypeScript bench files load through the project's tsx when it is installed.`

interface BenchModule {
  tasks?: Record<string, BenchFn>
  options?: BenchOptions
}

type ExportTarget = string | { import?: ExportTarget; default?: ExportTarget } | undefined

function esmEntry(target: ExportTarget): string | undefined {
  if (typeof target === 'string' || target === undefined) return target
  return esmEntry(target.import) ?? esmEntry(target.default)
}

/** Registers the project's own tsx (resolved from the working directory), if it has one. */
async function registerTsx(): Promise<boolean> {
  try {
    const require = createRequire(join(process.cwd(), 'package.json'))
    const manifestPath = require.resolve('tsx/package.json')
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as {
      exports?: Record<string, ExportTarget>
    }
    const entry = esmEntry(manifest.exports?.['./esm/api'])
    if (!entry) return false
    const api = (await import(pathToFileURL(join(dirname(manifestPath), entry)).href)) as {
      register?: () => unknown
    }
    if (typeof api.register !== 'function') return false
    api.register()
    return true
  } catch {
    return false
  }
}

async function importFile(file: string): Promise<{ default?: unknown }> {
  const url = pathToFileURL(resolve(file)).href
  try {
    return await import(url)
  } catch (error) {
    const unknownExtension = (error as { code?: string }).code === 'ERR_UNKNOWN_FILE_EXTENSION'
    if (!unknownExtension || !/\.[cm]?ts$/.test(file)) throw error
    if (!(await registerTsx())) {
      throw new Error(
        `${file}: TypeScript bench files need tsx in the project (or NODE_OPTIONS="--import tsx")`,
      )
    }
    // A failed import stays cached under its URL: load the file under a fresh one.
    return await import(`${url}?mx-bench-tsx`)
  }
}

async function load(
  file: string,
): Promise<{ tasks: Record<string, BenchFn>; options: BenchOptions }> {
  const module = await importFile(file)
  const exported = module.default as BenchModule | Record<string, BenchFn> | undefined
  if (!exported || typeof exported !== 'object') throw new Error(`${file} has no default export`)
  if ('tasks' in exported && typeof exported.tasks === 'object' && exported.tasks !== null) {
    return {
      tasks: exported.tasks as Record<string, BenchFn>,
      options: (exported.options as BenchOptions) ?? {},
    }
  }
  return { tasks: exported as Record<string, BenchFn>, options: {} }
}

const cliOptions = {
  baseline: { type: 'string' },
  save: { type: 'string' },
  tolerance: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

function parse(argv: string[]) {
  return parseArgs({ args: argv, allowPositionals: true, options: cliOptions })
}

/** The `mx-bench` command. Returns the exit code: 0 ok, 1 regression, 2 usage or load error. */
export async function runBenchCli(
  argv: string[],
  out: (line: string) => void = console.log,
): Promise<number> {
  let parsed: ReturnType<typeof parse>
  try {
    parsed = parse(argv)
  } catch (error) {
    out(`${(error as Error).message}\n\n${USAGE}`)
    return 2
  }
  const { values, positionals } = parsed
  if (values.help || positionals.length === 0) {
    out(USAGE)
    return values.help ? 0 : 2
  }
  const tolerance = values.tolerance === undefined ? 0.05 : Number(values.tolerance)
  try {
    const run: BenchResult = { tasks: [], meta: { date: '', node: '', platform: '', cpus: 0 } }
    for (const file of positionals) {
      const { tasks, options } = await load(file)
      const result = await bench(tasks, options)
      for (const task of result.tasks) {
        if (run.tasks.some((existing) => existing.name === task.name))
          throw new Error(`task "${task.name}" is defined twice`)
        run.tasks.push(task)
      }
      run.meta = result.meta
    }
    if (values.save) await writeFile(values.save, JSON.stringify(run))
    const comparison = values.baseline
      ? compareRuns(JSON.parse(await readFile(values.baseline, 'utf8')) as BenchResult, run, {
          tolerance,
        })
      : undefined
    if (values.json) out(JSON.stringify({ run, comparison }))
    else {
      out(formatBench(run))
      if (comparison) {
        out('')
        out(formatComparison(comparison))
        if (comparison.regressions.length) out(`\nregression: ${comparison.regressions.join(', ')}`)
      }
    }
    return comparison && !comparison.ok ? 1 : 0
  } catch (error) {
    out(`mx-bench: ${(error as Error).message}`)
    return 2
  }
}
