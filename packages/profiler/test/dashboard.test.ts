import { describe, expect, it } from 'vitest'
import { createProfiler, InvalidOptionError, serveDashboard } from '../src/index'

describe('serveDashboard', () => {
  it('binds to 127.0.0.1 by default and serves the page, snapshot, metrics and an event stream', async () => {
    const p = createProfiler()
    p.counter('docs.extracted').inc(2)
    const dashboard = await serveDashboard(p, { intervalMs: 20, title: 'ops <board>' })
    try {
      expect(dashboard.host).toBe('127.0.0.1')
      expect(dashboard.url).toBe(`http://127.0.0.1:${dashboard.port}/`)
      const page = await fetch(dashboard.url)
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
      const html = await page.text()
      expect(html).toContain('<title>ops &#60;board&#62;</title>')
      expect(html).toContain('data-events="/events"')
      const snapshot = await (await fetch(`${dashboard.url}snapshot.json`)).json()
      expect(snapshot.counters).toEqual([{ name: 'docs.extracted', labels: {}, value: 2 }])
      expect(await (await fetch(`${dashboard.url}metrics`)).text()).toContain(
        'docs_extracted_total 2\n',
      )
      expect((await fetch(`${dashboard.url}nope`)).status).toBe(404)
      expect((await fetch(dashboard.url, { method: 'POST' })).status).toBe(405)

      const events = await fetch(`${dashboard.url}events`)
      expect(events.headers.get('content-type')).toBe('text/event-stream')
      const reader = (events.body as ReadableStream<Uint8Array>).getReader()
      const decoder = new TextDecoder()
      let text = ''
      // The first event is sent on connect; the second comes from the dashboard's own tick.
      while ((text.match(/^data: /gm) ?? []).length < 2) {
        const { value, done } = await reader.read()
        if (done) break
        text += decoder.decode(value)
      }
      const messages = text.split('\n').filter((line) => line.startsWith('data: '))
      expect(JSON.parse((messages[1] as string).slice(6)).timeline.length).toBeGreaterThan(0)
      expect(dashboard.clients).toBe(1)
      await reader.cancel()
    } finally {
      await dashboard.close()
    }
    expect(dashboard.clients).toBe(0)
  })

  it('checks its options up front', async () => {
    const p = createProfiler()
    await expect(serveDashboard(p, { port: 70_000 })).rejects.toBeInstanceOf(InvalidOptionError)
    await expect(serveDashboard(p, { intervalMs: 0 })).rejects.toThrow(
      'intervalMs must be a positive integer, got 0',
    )
    await expect(serveDashboard(p, { host: '' })).rejects.toMatchObject({ option: 'host' })
  })
})
