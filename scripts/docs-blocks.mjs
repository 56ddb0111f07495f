// The fenced code blocks of the project's Markdown, as test/docs.test.ts checks them: every
// README (root, packages, examples) and every page under docs/ (docs/benchmarks.md is written
// by `pnpm bench` and holds only its output).
//
// The info string says what a block is and how it is checked:
//   ```ts             type-checked with `tsc --strict` in an ESM project
//   ```js             run with node (a block that another one imports is a module, not run)
//   ```sh             checked with `bash -n`; its `pnpm <script>` lines must name real scripts
//   ```json           parsed (one value, or one per line: JSON Lines)
//   ```text output    the expected output of the runnable block just before it
//   ```ts nocheck     deliberately partial: listed, not checked (say why in the text around it)
//   ```js norun       a program that does not end by itself (a server): syntax-checked only
// A block whose first line is a comment naming a file (`// main.mjs`, `// extractor.mjs: …`) is
// written under that name, so blocks can import each other as the README tells the reader to.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'

/** Markdown files whose code blocks are checked, relative to `root`, sorted. */
export function markdownFiles(root) {
  const files = ['README.md']
  for (const group of ['packages', 'examples']) {
    for (const name of readdirSync(join(root, group)).sort()) {
      if (existsSync(join(root, group, name, 'README.md'))) files.push(`${group}/${name}/README.md`)
    }
  }
  for (const name of readdirSync(join(root, 'docs')).sort()) {
    if (name.endsWith('.md') && name !== 'benchmarks.md') files.push(`docs/${name}`)
  }
  return files.filter((file) => existsSync(join(root, file)))
}

const fileComment = /^\/\/\s*([\w./-]+\.(?:m?js|m?ts|cjs|cts))\b/
const languages = { typescript: 'ts', javascript: 'js', bash: 'sh', shell: 'sh', jsonl: 'json' }

/**
 * The fenced blocks of `markdown`: `{ file, line, lang, flags, name, code, output }`. `line` is
 * the 1-based line of the opening fence; `output` is the text of a following `output` block.
 */
export function codeBlocks(markdown, file = 'README.md') {
  const blocks = []
  const lines = markdown.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(```+|~~~+)\s*(.*)$/.exec(lines[i])
    if (!open) continue
    const [, indent, fence, info] = open
    const body = []
    let j = i + 1
    for (; j < lines.length; j++) {
      if (lines[j].trimStart().startsWith(fence) && lines[j].trim() === fence) break
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j])
    }
    const [word = '', ...rest] = info.trim().split(/\s+/)
    const lang = languages[word.toLowerCase()] ?? word.toLowerCase()
    const flags = new Set(rest)
    const code = body.join('\n')
    const named = fileComment.exec(body[0] ?? '')
    const block = { file, line: i + 1, lang, flags, name: named?.[1], code, output: undefined }
    const previous = blocks.at(-1)
    if (flags.has('output') && previous) previous.output = code
    else blocks.push(block)
    i = j
  }
  return blocks
}

/** The blocks of every checked Markdown file under `root`. */
export function projectBlocks(root) {
  return markdownFiles(root).flatMap((file) =>
    codeBlocks(readFileSync(join(root, file), 'utf8'), relative(root, join(root, file))),
  )
}

/**
 * What a README tells its reader to install: the package names of its `npm i`, `npm install`
 * and `pnpm add` lines (flags dropped), in order, each once.
 */
export function installedNames(blocks) {
  const names = []
  for (const block of blocks) {
    if (block.lang !== 'sh') continue
    for (const line of block.code.split('\n')) {
      const match = /^\s*(?:npm\s+(?:i|install)|pnpm\s+add|yarn\s+add)\s+(.*)$/.exec(line)
      if (!match) continue
      for (const word of match[1].replace(/#.*$/, '').trim().split(/\s+/)) {
        if (word && !word.startsWith('-') && !names.includes(word)) names.push(word)
      }
    }
  }
  return names
}
