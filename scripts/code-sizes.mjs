// Source files over 300 lines and functions over 120 lines, in the published packages, the
// private tooling and the examples (their `src/`). `node scripts/code-sizes.mjs` prints them;
// test/code-sizes.test.ts pins the ones still waiting to be split, so no new one appears and
// none grows unnoticed.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import ts from 'typescript'

export const MAX_FILE_LINES = 300
export const MAX_FUNCTION_LINES = 120

const root = resolve(import.meta.dirname, '..')

/** The tracked source files under `packages/*\/src`, `tooling/*\/src` and `examples/*\/src`. */
function sourceFiles() {
  const listed = execFileSync(
    'git',
    ['ls-files', '--cached', '--others', '--exclude-standard', 'packages', 'tooling', 'examples'],
    { cwd: root, encoding: 'utf8' },
  )
  return listed
    .split('\n')
    .filter((file) => /^(packages|tooling|examples)\/[^/]+\/src\/.+\.(ts|mts|mjs|js)$/.test(file))
    .filter((file) => !file.endsWith('.d.ts'))
    .sort()
}

/** The name a reader would search for: the declared name, or the variable or property it is assigned to. */
function nameOf(node) {
  if (node.name) return node.name.getText()
  const parent = node.parent
  if (parent && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)))
    return parent.name.getText()
  return '(anonymous)'
}

/**
 * `{ 'path': lines }` for files over the limit and `{ 'path#name': lines }` for functions over
 * it (a nested function is counted on its own, and inside its parent's lines).
 */
export function oversized() {
  const found = {}
  for (const file of sourceFiles()) {
    const text = readFileSync(resolve(root, file), 'utf8')
    const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0)
    if (lines > MAX_FILE_LINES) found[file] = lines
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
    const visit = (node) => {
      if (ts.isFunctionLike(node) && node.body) {
        const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line
        const end = source.getLineAndCharacterOfPosition(node.getEnd()).line
        if (end - start + 1 > MAX_FUNCTION_LINES) found[`${file}#${nameOf(node)}`] = end - start + 1
      }
      ts.forEachChild(node, visit)
    }
    visit(source)
  }
  return found
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const found = Object.entries(oversized()).sort(([, a], [, b]) => b - a)
  for (const [where, lines] of found) console.log(`${String(lines).padStart(5)}  ${where}`)
  console.log(
    `${found.length} over the limits (files ${MAX_FILE_LINES} lines, functions ${MAX_FUNCTION_LINES})`,
  )
}
