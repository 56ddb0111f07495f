import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromiumArgs, chromiumPath, describeBrowser, tempDir } from '@mx/testkit'
import { type BrowserContext, chromium, type Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { makeCorpus, runCli } from './cli-helpers'
import { expected } from './expected-metadata'

/** A title that would run a script, or break out of an attribute, if the report did not escape it. */
const hostile = 'Guide <script>window.__injected = 1</script> & "quoted"'

/** The document rows the page shows, by id. */
const visibleRows = (page: Page) =>
  page.$$eval('#documents tbody tr:not([hidden])', (rows) =>
    rows.map((row) => row.getAttribute('data-id')),
  )

describeBrowser('report.html of mx-docs extract in headless Chromium', () => {
  const work = tempDir('mx-docs-report-')
  let userDataDir: string
  let browser: BrowserContext
  let page: Page
  const pageErrors: string[] = []

  beforeAll(async () => {
    const docs = makeCorpus(work.path)
    // A near-duplicate of guide.md (the same text) under the hostile title.
    const guide = readFileSync(join(docs, 'guide.md'), 'utf8')
    writeFileSync(join(docs, 'guide-copy.md'), `---\ntitle: '${hostile}'\n---\n${guide}`)
    const run = await runCli(
      ['extract', docs, '--out', 'out/metadata.jsonl', '--report', 'out/report.html'],
      work.path,
    )
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    userDataDir = mkdtempSync(join(tmpdir(), 'mx-chromium-'))
    browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath(),
      args: [...chromiumArgs],
    })
    page = await browser.newPage()
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text())
    })
    page.on('pageerror', (error) => pageErrors.push(error.message))
    await page.goto(pathToFileURL(join(work.path, 'out/report.html')).href)
    await page.waitForSelector('body[data-rendered]')
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true })
    work.remove()
  })

  it('opens with the documents: every title visible, the hostile one as plain text', async () => {
    const titles = [...Object.values(expected).map((metadata) => metadata.title), hostile]
    for (const title of titles) {
      const cell = page.getByRole('cell', { name: title, exact: true })
      expect(await cell.isVisible(), title).toBe(true)
    }
    expect(await page.evaluate(() => '__injected' in globalThis)).toBe(false)
    expect(await page.locator('#documents script').count()).toBe(0)
    // The documents come before the performance sections.
    const order = await page.$$eval('h2', (headings) => headings.map((h) => h.textContent))
    expect(order.slice(0, 4)).toEqual(['Documents', 'Near-duplicates', 'Links', 'Performance'])
  })

  it('filters the rows as one types, and shows them all again when cleared', async () => {
    const all = await visibleRows(page)
    expect(all.length).toBe(9)
    await page.fill('#document-filter', 'release notes')
    expect(await visibleRows(page)).toEqual(['notes.txt'])
    expect(await page.textContent('#document-count')).toBe('1 of 9 documents')
    await page.fill('#document-filter', 'MX_DOCS_TOO_LARGE')
    expect(await visibleRows(page)).toEqual(['huge.md'])
    await page.fill('#document-filter', '')
    expect(await visibleRows(page)).toEqual(all)
  })

  it('shows each failed document with its error codes', async () => {
    const failures = await page.$$eval('#documents tr.failed', (rows) =>
      Object.fromEntries(
        rows.map((row) => [
          row.getAttribute('data-id'),
          [...row.querySelectorAll('code')].map((code) => code.textContent),
        ]),
      ),
    )
    expect(failures).toEqual({
      'broken/binary.md': ['MX_ENGINE_PARSE', 'MX_DOCS_BINARY'],
      'broken/invalid-utf8.md': ['MX_ENGINE_PARSE', 'MX_DOCS_INVALID_UTF8'],
      'gone.md': ['MX_DOCS_UNREADABLE'],
      'huge.md': ['MX_DOCS_TOO_LARGE'],
    })
  })

  it('lists the near-duplicate pair, the link counts and the document hit rate as the headline', async () => {
    const groups = await page.$$eval('#duplicates li', (items) =>
      items.map((item) => [...item.querySelectorAll('[data-id]')].map((d) => d.textContent)),
    )
    expect(groups).toEqual([[`guide-copy.md (${hostile})`, 'guide.md (Install guide)']])
    const links = await page.$$eval('#links tr', (rows) =>
      Object.fromEntries(rows.map((row) => [...row.cells].map((cell) => cell.textContent))),
    )
    expect(links['documents that link to others']).toBe('3')
    expect(links['links out of the corpus (with a scheme or //host)']).not.toBe('0')
    const headline = await page.$$eval('.headline div', (figures) =>
      figures.map((figure) => figure.textContent),
    )
    expect(headline[0]).toBe('0%document hit rate: 0 of 9 documents served whole from cache')
  })

  it('labels the charts in readable units, never "--", with no error in the console', async () => {
    const legends = await page.$$eval('.u-legend .u-value', (cells) =>
      cells.map((cell) => cell.textContent),
    )
    expect(legends.length).toBeGreaterThan(0)
    expect(legends).not.toContain('--')
    expect(await page.textContent('#chart-memory .u-legend')).toMatch(/rss:?\s*[\d.]+ (KB|MB|GB)/)
    expect(pageErrors).toEqual([])
    // For people: a picture of the whole report.
    const shot = join(work.path, 'report.png')
    await page.screenshot({ path: shot, fullPage: true })
    const png = readFileSync(shot)
    expect(png.subarray(1, 4).toString()).toBe('PNG')
    expect(png.length).toBeGreaterThan(1000)
  })
})
