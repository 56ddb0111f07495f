import { describe, expect, it } from 'vitest'
import { prometheusName, unitFromName } from '../src/index'

describe('prometheusName', () => {
  it('spells a metric name the way Prometheus conventions want it', () => {
    expect(prometheusName('cache.hitRatio')).toBe('cache_hit_ratio')
    expect(prometheusName('memory.heapUsedRatio')).toBe('memory_heap_used_ratio')
    expect(prometheusName('documents.ok')).toBe('documents_ok')
    expect(prometheusName('v2Count')).toBe('v2_count')
  })

  it('ends a histogram with a unit in its base unit, once', () => {
    expect(prometheusName('extract.duration', 'milliseconds')).toBe('extract_duration_seconds')
    expect(prometheusName('mx_cache_lookup_ms', 'milliseconds')).toBe('mx_cache_lookup_seconds')
    expect(prometheusName('gc.pause.seconds', 'seconds')).toBe('gc_pause_seconds')
    expect(prometheusName('payload', 'bytes')).toBe('payload_bytes')
    expect(prometheusName('payload.bytes', 'bytes')).toBe('payload_bytes')
  })

  it('reads a unit from a name suffix', () => {
    expect(unitFromName('db.query.ms')).toBe('milliseconds')
    expect(unitFromName('mx_cache_lookup_ms')).toBe('milliseconds')
    expect(unitFromName('x.milliseconds')).toBe('milliseconds')
    expect(unitFromName('gc.pause.seconds')).toBe('seconds')
    expect(unitFromName('response_bytes')).toBe('bytes')
    expect(unitFromName('items')).toBeUndefined()
    expect(unitFromName('terms')).toBeUndefined()
  })
})
