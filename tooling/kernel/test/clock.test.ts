import { describe, expect, it } from 'vitest'
import { manualClock, monotonicClock, systemClock, withTimers } from '../src/index'

describe('manualClock', () => {
  it('fires due timers in time order, each at its own time, and awaits them', async () => {
    const clock = manualClock(1000)
    const fired: Array<[string, number]> = []
    clock.setTimeout(() => fired.push(['b', clock.now()]), 20)
    clock.setTimeout(async () => {
      await Promise.resolve()
      fired.push(['a', clock.now()])
    }, 10)
    const late = clock.setTimeout(() => fired.push(['late', clock.now()]), 50)
    expect(clock.pending()).toBe(3)
    await clock.advance(30)
    expect(fired).toEqual([
      ['a', 1010],
      ['b', 1020],
    ])
    expect(clock.now()).toBe(1030)
    clock.clearTimeout(late)
    await clock.advance(100)
    expect(fired).toHaveLength(2)
    expect(clock.pending()).toBe(0)
  })

  it('fires a timer set by a timer when it falls within the same advance', async () => {
    const clock = manualClock()
    const fired: number[] = []
    clock.setTimeout(() => {
      fired.push(clock.now())
      clock.setTimeout(() => fired.push(clock.now()), 5)
    }, 5)
    await clock.advance(10)
    expect(fired).toEqual([5, 10])
  })

  it('moves forward synchronously when no timer is due, and set() never goes back', () => {
    const clock = manualClock(50)
    void clock.advance(25)
    expect(clock.now()).toBe(75)
    clock.set(10)
    expect(clock.now()).toBe(75)
    clock.set(100)
    expect(clock.now()).toBe(100)
  })
})

describe('the real clocks', () => {
  it('systemClock reads epoch time, monotonicClock process time, and both run timers', async () => {
    expect(Math.abs(systemClock.now() - Date.now())).toBeLessThan(1000)
    expect(Math.abs(monotonicClock.now() - performance.now())).toBeLessThan(1000)
    for (const clock of [systemClock, monotonicClock]) {
      const fired = await new Promise<boolean>((resolve) => {
        clock.setTimeout(() => resolve(true), 1)
      })
      expect(fired).toBe(true)
      let cancelled = true
      const handle = clock.setTimeout(() => {
        cancelled = false
      }, 1)
      clock.clearTimeout(handle)
      await new Promise((resolve) => setTimeout(resolve, 5))
      expect(cancelled).toBe(true)
    }
  })
})

describe('withTimers', () => {
  it("uses the clock's own timers when it has them", async () => {
    const manual = manualClock()
    const clock = withTimers(manual)
    let fired = false
    clock.setTimeout(() => {
      fired = true
    }, 100)
    expect(manual.pending()).toBe(1)
    await manual.advance(100)
    expect(fired).toBe(true)
    expect(clock.now()).toBe(100)
  })

  it('falls back to the global timers for a clock that only tells the time', async () => {
    const clock = withTimers({ now: () => 42 })
    expect(clock.now()).toBe(42)
    const fired = await new Promise<boolean>((resolve) => {
      clock.setTimeout(() => resolve(true), 1)
    })
    expect(fired).toBe(true)
  })
})
