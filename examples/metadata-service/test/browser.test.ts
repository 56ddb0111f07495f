// The browser UI in a real headless Chromium: search, open a document, follow a related link,
// read the stats page, and take a screenshot, with no error in the page's console.
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  chromiumArgs,
  chromiumPath,
  describeBrowser,
  describePostgres,
  describeRedis,
} from '@mx/testkit'
import { type BrowserContext, chromium } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { startStack } from './helpers'

let stack: Awaited<ReturnType<typeof startStack>>
let browser: BrowserContext
let profile: string

describePostgres('browser UI', () => {
  describeRedis('on the service', () => {
    describeBrowser('in headless Chromium', () => {
      beforeAll(async () => {
        stack = await startStack(import.meta.url)
        profile = mkdtempSync(join(tmpdir(), 'mx-service-chromium-'))
        browser = await chromium.launchPersistentContext(profile, {
          executablePath: chromiumPath(),
          args: [...chromiumArgs],
        })
      }, 120_000)
      afterAll(async () => {
        await browser?.close()
        if (profile) rmSync(profile, { recursive: true, force: true })
        await stack?.stop()
      })

      it('searches, opens a document, follows a related link, and shows the stats', async () => {
        const { url } = await stack.service()
        const page = await browser.newPage()
        const errors: string[] = []
        page.on('pageerror', (error) => errors.push(error.message))
        page.on('console', (message) => {
          if (message.type() === 'error') errors.push(message.text())
        })
        await page.goto(`${url}/`)
        await page.getByTestId('results').locator('li').first().waitFor()
        expect(await page.getByTestId('results').locator('li').count()).toBe(20)

        await page.getByLabel('Search documents').fill('caching')
        await page.getByRole('button', { name: 'Search' }).click()
        await page.getByRole('heading', { name: 'Results for “caching”' }).waitFor()
        const first = page.getByTestId('results').getByRole('link', { name: 'Caching in depth' })
        await first.click()

        await page.getByTestId('title').filter({ hasText: 'Caching in depth' }).waitFor()
        expect(await page.getByTestId('outline').locator('li').allInnerTexts()).toEqual(
          expect.arrayContaining([
            expect.stringContaining('Tiers'),
            expect.stringContaining('Invalidation'),
          ]),
        )
        expect(await page.getByTestId('keywords').locator('span').count()).toBeGreaterThan(0)
        const related = page.getByTestId('links').getByRole('link', { name: 'Worker threads' })
        await related.click()
        await page.getByTestId('title').filter({ hasText: 'Worker threads' }).waitFor()
        expect(page.url()).toContain(`#/doc/${encodeURIComponent('guides/workers.md')}`)
        expect(await page.getByTestId('linked-from').getByRole('link').allInnerTexts()).toEqual(
          expect.arrayContaining(['Field guide', 'Caching in depth']),
        )

        const shot = join(profile, 'document.png')
        await page.screenshot({ path: shot, fullPage: true })
        expect(statSync(shot).size).toBeGreaterThan(5_000)

        await page.getByRole('link', { name: 'Stats' }).click()
        await page.getByTestId('totals').waitFor()
        expect(await page.getByTestId('totals').textContent()).toMatch(
          /^37 documents, \d+ elements/,
        )
        expect(errors).toEqual([])
      }, 120_000)
    })
  })
})
