// The two plain series types of the registry: a counter and a gauge.
import { InvalidValueError } from './errors'
import { describeValue } from './kernel'
import type { CounterHandle, GaugeHandle } from './types'

/** A counter series: `inc` checks its argument and adds. */
export class Counter implements CounterHandle {
  value = 0

  constructor(readonly name: string) {}

  inc(n = 1): void {
    if (typeof n !== 'number' || !(n >= 0 && n <= Number.MAX_VALUE)) {
      throw new InvalidValueError(
        this.name,
        n,
        `counter "${this.name}" increments by finite values ≥ 0, got ${describeValue(n)}`,
      )
    }
    this.value += n
  }
}

/** A gauge series: any finite value. */
export class Gauge implements GaugeHandle {
  value = 0

  constructor(readonly name: string) {}

  set(value: number): void {
    if (!Number.isFinite(value)) {
      throw new InvalidValueError(
        this.name,
        value,
        `gauge "${this.name}" takes finite values, got ${describeValue(value)}`,
      )
    }
    this.value = value
  }

  inc(n = 1): void {
    this.set(this.value + this.step(n))
  }

  dec(n = 1): void {
    this.set(this.value - this.step(n))
  }

  // `+` on a Symbol or a BigInt throws a TypeError: refuse them with the gauge's own error.
  private step(n: unknown): number {
    if (typeof n === 'number') return n
    throw new InvalidValueError(
      this.name,
      n as number,
      `gauge "${this.name}" takes finite values, got ${describeValue(n)}`,
    )
  }
}
