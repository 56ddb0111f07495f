// Durations and sizes as options take them: a number in the base unit (milliseconds, bytes) or
// text with a unit. One grammar for every package: alerts' `for: '5m'`, memory's `'512mb'`.

/** A duration: milliseconds, or text such as `'250ms'`, `'30s'`, `'5m'`, `'1h30m'`, `'2 d'`. */
export type Duration = number | string
/** A byte count: bytes, or text such as `'64kb'`, `'512 MiB'`, `'1gb'` (binary units). */
export type Size = number | string

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
}

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
}

const NUMBER = String.raw`(\d+(?:\.\d+)?|\.\d+)`
const DURATION_PART = new RegExp(String.raw`${NUMBER}\s*(ms|min|sec|s|m|h|d|w)\s*`, 'giy')
const SIZE = new RegExp(String.raw`^\s*${NUMBER}\s*([a-z]*)\s*$`, 'i')

/**
 * The milliseconds of a duration, or undefined when `value` is none: a finite number ≥ 0, or
 * text of one or more parts with a unit (`ms`, `s`/`sec`, `m`/`min`, `h`, `d`, `w`), as
 * Prometheus writes them (`'1h30m'`), spaces allowed (`'5 min'`); `'0'` is the one unitless text.
 */
export function toMilliseconds(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined
  if (typeof value !== 'string') return undefined
  const text = value.trim()
  // Text needs its unit (is '5' seconds or minutes?), as in Prometheus; only zero is zero.
  if (text === '0') return 0
  if (text === '') return undefined
  let total = 0
  DURATION_PART.lastIndex = 0
  while (DURATION_PART.lastIndex < text.length) {
    const match = DURATION_PART.exec(text)
    if (!match) return undefined
    total += Number(match[1]) * (DURATION_UNITS[(match[2] as string).toLowerCase()] as number)
  }
  // Hundreds of digits parse to Infinity, which no timer can wait for.
  return Number.isFinite(total) ? total : undefined
}

/**
 * The bytes of a size, or undefined when `value` is none: a finite number ≥ 0, or a number with
 * a binary unit (`b`, `kb`/`kib`/`k`, `mb`, `gb`, `tb`; any case, spaces allowed), floored.
 */
export function toBytes(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) && value >= 0 ? Math.floor(value) : undefined
  }
  if (typeof value !== 'string') return undefined
  const match = SIZE.exec(value)
  if (!match) return undefined
  const unit = (match[2] as string).toLowerCase()
  const factor = unit === '' ? 1 : SIZE_UNITS[unit]
  if (factor === undefined) return undefined
  const bytes = Number(match[1]) * factor
  return Number.isFinite(bytes) ? Math.floor(bytes) : undefined
}
