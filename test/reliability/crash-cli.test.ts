import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createTracker, fsStore } from '@mx/incremental'
import { seededRandom, tempDir } from '@mx/testkit'
import { afterAll, describe, expect, it } from 'vitest'
import { long, reportFigures } from './helpers/figures'

const CLI = resolve(import.meta.dirname, '..', '..', 'examples', 'docs-metadata', 'src', 'main.mjs')
const DOCS = long ? 2_000 : 400
const CRASHES = 20
const SEED = Number(process.env.MX_CRASH_SEED ?? 20_261_123)

/** Two states of one corpus: state 1 edits every third document, so each switch writes new cache entries and versions. */
function writeCorpus(dir: string, state: 0 | 1): void {
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  for (let d = 0; d < DOCS; d++) {
    const edited = state === 1 && d % 3 === 0
    const body = [
      `# Document ${d}`,
      `Words about document ${d} and version ${edited ? '2.0.0' : '1.0.0'} from 2024-05-0${(d % 9) + 1}.`,
      `## Shared\n\nShared paragraph ${d % 25}: see https://example.com/${d % 25} or write to team@example.com.`,
      edited ? `## Added\n\nA paragraph added to document ${d} in the second state.` : '',
      `- item one of ${d}\n- item two\n\n\`\`\`js\nconsole.log(${d})\n\`\`\``,
    ]
    writeFileSync(join(dir, `doc-${d}.md`), body.filter(Boolean).join('\n\n'))
  }
}

interface Run {
  code: number | null
  signal: NodeJS.Signals | null
  ms: number
  stdout: string
}

/** Runs the CLI; with `killAfterMs`, SIGKILLs it then (if it is still running). */
function runCli(cwd: string, args: string[], killAfterMs?: number): Promise<Run> {
  const started = performance.now()
  return new Promise((resolveRun, reject) => {
    const child: ChildProcess = spawn(process.execPath, [CLI, 'extract', ...args], {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout?.on('data', (chunk) => {
      stdout += chunk
    })
    child.stderr?.on('data', (chunk) => {
      stderr += chunk
    })
    const timer =
      killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs)
    child.once('error', reject)
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      if (killAfterMs === undefined && code !== 0)
        reject(new Error(`mx-docs exited ${code}: ${stderr.slice(-2000)}`))
      else resolveRun({ code, signal, ms: performance.now() - started, stdout })
    })
  })
}

/** The output lines that must not depend on the cache: each document without its `stats`, and the corpus line. */
function normalized(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const { stats: _stats, ...rest } = JSON.parse(line) as Record<string, unknown>
      return JSON.stringify(rest)
    })
    .sort()
}

describe('crashes: mx-docs killed with SIGKILL at random points', () => {
  const work = tempDir('mx-rel-crash-')
  afterAll(() => work.remove())

  it(
    `${CRASHES} SIGKILLs: every rerun completes with the clean output, and the version store stays consistent`,
    async () => {
      const docs = join(work.path, 'docs')
      const common = [
        docs,
        '--out',
        'out.jsonl',
        '--report',
        'report.html',
        '--threads',
        '2',
        '--json',
      ]
      const flags = (cacheDir: string) => [...common, '--cache-dir', cacheDir]
      // Clean outputs of both corpus states, without any cache.
      const expected: string[][] = []
      for (const state of [0, 1] as const) {
        writeCorpus(docs, state)
        await runCli(work.path, [...common, '--no-cache'])
        expected[state] = normalized(join(work.path, 'out.jsonl'))
      }
      // The cold run with a cache sets the range of kill times.
      writeCorpus(docs, 0)
      const cold = await runCli(work.path, flags('cache'))
      const next = seededRandom(SEED)
      const figures = {
        killedMidRun: 0,
        finishedBeforeKill: 0,
        reruns: 0,
        mismatches: 0,
        rerunFailures: 0,
        corruptVersions: 0,
        missingVersions: 0,
      }
      const killTimes: number[] = []
      // A run after a corpus switch is shorter than the cold one: kill times follow the last full one.
      let fullRunMs = cold.ms
      for (let i = 0; i < CRASHES; i++) {
        const state = ((i + 1) % 2) as 0 | 1
        writeCorpus(docs, state)
        const killAfter = Math.round(150 + next() * (fullRunMs - 150))
        killTimes.push(killAfter)
        const crashed = await runCli(work.path, flags('cache'), killAfter)
        if (crashed.signal === 'SIGKILL') figures.killedMidRun++
        else {
          figures.finishedBeforeKill++
          fullRunMs = crashed.ms
        }
        const rerun = await runCli(work.path, flags('cache'))
        figures.reruns++
        const summary = JSON.parse(rerun.stdout) as { documents: { ok: number; failed: number } }
        if (summary.documents.failed !== 0) figures.rerunFailures++
        const actual = normalized(join(work.path, 'out.jsonl'))
        if (JSON.stringify(actual) !== JSON.stringify(expected[state])) figures.mismatches++
        expect(actual, `rerun ${i} after a kill at ${killAfter} ms`).toEqual(expected[state])
        expect(summary.documents).toMatchObject({ ok: DOCS, failed: 0 })

        // The version store opens, every document has a readable latest version, nothing is corrupt.
        const store = fsStore({ dir: join(work.path, 'cache', 'versions') })
        const ids = await store.documents()
        const check = await createTracker({ store }).reconcile(ids, { mode: 'upserts' })
        figures.corruptVersions += check.corrupt.length
        figures.missingVersions += check.missing.length
        expect(ids).toHaveLength(DOCS)
        expect(check.corrupt).toEqual([])
        expect(check.missing).toEqual([])
        await store.close()
      }
      reportFigures('crash-cli-sigkill', {
        documents: DOCS,
        crashes: CRASHES,
        ...figures,
        dataLost: figures.mismatches,
        coldRunMs: Math.round(cold.ms),
        killTimesMs: killTimes,
        seed: SEED,
      })
      expect(figures.killedMidRun).toBeGreaterThanOrEqual(CRASHES / 2)
    },
    long ? 3_600_000 : 900_000,
  )
})
