/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromiumArgs, chromiumPath, describeBrowser } from '@mx/testkit'
import { type BrowserContext, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createProfiler, type ProfilerSnapshot, renderReport, serveDashboard } from '../src/index'

/** A profiler with stages, hits/misses, histograms and a timeline of several points. */
function workload(intervalMs = 60_000) {
  let now = 0
  const p = createProfiler({ collectRuntime: true, intervalMs, now: () => now })
  const hits = p.counter('cache.hits')
  const misses = p.counter('cache.misses')
  const docs = p.counter('docs.extracted')
  const latency = p.histogram('extract.duration.seconds', { labels: { stage: 'parse' } })
  for (let round = 1; round <= 4; round++) {
    for (let i = 0; i < 10 * round; i++) {
      p.span('extract', () => {
        now += 1
        p.span('parse', () => (now += 2 + (i % 3)))
        p.span('render', () => (now += 1))
      })
      docs.inc()
      if (i % 4 === 0) misses.inc()
      else hits.inc()
      latency.record(0.001 * (1 + (i % 7)))
    }
    p.tick()
  }
  p.gauge('queue.depth').set(3)
  return p
}

let browser: BrowserContext
let userDataDir: string
const pageErrors: string[] = []

async function open(url: string): Promise<Page> {
  const page = await browser.newPage()
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text())
  })
  page.on('pageerror', (error) => pageErrors.push(error.message))
  return page.goto(url).then(() => page)
}

/** Number of painted pixels on each chart canvas, by chart container id. */
function paintedPixels(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => {
    const out: Record<string, number> = {}
    for (const canvas of document.querySelectorAll('canvas')) {
      const id = canvas.closest('[id^="chart-"]')?.id ?? 'unknown'
      const context = canvas.getContext('2d')
      if (!context) continue
      const { data } = context.getImageData(0, 0, canvas.width, canvas.height)
      let painted = 0
      for (let i = 3; i < data.length; i += 4) if ((data[i] as number) > 0) painted++
      out[id] = painted
    }
    return out
  })
}

function cellValues(page: Page, table: string, row: string) {
  return page.evaluate(
    ([tableId, rowName]) => {
      const tr = document.querySelector(`#${tableId} tr[data-name="${CSS.escape(rowName)}"]`)
      const out: Record<string, { text: string; value: number }> = {}
      for (const td of tr?.querySelectorAll('td[data-value]') ?? []) {
        out[td.getAttribute('data-key') as string] = {
          text: td.textContent ?? '',
          value: Number(td.getAttribute('data-value')),
        }
      }
      return out
    },
    [table, row] as const,
  )
}

async function expectNumbersMatch(page: Page, snapshot: ProfilerSnapshot) {
  const parse = snapshot.stages[0]?.children.find((stage) => stage.name === 'parse')
  const shown = await cellValues(page, 'stages', 'extract/parse')
  for (const key of ['count', 'p50', 'p90', 'p99', 'totalMs', 'selfMs'] as const) {
    expect(shown[key]?.value).toBe(parse?.[key])
    expect(Number(shown[key]?.text)).toBeCloseTo(parse?.[key] ?? Number.NaN, 2)
  }
  const ratio = await cellValues(page, 'hit-ratios', 'cache')
  expect(ratio.ratio?.value).toBe(snapshot.hitRatios[0]?.ratio)
  expect(ratio.hits?.text).toBe(String(snapshot.hitRatios[0]?.hits))
  const histogram = snapshot.histograms.find((h) => h.name === 'extract.duration.seconds')
  const latency = await cellValues(page, 'histograms', 'extract.duration.seconds{stage="parse"}')
  expect(latency.p99?.value).toBe(histogram?.p99)
  expect(latency.count?.text).toBe(String(histogram?.count))
  const counters = await cellValues(page, 'counters', 'docs.extracted')
  expect(counters.value?.text).toBe('100')
}

describeBrowser('report and dashboard in headless Chromium', () => {
  beforeAll(async () => {
    userDataDir = mkdtempSync(join(tmpdir(), 'mx-chromium-'))
    // A fresh profile directory per run; playwright passes it as --user-data-dir.
    browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath(),
      args: [...chromiumArgs],
    })
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    rmSync(userDataDir, { recursive: true, force: true })
  })

  it('renders the static report offline with no console error, drawn charts and the snapshot numbers', async () => {
    const p = workload()
    const snapshot = p.snapshot()
    p.close()
    const dir = mkdtempSync(join(tmpdir(), 'mx-report-'))
    const file = join(dir, 'report.html')
    writeFileSync(file, renderReport(snapshot, { title: 'nightly <run>' }))
    pageErrors.length = 0
    const page = await open(pathToFileURL(file).href)
    const requests: string[] = []
    page.on('request', (request) => requests.push(request.url()))
    await page.waitForSelector('body[data-rendered]')
    expect(await page.title()).toBe('nightly <run>')
    const painted = await paintedPixels(page)
    for (const id of [
      'chart-throughput',
      'chart-stages',
      'chart-hit',
      'chart-memory',
      'chart-eventloop',
    ]) {
      expect(painted[id], id).toBeGreaterThan(100)
    }
    await expectNumbersMatch(page, snapshot)
    expect(requests).toEqual([])
    expect(pageErrors).toEqual([])
    await page.close()
    rmSync(dir, { recursive: true, force: true })
  }, 60_000)

  it('serves a live dashboard on 127.0.0.1 that updates over Server-Sent Events', async () => {
    // The profiler ticks every 50 ms; the dashboard pushes a snapshot on each tick.
    const p = workload(50)
    const dashboard = await serveDashboard(p)
    try {
      expect(dashboard.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
      pageErrors.length = 0
      const page = await open(dashboard.url)
      await page.waitForSelector('body[data-rendered]')
      await expect.poll(() => dashboard.clients, { timeout: 10_000 }).toBe(1)
      await expectNumbersMatch(page, p.snapshot())
      p.counter('docs.extracted').inc(5)
      await page.waitForFunction(
        () =>
          document.querySelector('#counters tr[data-name="docs.extracted"] td[data-key="value"]')
            ?.textContent === '105',
        undefined,
        { timeout: 10_000 },
      )
      const painted = await paintedPixels(page)
      expect(painted['chart-memory']).toBeGreaterThan(100)
      expect(painted['chart-stages']).toBeGreaterThan(100)
      const metrics = await (await fetch(`${dashboard.url}metrics`)).text()
      expect(metrics).toContain('docs_extracted_total 105')
      expect(pageErrors).toEqual([])
      await page.close()
    } finally {
      await dashboard.close()
      p.close()
    }
  }, 60_000)
})
