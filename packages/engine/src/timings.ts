import type { StageTiming } from './report'

const SIZE = 2048

/** The most recent `SIZE` samples of one stage, for p50/p95 in `report()` (bounded memory). */
export class SampleRing {
  private readonly values = new Float64Array(SIZE)
  private next = 0
  count = 0
  /** Also gets every sample: the profiler's histogram of this stage, when there is one. */
  sink: ((value: number) => void) | undefined

  add(value: number): void {
    this.values[this.next] = value
    this.next = (this.next + 1) % SIZE
    this.count++
    this.sink?.(value)
  }

  summary(): StageTiming {
    const n = Math.min(this.count, SIZE)
    if (n === 0) return { count: 0, p50: 0, p95: 0 }
    const sorted = this.values.slice(0, n).sort()
    const at = (q: number) => sorted[Math.min(n - 1, Math.floor(q * n))] as number
    return { count: this.count, p50: at(0.5), p95: at(0.95) }
  }
}
