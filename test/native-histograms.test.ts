// A real Prometheus with native histograms (Debian's `prometheus` 2.42, which
// scripts/setup-system.sh installs, run with --enable-feature=native-histograms) scrapes a
// profiler: it asks for the protobuf exposition, ingests the native histogram, and its
// histogram_quantile over it gives the quantiles of what was recorded.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { createProfiler } from '@mx/profiler'
import { tempDir } from '@mx/testkit'
import { expect, it } from 'vitest'

const prometheusMissing =
  spawnSync('prometheus', ['--version']).status === 0
    ? undefined
    : 'prometheus is not on PATH (Debian: apt-get install prometheus; scripts/setup-system.sh does it)'

it('is scraped as a native histogram, with the quantiles of what was recorded', async (context) => {
  if (prometheusMissing !== undefined) {
    if (!process.env.CI) context.skip(prometheusMissing)
    throw new Error(`CI is set but ${prometheusMissing}`)
  }
  const dir = tempDir('mx-native-')
  const profiler = createProfiler({ prefix: 'mx_' })
  // 1 to 1000 ms, evenly: the median is 0.5 s and the p90 0.9 s
  const h = profiler.histogram('request.duration', { unit: 'milliseconds' })
  for (let ms = 1; ms <= 1000; ms++) h.record(ms)
  const accepts: string[] = []
  const server = createServer((req, res) => {
    accepts.push(req.headers.accept ?? '')
    const { contentType, body } = profiler.exposition(req.headers.accept)
    res.writeHead(200, { 'content-type': contentType }).end(body)
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  let prometheus: ChildProcess | undefined
  try {
    const target = `127.0.0.1:${(server.address() as AddressInfo).port}`
    writeFileSync(
      join(dir.path, 'prometheus.yml'),
      JSON.stringify({
        global: { scrape_interval: '1s' },
        scrape_configs: [{ job_name: 'mx', static_configs: [{ targets: [target] }] }],
      }),
    )
    const port = await freePort()
    prometheus = spawn(
      'prometheus',
      [
        '--enable-feature=native-histograms',
        `--config.file=${join(dir.path, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir.path, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: 'ignore' },
    )
    const query = async (promql: string) => {
      const response = await fetch(
        `http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(promql)}`,
      )
      const body = (await response.json()) as {
        status: string
        data?: { result: Array<{ value?: [number, string] }> }
      }
      return body.status === 'success' ? (body.data?.result ?? []) : []
    }
    // the native histogram series is there once a scrape has landed
    const until = Date.now() + 30_000
    let count: number | undefined
    while (Date.now() < until) {
      count = Number(
        (await query('histogram_count(mx_request_duration_seconds)').catch(() => []))[0]
          ?.value?.[1],
      )
      if (count === 1000) break
      await new Promise((done) => setTimeout(done, 250))
    }
    expect(count).toBe(1000)
    expect(accepts.some((a) => a.startsWith('application/vnd.google.protobuf'))).toBe(true)
    const quantile = async (q: number) =>
      Number((await query(`histogram_quantile(${q}, mx_request_duration_seconds)`))[0]?.value?.[1])
    // schema 6 buckets are about 1% wide; a log-linear bucket may land one off: 3% is plenty
    expect(Math.abs((await quantile(0.5)) / 0.5 - 1)).toBeLessThan(0.03)
    expect(Math.abs((await quantile(0.9)) / 0.9 - 1)).toBeLessThan(0.03)
    const sum = Number((await query('histogram_sum(mx_request_duration_seconds)'))[0]?.value?.[1])
    expect(sum).toBeCloseTo(500.5, 6)
  } finally {
    prometheus?.kill('SIGKILL')
    await new Promise((done) => server.close(done))
    profiler.close()
    dir.remove()
  }
}, 60_000)

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
