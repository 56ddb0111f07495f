import { describe, expect, it } from 'vitest'
import { coarseClock } from '../src/clock'
import type { Clock } from '../src/index'

/** A clock whose time moves by one millisecond on every read, counting the reads. */
function tickingClock() {
  let time = 0
  const base: Clock & { reads: number } = {
    reads: 0,
    now() {
      base.reads++
      return ++time
    },
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  }
  return base
}

describe('coarseClock', () => {
  it('reuses one reading of the base clock within an event-loop turn', () => {
    const base = tickingClock()
    const clock = coarseClock(base)
    expect(clock.now()).toBe(1)
    expect(clock.now()).toBe(1)
    expect(clock.now()).toBe(1)
    expect(base.reads).toBe(1)
  })

  it('reads the base clock again after 1024 cached reads in the same turn', () => {
    const base = tickingClock()
    const clock = coarseClock(base)
    const seen = Array.from({ length: 1025 }, () => clock.now())
    expect(seen.slice(0, 1024).every((time) => time === 1)).toBe(true)
    expect(seen[1024]).toBe(2)
    expect(base.reads).toBe(2)
  })

  it('reads the base clock again in the next turn', async () => {
    const base = tickingClock()
    const clock = coarseClock(base)
    expect(clock.now()).toBe(1)
    await new Promise((resolve) => setImmediate(resolve))
    expect(clock.now()).toBe(2)
    expect(clock.now()).toBe(2)
    expect(base.reads).toBe(2)
  })

  it('passes timers through to the base clock', () => {
    const base = tickingClock()
    expect(coarseClock(base).setTimeout).toBe(base.setTimeout)
    expect(coarseClock(base).clearTimeout).toBe(base.clearTimeout)
  })
})
