import type { CostOptions } from './api'

/** Elements a document may have to be probed inline while nothing has been measured yet. */
const PROBE_ELEMENTS = 32

/**
 * Decides per document whether its element work runs inline or in worker threads, from an
 * exponentially weighted moving average of the measured µs per element. A worker round trip
 * (clone, message, wake-up) costs a fixed amount, so work below `inlineBelowUs` is cheaper
 * inline; above it, threads win.
 */
export class CostModel {
  private usPerElement: number | undefined
  private readonly inlineBelowUs: number
  private readonly alpha: number

  constructor(options: CostOptions = {}) {
    this.inlineBelowUs = options.inlineBelowUs ?? 1000
    this.alpha = options.alpha ?? 0.2
    this.usPerElement = options.initialUsPerElement
  }

  /** Current estimate of µs per element, or undefined before the first measurement. */
  get estimate(): number | undefined {
    return this.usPerElement
  }

  /** Where `elements` pending elements should run. */
  decide(elements: number): 'inline' | 'workers' {
    if (this.inlineBelowUs <= 0) return 'workers'
    if (this.usPerElement === undefined) return elements <= PROBE_ELEMENTS ? 'inline' : 'workers'
    return elements * this.usPerElement < this.inlineBelowUs ? 'inline' : 'workers'
  }

  /** Feeds a measurement: `elements` elements took `us` microseconds of element work. */
  observe(elements: number, us: number): void {
    if (elements <= 0 || !(us >= 0)) return
    const sample = us / elements
    this.usPerElement =
      this.usPerElement === undefined
        ? sample
        : this.usPerElement + this.alpha * (sample - this.usPerElement)
  }
}
