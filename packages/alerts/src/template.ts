import { formatDuration } from './duration'
import { InvalidOptionError, TemplateInvalidError } from './errors'
import { describeValue } from './kernel'
import type { Labels } from './types'

/** Data a template sees: `$value`, `$labels.x` (and `$labels` as a whole). */
export interface TemplateData {
  value: number | undefined
  labels: Labels
}

/** A parsed template; `render` never throws. */
export type CompiledTemplate = (data: TemplateData) => string

/**
 * Why a template failed to parse and where (offset in the source). Internal: callers see it as
 * a `TemplateInvalidError` naming the rule and annotation, or `source` for `compileTemplate()`.
 */
export class TemplateSyntaxError extends Error {
  constructor(
    readonly position: number,
    readonly reason: string,
  ) {
    super(`${reason} at offset ${position}`)
    this.name = 'TemplateSyntaxError'
  }
}

type Arg = { kind: 'lit'; value: string | number } | { kind: 'var'; path: string[] }
interface Command {
  fn: string | undefined
  args: Arg[]
}
type Part = string | Command[]

type Fn = (args: unknown[]) => unknown

const FUNCTIONS: Record<string, { arity: number; call: Fn }> = {
  printf: { arity: -1, call: ([format, ...rest]) => printf(String(format), rest) },
  humanize: { arity: 1, call: ([v]) => humanize(v) },
  humanizePercentage: { arity: 1, call: ([v]) => `${trim(Number(v) * 100)}%` },
  humanizeDuration: { arity: 1, call: ([v]) => formatDuration(Math.round(Number(v) * 1000)) },
  toUpper: { arity: 1, call: ([v]) => text(v).toUpperCase() },
  toLower: { arity: 1, call: ([v]) => text(v).toLowerCase() },
}

function trim(n: number): string {
  return Number.isFinite(n) ? String(Number(n.toFixed(4))) : String(n)
}

function text(v: unknown): string {
  if (v === undefined) return ''
  if (typeof v === 'number') return trim(v)
  if (typeof v === 'object' && v !== null) {
    return Object.entries(v)
      .map(([k, x]) => `${k}=${String(x)}`)
      .join(', ')
  }
  return String(v)
}

function humanize(v: unknown): string {
  const n = Number(v)
  if (!Number.isFinite(n) || Math.abs(n) < 1000) return trim(n)
  const units = ['k', 'M', 'G', 'T', 'P']
  let scaled = n
  let unit = ''
  for (const u of units) {
    if (Math.abs(scaled) < 1000) break
    scaled /= 1000
    unit = u
  }
  return `${trim(scaled)}${unit}`
}

/** A safe subset of Go's printf: %s %v %d %f %.Nf %%. */
function printf(format: string, args: unknown[]): string {
  let index = 0
  return format.replace(/%(\.(\d+))?([sdvf%])/g, (_, __, precision: string | undefined, verb) => {
    if (verb === '%') return '%'
    const arg = args[index++]
    if (verb === 'd') return String(Math.trunc(Number(arg)))
    if (verb === 'f') return Number(arg).toFixed(precision === undefined ? 6 : Number(precision))
    return text(arg)
  })
}

function tokenize(source: string, offset: number): Array<{ text: string; at: number }> {
  const tokens: Array<{ text: string; at: number }> = []
  let i = 0
  while (i < source.length) {
    const ch = source[i] as string
    if (/\s/.test(ch)) {
      i++
    } else if (ch === '|') {
      tokens.push({ text: '|', at: offset + i })
      i++
    } else if (ch === '"') {
      let j = i + 1
      while (j < source.length && source[j] !== '"') j += source[j] === '\\' ? 2 : 1
      if (j >= source.length) throw new TemplateSyntaxError(offset + i, 'unterminated string')
      tokens.push({ text: source.slice(i, j + 1), at: offset + i })
      i = j + 1
    } else {
      const match = /^[^\s|"]+/.exec(source.slice(i))
      const word = (match as RegExpExecArray)[0]
      tokens.push({ text: word, at: offset + i })
      i += word.length
    }
  }
  return tokens
}

function parseArg(token: { text: string; at: number }): Arg {
  const { text: t, at } = token
  if (t.startsWith('"')) return { kind: 'lit', value: parseString(token) }
  if (/^-?\d+(\.\d+)?$/.test(t)) return { kind: 'lit', value: Number(t) }
  if (t === '$value') return { kind: 'var', path: ['value'] }
  if (t === '$labels') return { kind: 'var', path: ['labels'] }
  const label = /^\$labels\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(t)
  if (label) return { kind: 'var', path: ['labels', label[1] as string] }
  throw new TemplateSyntaxError(at, `unknown term ${t}; use $value, $labels or $labels.name`)
}

function parseString({ text: t, at }: { text: string; at: number }): string {
  try {
    return JSON.parse(t) as string
  } catch {
    // A bad escape (`"\q"`) or a raw control character: JSON.parse's SyntaxError, made ours.
    throw new TemplateSyntaxError(at, `invalid string literal ${t}`)
  }
}

function parseAction(source: string, offset: number): Command[] {
  const tokens = tokenize(source, offset)
  if (tokens.length === 0) throw new TemplateSyntaxError(offset, 'empty action')
  const commands: Command[] = []
  let current: Array<{ text: string; at: number }> = []
  const flush = (at: number) => {
    const [head, ...rest] = current
    if (!head) throw new TemplateSyntaxError(at, 'empty command in pipeline')
    const fn = Object.hasOwn(FUNCTIONS, head.text) ? FUNCTIONS[head.text] : undefined
    if (fn) {
      const args = rest.map(parseArg)
      const given = args.length + (commands.length > 0 ? 1 : 0)
      if (fn.arity >= 0 && given !== fn.arity) {
        throw new TemplateSyntaxError(
          head.at,
          `${head.text} takes ${fn.arity} argument(s), got ${given}`,
        )
      }
      commands.push({ fn: head.text, args })
    } else {
      if (commands.length > 0 || rest.length > 0) {
        throw new TemplateSyntaxError(head.at, `unknown function ${head.text}`)
      }
      commands.push({ fn: undefined, args: [parseArg(head)] })
    }
    current = []
  }
  for (const token of tokens) {
    if (token.text === '|') flush(token.at)
    else current.push(token)
  }
  flush(offset + source.length)
  return commands
}

/**
 * Compiles a template such as `'ratio {{ $value | printf "%.2f" }} on {{ $labels.host }}'`.
 * A tiny parser, no `eval`: terms `$value`, `$labels`, `$labels.name`, string/number literals,
 * pipelines into `printf`, `humanize`, `humanizePercentage`, `humanizeDuration`, `toUpper`, `toLower`.
 * Throws `TemplateInvalidError` (code `MX_ALERT_TEMPLATE_INVALID`) with the offset of the
 * problem, or `InvalidOptionError` when `source` is not a string.
 */
export function compileTemplate(source: string): CompiledTemplate {
  if (typeof source !== 'string') {
    throw new InvalidOptionError(
      'source',
      `source must be a template string, got ${describeValue(source)}`,
    )
  }
  try {
    return parseTemplate(source)
  } catch (error) {
    if (!(error instanceof TemplateSyntaxError)) throw error
    throw new TemplateInvalidError('', 'source', error.position, error.reason)
  }
}

/** Parses a template; throws `TemplateSyntaxError` for the caller to name the culprit. */
export function parseTemplate(source: string): CompiledTemplate {
  const parts: Part[] = []
  let i = 0
  while (i < source.length) {
    const open = source.indexOf('{{', i)
    const strayClose = source.indexOf('}}', i)
    if (strayClose !== -1 && (open === -1 || strayClose < open)) {
      throw new TemplateSyntaxError(strayClose, 'unexpected }}')
    }
    if (open === -1) {
      parts.push(source.slice(i))
      break
    }
    if (open > i) parts.push(source.slice(i, open))
    const close = source.indexOf('}}', open + 2)
    if (close === -1) throw new TemplateSyntaxError(open, 'unclosed {{')
    const inner = source.slice(open + 2, close)
    if (inner.includes('{{'))
      throw new TemplateSyntaxError(open + 2 + inner.indexOf('{{'), 'nested {{')
    parts.push(parseAction(inner, open + 2))
    i = close + 2
  }
  if (parts.every((part) => typeof part === 'string')) {
    const constant = parts.join('')
    return () => constant
  }
  return (data) => {
    let out = ''
    for (const part of parts) out += typeof part === 'string' ? part : text(run(part, data))
    return out
  }
}

function resolve(arg: Arg, data: TemplateData): unknown {
  if (arg.kind === 'lit') return arg.value
  if (arg.path[0] === 'value') return data.value
  if (arg.path.length === 1) return data.labels
  const name = arg.path[1] as string
  return Object.hasOwn(data.labels, name) ? data.labels[name] : undefined
}

function run(commands: Command[], data: TemplateData): unknown {
  let piped: unknown
  commands.forEach((command, index) => {
    const args = command.args.map((arg) => resolve(arg, data))
    if (command.fn === undefined) {
      piped = args[0]
      return
    }
    if (index > 0) args.push(piped)
    piped = (FUNCTIONS[command.fn] as { call: Fn }).call(args)
  })
  return piped
}
