/// <reference lib="dom" />
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromiumArgs, chromiumPath, describeBrowser, tempDir } from '@mx/testkit'
import { type BrowserContext, chromium } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'

const main = fileURLToPath(new URL('../src/main.mjs', import.meta.url))
const COUNT = 40

/** Resolves the first stdout line that matches `pattern`. */
function line(child: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let buffered = ''
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString()
      const match = pattern.exec(buffered)
      if (match) {
        child.stdout?.off('data', onData)
        resolve(match)
      }
    }
    child.stdout?.on('data', onData)
    child.once('exit', (code) => reject(new Error(`exited with ${code} before ${pattern}`)))
  })
}

describeBrowser('dashboard example in headless Chromium', () => {
  const corpus = tempDir('mx-dashboard-')
  let userDataDir: string
  let browser: BrowserContext

  beforeAll(async () => {
    for (let i = 0; i < COUNT; i++) {
      const body = `# Page ${i}\n\nText of page ${i} with [a link](https://example.com/${i}).\n`
      writeFileSync(join(corpus.path, `page-${i}.md`), body)
    }
    userDataDir = mkdtempSync(join(tmpdir(), 'mx-chromium-'))
    browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: chromiumPath(),
      args: [...chromiumArgs],
    })
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    rmSync(userDataDir, { recursive: true, force: true })
    corpus.remove()
  })

  it('shows the document counters moving while the extraction runs', async () => {
    // --wait: the run starts once the page is open; --pace spreads it over several pushes.
    const child = spawn(
      process.execPath,
      [main, corpus.path, '--wait', '--pace', '40', '--seconds', '0'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    )
    try {
      const [, url] = await line(child, /dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/)
      const done = line(child, /done: (\d+) ok, (\d+) failed/)
      const page = await browser.newPage()
      const pageErrors: string[] = []
      page.on('pageerror', (error) => pageErrors.push(error.message))
      await page.goto(url as string)
      await page.waitForSelector('body[data-rendered]')
      // Every value the counter cell shows, as the page re-renders on each pushed snapshot.
      const seen = await page.evaluate(
        (count) =>
          new Promise<number[]>((resolve) => {
            const values: number[] = []
            const read = () => {
              const cell = document.querySelector(
                '#counters tr[data-name="documents.ok"] td[data-key="value"]',
              )
              const value = Number(cell?.getAttribute('data-value') ?? Number.NaN)
              if (!Number.isNaN(value) && value !== values.at(-1)) values.push(value)
              if (value === count) resolve(values)
              else setTimeout(read, 20)
            }
            read()
          }),
        COUNT,
      )
      expect((await done).slice(1)).toEqual([String(COUNT), '0'])
      expect(seen.at(-1)).toBe(COUNT)
      // Seen at least one value between the start and the end: the counter moved during the run.
      expect(seen.filter((value) => value > 0 && value < COUNT).length).toBeGreaterThan(0)
      expect(seen).toEqual([...seen].sort((a, b) => a - b))
      const stages = await page.$$eval('#stages tr[data-name]', (rows) =>
        rows.map((row) => row.getAttribute('data-name')),
      )
      expect(stages).toContain('extract')
      expect(pageErrors).toEqual([])
      await page.close()
    } finally {
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
      child.kill('SIGINT')
      expect(await exited).toBe(0)
    }
  }, 90_000)
})
