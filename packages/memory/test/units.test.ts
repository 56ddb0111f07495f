import { describe, expect, it } from 'vitest'
import { InvalidOptionError, parseDuration, parseSize } from '../src/index'

describe('parseSize', () => {
  it('reads binary units and plain byte counts', () => {
    expect(parseSize('1gb')).toBe(1024 ** 3)
    expect(parseSize('512mb')).toBe(512 * 1024 ** 2)
    expect(parseSize('64 KiB')).toBe(65_536)
    expect(parseSize('1.5GB')).toBe(1.5 * 1024 ** 3)
    expect(parseSize('100b')).toBe(100)
    expect(parseSize('2048')).toBe(2048)
    expect(parseSize(4096)).toBe(4096)
  })

  it('rejects unknown units, negative, zero and non-size values with an exact message', () => {
    const cases: [unknown, string][] = [
      [
        'lots',
        "budget must be a positive size in bytes or a string such as '512mb' or '1gb', got \"lots\"",
      ],
      [
        '12 parsecs',
        "budget must be a positive size in bytes or a string such as '512mb' or '1gb', got \"12 parsecs\"",
      ],
      [-1, "budget must be a positive size in bytes or a string such as '512mb' or '1gb', got -1"],
      [0, "budget must be a positive size in bytes or a string such as '512mb' or '1gb', got 0"],
      [
        '-5mb',
        "budget must be a positive size in bytes or a string such as '512mb' or '1gb', got \"-5mb\"",
      ],
      [
        Number.NaN,
        "budget must be a positive size in bytes or a string such as '512mb' or '1gb', got NaN",
      ],
      [
        null,
        "budget must be a positive size in bytes or a string such as '512mb' or '1gb', got null",
      ],
    ]
    for (const [value, message] of cases) {
      let caught: unknown
      try {
        parseSize(value, 'budget')
      } catch (error) {
        caught = error
      }
      expect(caught).toBeInstanceOf(InvalidOptionError)
      expect((caught as InvalidOptionError).option).toBe('budget')
      expect((caught as InvalidOptionError).code).toBe('MX_INVALID_OPTION')
      expect((caught as Error).message).toBe(message)
    }
  })
})

describe('parseDuration', () => {
  it('reads ms, s, m, h and plain milliseconds', () => {
    expect(parseDuration('500ms')).toBe(500)
    expect(parseDuration('30s')).toBe(30_000)
    expect(parseDuration('5m')).toBe(300_000)
    expect(parseDuration('1h')).toBe(3_600_000)
    expect(parseDuration(250)).toBe(250)
    expect(parseDuration(0, 'idleTimeout', true)).toBe(0)
  })

  it('rejects bad durations with an exact message', () => {
    expect(() => parseDuration('soon', 'interval')).toThrow(
      "interval must be a positive duration in milliseconds or a string such as '500ms' or '5m', got \"soon\"",
    )
    expect(() => parseDuration(0, 'interval')).toThrow(
      "interval must be a positive duration in milliseconds or a string such as '500ms' or '5m', got 0",
    )
    expect(() => parseDuration(-1, 'idleTimeout', true)).toThrow(
      "idleTimeout must be a non-negative duration in milliseconds or a string such as '500ms' or '5m', got -1",
    )
  })
})
