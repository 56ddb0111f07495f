// The Prometheus protobuf exposition (`io.prometheus.client.MetricFamily`, length-delimited):
// what a Prometheus scraping with native histograms asks for. Histograms carry both their classic
// buckets and a native histogram (schema 6) made from the log-linear buckets; counters and
// gauges as in the text format. Written by hand: the handful of messages needs no library.

import type { Counter, Gauge } from './counter-gauge'
import type { Histogram } from './histogram'
import { HISTOGRAM_UNITS } from './kernel'
import type { Family, Registry } from './metrics'

/** The content type Prometheus asks for when it wants this format. */
export const PROTOBUF_CONTENT_TYPE =
  'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited'

/** A growable byte buffer with the protobuf wire types the exposition uses. */
class Writer {
  private bytes = new Uint8Array(1024)
  length = 0
  private readonly scratch = new DataView(new ArrayBuffer(8))

  private reserve(n: number): void {
    if (this.length + n <= this.bytes.length) return
    const next = new Uint8Array(Math.max(this.bytes.length * 2, this.length + n))
    next.set(this.bytes.subarray(0, this.length))
    this.bytes = next
  }

  varint(value: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(value))
    this.reserve(10)
    while (v >= 0x80n) {
      this.bytes[this.length++] = Number(v & 0x7fn) | 0x80
      v >>= 7n
    }
    this.bytes[this.length++] = Number(v)
  }

  tag(field: number, wireType: 0 | 1 | 2): void {
    this.varint((field << 3) | wireType)
  }

  double(field: number, value: number): void {
    this.tag(field, 1)
    this.reserve(8)
    this.scratch.setFloat64(0, value, true)
    for (let i = 0; i < 8; i++) this.bytes[this.length++] = this.scratch.getUint8(i)
  }

  uint(field: number, value: number): void {
    this.tag(field, 0)
    this.varint(value)
  }

  /** sint32/sint64: zigzag, so small negative numbers stay short. */
  sint(field: number, value: number): void {
    this.tag(field, 0)
    this.varint(zigzag(value))
  }

  string(field: number, value: string): void {
    this.bytesField(field, new TextEncoder().encode(value))
  }

  bytesField(field: number, value: Uint8Array): void {
    this.tag(field, 2)
    this.varint(value.length)
    this.raw(value)
  }

  raw(value: Uint8Array): void {
    this.reserve(value.length)
    this.bytes.set(value, this.length)
    this.length += value.length
  }

  /** A nested message written by `write` into its own writer. */
  message(field: number, write: (w: Writer) => void): void {
    const inner = new Writer()
    write(inner)
    this.bytesField(field, inner.finish())
  }

  /** A packed repeated sint64 field. */
  packedSint(field: number, values: number[]): void {
    if (values.length === 0) return
    const inner = new Writer()
    for (const v of values) inner.varint(zigzag(v))
    this.bytesField(field, inner.finish())
  }

  finish(): Uint8Array {
    return this.bytes.slice(0, this.length)
  }
}

function zigzag(value: number): bigint {
  const v = BigInt(value)
  return v >= 0n ? v << 1n : (-v << 1n) - 1n
}

// MetricType
const COUNTER = 0
const GAUGE = 1
const HISTOGRAM = 4

function labels(w: Writer, pairs: Record<string, string>): void {
  for (const [name, value] of Object.entries(pairs)) {
    w.message(1, (l) => {
      l.string(1, name)
      l.string(2, value)
    })
  }
}

/** One histogram series: classic buckets, then the native histogram (spans and deltas). */
function histogram(w: Writer, family: Family, h: Histogram): void {
  const per = family.unit ? HISTOGRAM_UNITS[family.unit].per : 1
  w.uint(1, h.count)
  w.double(2, h.sum / per)
  const cumulative = h.cumulative()
  ;(family.buckets ?? []).forEach((le, i) => {
    w.message(3, (b) => {
      b.uint(1, cumulative[i] ?? 0)
      b.double(2, le)
    })
  })
  const native = h.nativeBuckets(per)
  w.sint(5, 6)
  w.double(6, native.zeroThreshold)
  w.uint(7, native.zeroCount)
  const indexes = [...native.buckets.keys()].sort((a, b) => a - b)
  // spans of consecutive buckets; a span's offset is its distance from the end of the last one
  const deltas: number[] = []
  let previousCount = 0
  let spanStart = 0
  let spanLength = 0
  let lastEnd = 0
  const closeSpan = () => {
    if (spanLength === 0) return
    w.message(12, (s) => {
      s.sint(1, spanStart - lastEnd)
      s.uint(2, spanLength)
    })
    lastEnd = spanStart + spanLength
  }
  for (const index of indexes) {
    if (spanLength > 0 && index === spanStart + spanLength) spanLength++
    else {
      closeSpan()
      spanStart = index
      spanLength = 1
    }
    const count = native.buckets.get(index) as number
    deltas.push(count - previousCount)
    previousCount = count
  }
  closeSpan()
  w.packedSint(13, deltas)
}

/** Every metric of the registry in the protobuf exposition (length-delimited MetricFamily messages). */
export function toPrometheusProtobuf(registry: Registry, prefix = ''): Uint8Array {
  const out = new Writer()
  const families = [...registry.families.values()].sort((a, b) =>
    a.exposedName.localeCompare(b.exposedName),
  )
  for (const family of families) {
    let name = prefix + family.exposedName
    if (family.type === 'counter' && !name.endsWith('_total')) name += '_total'
    const message = new Writer()
    message.string(1, name)
    message.string(2, family.help)
    message.uint(
      3,
      family.type === 'counter' ? COUNTER : family.type === 'gauge' ? GAUGE : HISTOGRAM,
    )
    for (const { labels: pairs, metric } of family.series.values()) {
      message.message(4, (m) => {
        labels(m, pairs)
        if (family.type === 'histogram')
          m.message(7, (h) => histogram(h, family, metric as Histogram))
        else if (family.type === 'counter')
          m.message(3, (c) => c.double(1, (metric as Counter).value))
        else m.message(2, (g) => g.double(1, (metric as Gauge).value))
      })
    }
    // a delimited stream: each message is its length (a varint) and its bytes, no tag
    const bytes = message.finish()
    out.varint(bytes.length)
    out.raw(bytes)
  }
  return out.finish()
}
