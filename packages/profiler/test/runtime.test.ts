import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { createProfiler } from '../src/index'

describe('runtime collectors', () => {
  it('report event-loop delay, utilization, GC pauses by kind and memory', async () => {
    const p = createProfiler({ collectRuntime: true, intervalMs: 10 })
    try {
      // Enough short-lived garbage to force young-generation collections.
      let keep = 0
      for (let i = 0; i < 1_000_000; i++) keep += [i, { i }].length
      expect(keep).toBe(2_000_000)
      const busyUntil = Date.now() + 30
      while (Date.now() < busyUntil) keep++
      await new Promise<void>((resolve) => {
        const off = p.on('tick', () => {
          off()
          resolve()
        })
      })
      await sleep(20)
      const { runtime, timeline } = p.snapshot()
      expect(runtime?.memory.rss).toBeGreaterThan(0)
      expect(runtime?.memory.heapUsed).toBeGreaterThan(0)
      expect(runtime?.eventLoopDelay.maxMs).toBeGreaterThan(0)
      expect(runtime?.eventLoopUtilization).toBeGreaterThan(0)
      expect(runtime?.eventLoopUtilization).toBeLessThanOrEqual(1)
      expect(runtime?.gc.minor?.count).toBeGreaterThan(0)
      expect(timeline.length).toBeGreaterThan(0)
      expect(timeline.at(-1)?.rss).toBeGreaterThan(0)
      const exposition = p.toPrometheus()
      expect(exposition).toMatch(/runtime_gc_pause_seconds_count\{kind="minor"\} [1-9]/)
    } finally {
      p.close()
    }
    expect(p.ticking).toBe(false)
  })

  it('keeps at most timelineSize points', () => {
    const p = createProfiler({ timelineSize: 3 })
    p.counter('jobs').inc()
    for (let i = 0; i < 5; i++) p.tick()
    p.counter('jobs').inc(4)
    p.tick()
    const { timeline } = p.snapshot()
    expect(timeline).toHaveLength(3)
    expect(timeline.map((point) => point.counters.jobs)).toEqual([1, 1, 5])
  })
})
