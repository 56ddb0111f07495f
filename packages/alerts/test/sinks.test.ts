import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from '@mx/testkit'
import { describe, expect, it } from 'vitest'
import { callbackSink, consoleSink, createAlertManager, fileSink, type Sink } from '../src/index'
import { manualClock, scriptedSource } from './helpers'

function manager(sinks: Sink[]) {
  const clock = manualClock(0)
  const source = scriptedSource({ q: 50 })
  const m = createAlertManager({
    source,
    clock,
    sinks,
    route: { groupWait: 0, groupInterval: '1m' },
    rules: [
      {
        name: 'Deep',
        metric: 'q',
        op: '>',
        threshold: 10,
        annotations: { summary: 'depth {{ $value }}' },
      },
    ],
  })
  return { clock, source, manager: m }
}

describe('sinks', () => {
  it('fileSink appends one JSON line per notification', async () => {
    const dir = tempDir('mx-alerts-')
    try {
      const path = join(dir.path, 'out', 'alerts.jsonl')
      const { clock, source, manager: m } = manager([fileSink({ path })])
      await m.evaluate()
      source.set('q', 0)
      clock.set(60_000)
      await m.evaluate()
      await m.stop()
      const lines = readFileSync(path, 'utf8')
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l))
      expect(
        lines.map((n) => [n.status, n.alerts[0].status, n.alerts[0].annotations.summary]),
      ).toEqual([
        ['firing', 'firing', 'depth 50'],
        ['resolved', 'resolved', 'depth 50'],
      ])
    } finally {
      dir.remove()
    }
  })

  it('consoleSink prints a line with status, group and summary', async () => {
    const lines: string[] = []
    const { manager: m } = manager([consoleSink({ log: (l) => lines.push(l) })])
    await m.evaluate()
    await m.stop()
    expect(lines).toEqual(['[FIRING] {}:{alertname="Deep"} Deep firing: depth 50'])
  })

  it('a failing sink reports sinkError and never stops the others or evaluation', async () => {
    const got: string[] = []
    let release: () => void = () => undefined
    const slow: Sink = {
      name: 'slow',
      send: () =>
        new Promise<void>((resolve) => {
          release = resolve
        }),
    }
    const {
      clock,
      source,
      manager: m,
    } = manager([
      callbackSink(
        () => {
          throw new Error('nope')
        },
        { name: 'broken' },
      ),
      slow,
      callbackSink((n) => void got.push(n.status), { name: 'ok' }),
    ])
    const errors: string[] = []
    m.on('sinkError', (error, _n, sink) => void errors.push(`${sink}: ${(error as Error).message}`))
    const delivered: string[] = []
    m.on('notification', (_n, sink) => void delivered.push(sink))
    await m.evaluate()
    source.set('q', 0)
    clock.set(60_000)
    await m.evaluate()
    await new Promise((resolve) => setImmediate(resolve))
    expect(got).toEqual(['firing', 'resolved'])
    expect(errors).toEqual(['broken: nope', 'broken: nope'])
    expect(delivered).toEqual(['ok', 'ok'])
    release()
    const stopping = m.stop()
    await new Promise((resolve) => setImmediate(resolve))
    release()
    await stopping
    expect(delivered.sort()).toEqual(['ok', 'ok', 'slow', 'slow'])
  })

  it('stop({ abortDeliveries }) aborts in-flight sends through their signal', async () => {
    const aborted: string[] = []
    const hanging: Sink = {
      name: 'hanging',
      send: (_n, signal) =>
        new Promise<void>((_, reject) =>
          signal.addEventListener('abort', () => {
            aborted.push('yes')
            reject(signal.reason)
          }),
        ),
    }
    const { manager: m } = manager([hanging])
    await m.evaluate()
    await new Promise((resolve) => setImmediate(resolve))
    await m.stop({ abortDeliveries: true })
    expect(aborted).toEqual(['yes'])
  })
})
