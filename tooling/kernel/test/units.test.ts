import { describe, expect, it } from 'vitest'
import { toBytes, toMilliseconds } from '../src/index'

describe('toMilliseconds', () => {
  it.each([
    [0, 0],
    [250, 250],
    [1.5, 1.5],
    ['0', 0],
    ['250ms', 250],
    ['30s', 30_000],
    ['1.5s', 1500],
    ['.5s', 500],
    ['5m', 300_000],
    ['5 min', 300_000],
    ['2sec', 2000],
    ['1h30m', 5_400_000],
    ['1h 30m 15s', 5_415_000],
    ['1d', 86_400_000],
    ['1w', 604_800_000],
    ['  10S ', 10_000],
  ])('%j is %d ms', (input, ms) => {
    expect(toMilliseconds(input)).toBe(ms)
  })

  it.each([
    -1,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    '',
    ' ',
    '-5s',
    '5',
    '250',
    '5 minutes',
    '5x',
    's',
    '5m junk',
    '1e3ms',
    `${'9'.repeat(400)}d`,
    null,
    undefined,
    {},
    [],
  ])('%j is no duration', (input) => {
    expect(toMilliseconds(input)).toBeUndefined()
  })
})

describe('toBytes', () => {
  it.each([
    [0, 0],
    [1024, 1024],
    [10.7, 10],
    ['512', 512],
    ['64kb', 64 * 1024],
    ['64 KiB', 64 * 1024],
    ['512mb', 512 * 1024 ** 2],
    ['1.5g', 1.5 * 1024 ** 3],
    ['1TB', 1024 ** 4],
    ['100b', 100],
  ])('%j is %d bytes', (input, bytes) => {
    expect(toBytes(input)).toBe(bytes)
  })

  it('rejects what is not a number or text', () => {
    expect(toMilliseconds(10n)).toBeUndefined()
    expect(toBytes(10n)).toBeUndefined()
  })

  it.each([
    -1,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    '',
    'mb',
    '5 parsecs',
    '1h',
    '-1kb',
    null,
    {},
  ])('%j is no size', (input) => {
    expect(toBytes(input)).toBeUndefined()
  })
})
