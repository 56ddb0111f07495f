import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { reportFigures } from './helpers/figures'

const root = resolve(import.meta.dirname, '..', '..')

function sourceFiles(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path))
    else if (/\.(ts|mts|cts|js|mjs|cjs)$/.test(name)) out.push(path)
  }
  return out
}

// Code built from data at run time (a regex scan of the sources, comments stripped per line). `redis.eval(script)` (a Lua script sent to Redis, the
// cache's own constant) is a method call and is not matched: `eval` must not follow a `.`.
const DYNAMIC_CODE = [
  { name: 'eval()', pattern: /(?<![.\w$])eval\s*\(/ },
  { name: 'new Function()', pattern: /\bnew\s+Function\s*\(/ },
  { name: 'Function() call', pattern: /(?<![.\w$])Function\s*\(\s*['"`]/ },
  // node:vm is allowed on a constant literal (memory's forceGc borrows `gc` that way), never on
  // anything computed.
  {
    name: 'node:vm on non-literal code',
    pattern:
      /\b(runIn(New|This)?Context|new\s+Script|compileFunction)\s*\(\s*(?!(['"])[^'"`$]*\3\s*[,)])/,
  },
  { name: 'setTimeout/setInterval with a string', pattern: /\bset(Timeout|Interval)\s*\(\s*['"`]/ },
]

describe('no eval or new Function on data', () => {
  it('the scan recognises each form of dynamic code (and leaves Redis Lua calls alone)', () => {
    const samples = [
      'const x = eval(input)',
      'const f = new Function("a", body)',
      "const g = Function('return ' + text)",
      'vm.runInNewContext(source)',
      "setTimeout('doIt()', 10)",
    ]
    samples.forEach((line, index) => {
      expect(DYNAMIC_CODE[index]?.pattern.test(line), line).toBe(true)
    })
    const allowed = ['redis.eval(SCRIPT, 1, key)', "runInNewContext('gc')", 'evaluate(rule)']
    for (const line of allowed) {
      expect(
        DYNAMIC_CODE.some(({ pattern }) => pattern.test(line)),
        line,
      ).toBe(false)
    }
  })

  it('no package source builds code from strings at run time', () => {
    const packages = join(root, 'packages')
    const files = readdirSync(packages).flatMap((pkg) => {
      const src = join(packages, pkg, 'src')
      try {
        return sourceFiles(src)
      } catch {
        return []
      }
    })
    expect(files.length).toBeGreaterThan(50)
    const hits: string[] = []
    for (const file of files) {
      const lines = readFileSync(file, 'utf8').split('\n')
      lines.forEach((line, index) => {
        const code = line.replace(/\/\/.*$/, '')
        for (const { name, pattern } of DYNAMIC_CODE) {
          if (pattern.test(code))
            hits.push(`${relative(root, file)}:${index + 1} ${name}: ${line.trim()}`)
        }
      })
    }
    reportFigures('security-no-eval', { filesScanned: files.length, hits: hits.length })
    expect(hits).toEqual([])
  })
})
