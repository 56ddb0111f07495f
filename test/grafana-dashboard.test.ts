// The Grafana dashboard in docs/grafana/ is checked two ways:
// - against Grafana's own dashboard schema: the `Dashboard` type of @grafana/schema, with
//   `tsc --strict` (no Grafana server can be installed here from the registries we reach);
// - against a real Prometheus (Debian's `prometheus` package, which scripts/setup-system.sh
//   installs): it scrapes running engines (two instances, as a fleet) and loads the rule file
//   `toPrometheusRules()` exports, and every panel's PromQL must return data through its HTTP API.
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { defaultRules, toPrometheusRules } from '@mx/alerts'
import { createEngine, type Engine } from '@mx/engine'
import { createProfiler, type Profiler } from '@mx/profiler'
import { tempDir } from '@mx/testkit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '..')
const dashboardFile = join(root, 'docs', 'grafana', 'mx-engine.json')
const dashboard = JSON.parse(readFileSync(dashboardFile, 'utf8')) as {
  panels: Array<{ title: string; targets: Array<{ expr: string }> }>
  templating: { list: Array<{ name: string; query: string }> }
}

const prometheusMissing =
  spawnSync('prometheus', ['--version']).status === 0
    ? undefined
    : 'prometheus is not on PATH (Debian: apt-get install prometheus; scripts/setup-system.sh does it)'

describe('docs/grafana/mx-engine.json', () => {
  it("type-checks as a Grafana dashboard (@grafana/schema's Dashboard, tsc --strict)", async () => {
    // inside node_modules/.cache so that @grafana/schema resolves from the repository
    const dir = join(root, 'node_modules', '.cache', 'mx-grafana-check')
    mkdirSync(dir, { recursive: true })
    try {
      writeFileSync(
        join(dir, 'dashboard.ts'),
        "import type { Dashboard } from '@grafana/schema'\n\n" +
          `export const dashboard = ${readFileSync(dashboardFile, 'utf8').trim()} satisfies Dashboard\n`,
      )
      const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
      const args = ['--strict', '--noEmit', '--module', 'nodenext', '--target', 'es2022']
      const run = await promisify(execFile)(process.execPath, [tsc, ...args, 'dashboard.ts'], {
        cwd: dir,
      }).catch((error: { stdout: string; stderr: string }) => error)
      expect(run.stdout + run.stderr).toBe('')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)

  // skipped locally without prometheus; under CI its absence fails the suite
  const skipLocally = prometheusMissing !== undefined && !process.env.CI
  describe.skipIf(skipLocally)('against a real Prometheus scraping two engines', () => {
    const dir = tempDir('mx-grafana-')
    const instances: Array<{ engine: Engine; profiler: Profiler; server: Server }> = []
    let prometheus: ChildProcess | undefined
    let api = ''
    let feeding = true
    let feeder: Promise<void> | undefined

    beforeAll(async () => {
      if (prometheusMissing !== undefined) throw new Error(`CI is set but ${prometheusMissing}`)
      for (let i = 0; i < 2; i++) {
        const profiler = createProfiler({ prefix: 'mx_', collectRuntime: true, intervalMs: 500 })
        const engine = createEngine({
          extractor: join(root, 'packages', 'engine', 'test', 'fixtures', 'words.mjs'),
          level: 'performance',
          threads: 1,
          cacheDir: join(dir.path, `engine-${i}`),
          profiler,
          breaker: true,
        })
        const server = createServer((req, res) => {
          engine.report() // syncs the engine's gauges
          res.setHeader('content-type', 'text/plain; version=0.0.4')
          res.end(req.url === '/metrics' ? profiler.toPrometheus() : '')
        })
        await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
        instances.push({ engine, profiler, server })
      }
      // work all along: new documents, repeats (cache hits) and invalid ones (failures)
      feeder = (async () => {
        for (let round = 0; feeding; round++) {
          await Promise.all(
            instances.map(async ({ engine }, i) => {
              const docs = Array.from({ length: 20 }, (_, d) => ({
                id: `doc-${d}`,
                content: `# Title ${d}\n\nround ${d % 3 === 0 ? 0 : round} of instance ${i}`,
              }))
              docs.push({ id: 'broken', content: 42 as never })
              for await (const _ of engine.extractMany(docs)) {
              }
            }),
          )
          await new Promise((done) => setTimeout(done, 100))
        }
      })()
      const ports = instances.map(({ server }) => (server.address() as AddressInfo).port)
      const rules = toPrometheusRules(
        defaultRules({ errorRate: { threshold: 0.01, for: 0 }, queueDepth: false }),
        { prefix: 'mx_', interval: '1s' },
      )
      writeFileSync(join(dir.path, 'rules.yml'), rules.yaml)
      writeFileSync(
        join(dir.path, 'prometheus.yml'),
        JSON.stringify({
          global: { scrape_interval: '1s', evaluation_interval: '1s' },
          rule_files: ['rules.yml'],
          scrape_configs: [
            { job_name: 'mx', static_configs: [{ targets: ports.map((p) => `127.0.0.1:${p}`) }] },
          ],
        }),
      )
      const port = await freePort()
      api = `http://127.0.0.1:${port}`
      prometheus = spawn(
        'prometheus',
        [
          `--config.file=${join(dir.path, 'prometheus.yml')}`,
          `--storage.tsdb.path=${join(dir.path, 'data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
        ],
        { stdio: 'ignore' },
      )
      // until both targets are up and a rate has its two samples and more
      await waitFor(async () => {
        const up = await query('sum(up{job="mx"})')
        return Number(up[0]?.value[1]) === 2
      }, 30_000)
      await new Promise((done) => setTimeout(done, 6_000))
    }, 60_000)

    afterAll(async () => {
      feeding = false
      await feeder
      prometheus?.kill('SIGKILL')
      for (const { engine, profiler, server } of instances) {
        await engine.close()
        profiler.close()
        await new Promise((done) => server.close(done))
      }
      dir.remove()
    }, 60_000)

    async function query(promql: string): Promise<Array<{ value: [number, string] }>> {
      const response = await fetch(`${api}/api/v1/query?query=${encodeURIComponent(promql)}`)
      const body = (await response.json()) as {
        status: string
        error?: string
        data?: { result: Array<{ value: [number, string] }> }
      }
      if (body.status !== 'success') throw new Error(`${promql}: ${body.error}`)
      return body.data?.result ?? []
    }

    it('answers every panel query with data', async () => {
      const prefix = dashboard.templating.list.find((v) => v.name === 'prefix')?.query
      expect(prefix).toBe('mx_')
      const empty: string[] = []
      let queries = 0
      for (const panel of dashboard.panels) {
        for (const target of panel.targets) {
          const promql = target.expr
            // Grafana's variable syntax, as the dashboard writes it
            // biome-ignore lint/suspicious/noTemplateCurlyInString: a Grafana variable, not a template
            .replaceAll('${prefix}', prefix as string)
            .replaceAll('$__rate_interval', '5s')
          queries++
          const result = await query(promql)
          if (result.length === 0) empty.push(`${panel.title}: ${promql}`)
        }
      }
      expect(empty).toEqual([])
      expect(queries).toBeGreaterThanOrEqual(14)
    })

    it('shows the fleet p99 from the summed buckets, and the alert the exported rules fire', async () => {
      const p99 = await query(
        'histogram_quantile(0.99, sum by (le) (rate(mx_extract_duration_seconds_bucket[5s])))',
      )
      expect(Number(p99[0]?.value[1])).toBeGreaterThan(0)
      const firing = await query('ALERTS{alertstate="firing"}')
      expect(
        firing.map((s) => (s as unknown as { metric: Record<string, string> }).metric.alertname),
      ).toContain('ExtractionErrorRateHigh')
    })
  })
})

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer()
    server.once('error', fail)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      server.close(() => done(port))
    })
  })
}

async function waitFor(check: () => Promise<boolean>, ms: number): Promise<void> {
  const until = Date.now() + ms
  for (;;) {
    if (await check().catch(() => false)) return
    if (Date.now() > until) throw new Error(`not ready within ${ms} ms`)
    await new Promise((done) => setTimeout(done, 250))
  }
}
