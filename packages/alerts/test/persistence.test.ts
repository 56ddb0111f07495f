import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tempDir } from '@mx/testkit'
import { afterEach, describe, expect, it } from 'vitest'
import { createAlertManager, type Rule } from '../src/index'
import { manualClock, recordingSink, scriptedSource } from './helpers'

const rules: Rule[] = [
  { name: 'Slow', metric: 'latency', op: '>', threshold: 100, for: '5m' },
  { name: 'Low', metric: 'ratio', op: '<', threshold: 0.8, keepFiringFor: '10m' },
]

const dirs: Array<{ remove(): void }> = []
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove()
})

function boot(stateFile: string, now: number, values: Record<string, number>) {
  const clock = manualClock(now)
  const source = scriptedSource(values)
  const { received, sink } = recordingSink()
  const stateErrors: unknown[] = []
  const manager = createAlertManager({
    source,
    clock,
    rules,
    stateFile,
    sinks: [sink],
    route: { groupWait: 0 },
  })
  manager.on('stateError', (e) => void stateErrors.push(e))
  return { clock, source, manager, received, stateErrors }
}

describe('stateFile', () => {
  it('keeps pending-since and keep-firing state across a restart', async () => {
    const dir = tempDir('mx-alerts-')
    dirs.push(dir)
    const stateFile = join(dir.path, 'nested', 'alerts.json')
    const first = boot(stateFile, 0, { latency: 500, ratio: 0.5 })
    await first.manager.evaluate()
    first.source.set('ratio', 0.9)
    first.clock.set(60_000)
    await first.manager.evaluate()
    const silence = first.manager.silence({ matchers: { alertname: 'Other' }, endsAt: 3_600_000 })
    expect(
      first.manager.active().map((a) => [a.rule, a.state, a.activeAt, a.keepFiringSince]),
    ).toEqual([
      ['Slow', 'pending', 0, undefined],
      ['Low', 'firing', 0, 60_000],
    ])
    await first.manager.stop()
    expect(readdirSync(join(dir.path, 'nested'))).toEqual(['alerts.json'])

    // The restarted process continues the `for` and keepFiringFor clocks where they were.
    const second = boot(stateFile, 5 * 60_000, { latency: 500, ratio: 0.9 })
    await second.manager.evaluate()
    expect(
      second.manager
        .active()
        .map((a) => [a.rule, a.state, a.activeAt, a.firedAt, a.keepFiringSince]),
    ).toEqual([
      ['Slow', 'firing', 0, 300_000, undefined],
      ['Low', 'firing', 0, 0, 60_000],
    ])
    expect(second.manager.silences()).toEqual([silence])
    second.clock.set(11 * 60_000)
    await second.manager.evaluate()
    expect(second.manager.alerts()[1]).toMatchObject({ state: 'resolved', resolvedAt: 660_000 })
    await second.manager.stop()
    expect(second.stateErrors).toEqual([])
    // Low was notified as firing by the first process, so the second sends its resolution.
    expect(
      first.received.map((n) => n.alerts.map((a) => `${a.labels.alertname}:${a.status}`)),
    ).toEqual([['Low:firing']])
    expect(
      second.received.map((n) => n.alerts.map((a) => `${a.labels.alertname}:${a.status}`)),
    ).toEqual([['Slow:firing'], ['Low:resolved']])
  })

  it('starts fresh and reports a StateFileError when the file is corrupt', async () => {
    const dir = tempDir('mx-alerts-')
    dirs.push(dir)
    const stateFile = join(dir.path, 'alerts.json')
    writeFileSync(stateFile, '{ not json')
    const { manager, stateErrors } = boot(stateFile, 0, { latency: 500, ratio: 0.9 })
    await manager.evaluate()
    expect(manager.active()).toMatchObject([{ rule: 'Slow', state: 'pending', activeAt: 0 }])
    expect(stateErrors).toMatchObject([{ code: 'MX_ALERT_STATE_FILE', path: stateFile }])
    await manager.stop()
    expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toMatchObject({
      version: 1,
      alerts: [{ rule: 'Slow', phase: 'pending' }],
    })
  })
})

describe('stateFile with changed rules', () => {
  it('forgets alerts of rules removed between runs instead of repeating them forever', async () => {
    const dir = tempDir('mx-alerts-')
    dirs.push(dir)
    const stateFile = join(dir.path, 'alerts.json')
    const first = boot(stateFile, 0, { latency: 500, ratio: 0.5 })
    await first.manager.evaluate()
    await first.manager.stop()
    expect(first.received).toHaveLength(1)

    const clock = manualClock(5 * 3_600_000)
    const { received, sink } = recordingSink()
    const manager = createAlertManager({
      source: scriptedSource({ latency: 500 }),
      clock,
      stateFile,
      sinks: [sink],
      rules: [rules[0] as Rule],
      route: { groupWait: 0, repeatInterval: '4h' },
    })
    await manager.evaluate()
    await manager.stop()
    // Low was firing and notified, and 5h > repeatInterval, but its rule is gone: no repeat.
    // Slow was pending since 0, so it fires now that `for` has long passed.
    expect(received.map((n) => n.alerts.map((a) => a.labels.alertname))).toEqual([['Slow']])
    expect(manager.alerts().map((a) => [a.rule, a.state])).toEqual([['Slow', 'firing']])
  })
})

describe('stateFile writes', () => {
  it('reports a StateFileError and leaves no temp file when the target cannot be replaced', async () => {
    const dir = tempDir('mx-alerts-')
    dirs.push(dir)
    const stateFile = join(dir.path, 'taken')
    mkdirSync(join(stateFile, 'not-empty'), { recursive: true })
    const { manager, stateErrors } = boot(stateFile, 0, { latency: 500, ratio: 0.5 })
    await manager.evaluate()
    await manager.stop()
    expect(stateErrors).toMatchObject([
      { code: 'MX_ALERT_STATE_FILE', path: stateFile },
      { code: 'MX_ALERT_STATE_FILE' },
    ])
    expect(readdirSync(dir.path)).toEqual(['taken'])
  })
})
