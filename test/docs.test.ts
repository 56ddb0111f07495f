// The README is code: every fenced block of every README and docs page is checked against the
// packed packages installed alone, as a reader who copies it would run it (scripts/docs-blocks.mjs
// says how each kind of block is checked). Each package README gets its own empty ESM project
// with what that README tells the reader to install (its `npm i …` lines: our tarballs, the
// peers it names) plus the third-party packages its blocks import; the root README, the examples'
// READMEs and docs/ share one project with every package. TypeScript blocks are type-checked
// with `tsc --strict` and no `skipLibCheck`; JavaScript blocks run with node and their output is
// compared where the README shows it. Needs a build first (`pnpm test` builds).
import { execFile, execFileSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { installedNames, projectBlocks } from '../scripts/docs-blocks.mjs'
import { publishedPackages } from '../scripts/export-counts.mjs'

const run = promisify(execFile)
const root = resolve(import.meta.dirname, '..')
const blocks = projectBlocks(root)
const packages = publishedPackages()
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
const pnpm = ['npx', '--yes', 'pnpm@10.34.8']

interface Block {
  file: string
  line: number
  lang: string
  flags: Set<string>
  name: string | undefined
  code: string
  output: string | undefined
}

/** Where a block lives in its project: its own name, or one made from its line. */
function blockFile(block: Block): string {
  if (block.name) return block.name
  return `block-${block.line}.${block.lang === 'ts' ? 'ts' : 'mjs'}`
}

/** The package folder a README belongs to (`packages/cache/README.md` → its manifest), if any. */
function packageOf(file: string) {
  return packages.find(({ dir }) => join(dir, 'README.md') === join(root, file))
}

/** Bare package names the blocks import (`node:` and relative imports left out). */
function importedNames(of: Block[]): string[] {
  const names = new Set<string>()
  for (const block of of) {
    if (block.lang !== 'ts' && block.lang !== 'js') continue
    for (const match of block.code.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"./][^'"]*)['"]/g)) {
      const spec = match[1] as string
      if (spec.startsWith('node:')) continue
      const parts = spec.split('/')
      names.add(spec.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string))
    }
  }
  return [...names]
}

/** The version range this repository uses for a third-party package (any manifest), or latest. */
function rangeOf(name: string): string {
  for (const manifest of [
    ...packages.map((p) => p.manifest),
    readJson(join(root, 'package.json')),
  ]) {
    for (const field of ['peerDependencies', 'devDependencies', 'dependencies']) {
      const range = manifest[field]?.[name]
      if (typeof range === 'string' && !range.startsWith('workspace:')) return range
    }
  }
  return 'latest'
}

function readJson(file: string) {
  return JSON.parse(readFileSync(file, 'utf8'))
}

interface Project {
  dir: string
  blocks: Block[]
  /** tsc's diagnostics by file name (relative to the project). */
  diagnostics: Map<string, string[]>
}

const work = mkdtempSync(join(tmpdir(), 'mx-docs-'))
const projects = new Map<string, Project>()
const tarballs = new Map<string, string>()

/** Our tarballs for `names`, with the @mx packages they depend on. */
function mxTarballs(names: string[]): string[] {
  const wanted = new Set<string>()
  const add = (name: string) => {
    if (wanted.has(name)) return
    wanted.add(name)
    const manifest = packages.find((p) => p.manifest.name === name)?.manifest
    if (!manifest) throw new Error(`${name} is not a package of this repository`)
    for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies }))
      if (dep.startsWith('@mx/')) add(dep)
  }
  for (const name of names) if (name.startsWith('@mx/')) add(name)
  return [...wanted].map((name) => tarballs.get(name) as string)
}

async function makeProject(key: string, of: Block[], mx: string[], others: string[]) {
  const dir = join(work, key.replaceAll('/', '__'))
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'reader', type: 'module' }))
  const specs = [
    ...mxTarballs(mx),
    ...others.map((name) => `${name}@${rangeOf(name)}`),
    `@types/node@${rangeOf('@types/node')}`,
  ]
  // npm as a reader runs it: the workspace's engine-strict (which pnpm hands to the scripts it
  // runs as npm_config_engine_strict) is this repository's rule, not the reader's; npm's own
  // default only warns (Fastify 5 pulls cookie@2, which asks Node 22 for fastify.inject alone)
  await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...specs], {
    cwd: dir,
    env: { ...process.env, npm_config_engine_strict: 'false' },
  })
  for (const block of of) {
    if (block.lang !== 'ts' && block.lang !== 'js') continue
    const file = join(dir, blockFile(block))
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, `${block.code}\n`)
  }
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        lib: ['es2023', 'esnext.disposable'],
        types: ['node'],
        noEmit: true,
        skipLibCheck: false,
      },
      files: of.filter(isTypeChecked).map(blockFile),
    }),
  )
  const project: Project = { dir, blocks: of, diagnostics: new Map() }
  if (of.some(isTypeChecked)) {
    const out = await run(process.execPath, [tsc, '-p', dir, '--pretty', 'false'], {
      cwd: dir,
    }).then(
      (r) => r.stdout,
      (error: { stdout?: string }) => error.stdout ?? String(error),
    )
    // `file(line,col): error …`, then indented lines that continue it; anything else is the
    // project's own (its tsconfig, a missing type package).
    let file = '(project)'
    for (const line of out.split('\n')) {
      if (!line.trim()) continue
      const match = /^(.+?)\(\d+,\d+\): error /.exec(line)
      if (match) file = match[1] as string
      else if (!/^\s/.test(line)) file = '(project)'
      project.diagnostics.set(file, [...(project.diagnostics.get(file) ?? []), line])
    }
  }
  projects.set(key, project)
}

/** A module that imports a package's main entry whole: tsc then checks all of its types. */
function aloneBlock(name: string): Block {
  return {
    file: `alone/${name}`,
    line: 1,
    lang: 'ts',
    flags: new Set(),
    name: 'alone.ts',
    code: `import * as entry from '${name}'\nexport type Entry = typeof entry\nconsole.log(Object.keys(entry).length)`,
    output: undefined,
  }
}

/** The blocks by the Markdown file they stand in, in the files' order. */
function byReadme(): Map<string, Block[]> {
  const map = new Map<string, Block[]>()
  for (const block of blocks as Block[])
    map.set(block.file, [...(map.get(block.file) ?? []), block])
  return map
}

const isTypeChecked = (block: Block) => block.lang === 'ts' && !block.flags.has('nocheck')

beforeAll(async () => {
  const packed = join(work, 'tarballs')
  mkdirSync(packed)
  for (const { dir, manifest } of packages) {
    if (!existsSync(join(dir, 'dist'))) throw new Error(`${manifest.name} is not built: pnpm build`)
    // Built already (`pnpm test` builds first): packing does not build it again.
    const out = execFileSync(
      pnpm[0] as string,
      [...pnpm.slice(1), 'pack', '--config.ignore-scripts=true', '--pack-destination', packed],
      { cwd: dir, encoding: 'utf8' },
    )
    tarballs.set(manifest.name, out.trim().split('\n').pop()?.trim() as string)
  }
  const byFile = byReadme()
  const shared: Block[] = []
  const setups: Array<Promise<void>> = []
  for (const [file, of] of byFile) {
    const owner = packageOf(file)
    if (!owner) {
      shared.push(...of)
      continue
    }
    const names = [...new Set([...installedNames(of), ...importedNames(of)])]
    const mx = names.filter((name) => name.startsWith('@mx/'))
    setups.push(
      makeProject(
        file,
        of,
        mx,
        names.filter((name) => !name.startsWith('@mx/')),
      ),
    )
  }
  // Each package alone, with nothing of what its README names: its types must compile in a
  // strict project without `skipLibCheck` (no optional peer leaks into the main entry's types).
  for (const { manifest } of packages) {
    setups.push(
      makeProject(`alone/${manifest.name}`, [aloneBlock(manifest.name)], [manifest.name], []),
    )
  }
  setups.push(
    makeProject(
      'shared',
      shared,
      packages.map((p) => p.manifest.name),
      importedNames(shared).filter((name) => !name.startsWith('@mx/')),
    ),
  )
  await Promise.all(setups)
}, 900_000)

afterAll(() => rmSync(work, { recursive: true, force: true }))

function projectOf(block: Block): Project {
  return (projects.get(block.file) ?? projects.get('shared')) as Project
}

/** Whether another block of the same file imports this one (then it is a module, not a program). */
function isImported(block: Block, of: Block[]): boolean {
  if (!block.name) return false
  return of.some((other) => other !== block && other.code.includes(`./${block.name}`))
}

/** The scripts of the workspace package named `name` (examples and packages). */
function workspaceScripts(name: string): Record<string, string> {
  for (const group of ['packages', 'examples']) {
    for (const dir of readdirSync(join(root, group))) {
      const file = join(root, group, dir, 'package.json')
      if (existsSync(file) && readJson(file).name === name) return readJson(file).scripts ?? {}
    }
  }
  return {}
}

/** Checks `pnpm <script>` lines run from the repository root against the root's scripts. */
function checkCommands(block: Block): string[] {
  const problems: string[] = []
  const scripts = readJson(join(root, 'package.json')).scripts as Record<string, string>
  const builtins = new Set(['install', 'i', 'add', 'exec', 'dlx', 'run', 'test', 'publish'])
  for (const line of block.code.split('\n')) {
    const match =
      /^\s*(?:npx\s+(?:--yes\s+)?pnpm(?:@[\w.]+)?|pnpm)\s+(?:--filter\s+(\S+)\s+)?([\w:-]+)/.exec(
        line,
      )
    if (!match || packageOf(block.file)) continue
    const [, filter, script = ''] = match
    const own = filter ? workspaceScripts(filter) : scripts
    if (!builtins.has(script) && !(script in own))
      problems.push(`\`${line.trim()}\`: no script "${script}" in ${filter ?? 'the root'}`)
  }
  return problems
}

/** Blocks checked: all but prose (no language, `text`) and those marked `nocheck`. */
const isChecked = (block: Block) =>
  !block.flags.has('nocheck') && block.lang !== '' && block.lang !== 'text'

describe('each package alone, types checked strictly', () => {
  it.each(packages.map(({ manifest }) => manifest.name as string))('%s', (name) => {
    const found = (projects.get(`alone/${name}`) as Project).diagnostics
    expect([...found.values()].flat()).toEqual([])
  })
})

describe.each([...byReadme()].filter(([, of]) => of.some(isChecked)))('%s', (_file, of) => {
  const checked = of.filter(isChecked)
  it.each(checked.map((block) => [`line ${block.line} (${block.lang})`, block] as const))(
    '%s',
    async (_title, block) => {
      if (block.lang === 'ts') {
        const found = projectOf(block).diagnostics
        expect(found.get('(project)') ?? []).toEqual([])
        expect(found.get(blockFile(block)) ?? []).toEqual([])
      } else if (block.lang === 'js') {
        const project = projectOf(block)
        const file = join(project.dir, blockFile(block))
        if (block.flags.has('norun') || isImported(block, of)) {
          await run(process.execPath, ['--check', file])
          return
        }
        const { stdout } = await run(process.execPath, [file], {
          cwd: project.dir,
          timeout: 120_000,
          env: { ...process.env, NODE_NO_WARNINGS: '1' },
        })
        if (block.output !== undefined) expect(stdout.trim()).toBe(block.output.trim())
      } else if (block.lang === 'sh') {
        await run('bash', ['-n', '-c', block.code])
        expect(checkCommands(block)).toEqual([])
      } else if (block.lang === 'json') {
        const text = block.code.trim()
        const values = text.startsWith('{') && text.includes('\n{') ? text.split('\n') : [text]
        for (const value of values) expect(() => JSON.parse(value)).not.toThrow()
      } else {
        throw new Error(`a \`${block.lang}\` block: say how to check it in scripts/docs-blocks.mjs`)
      }
    },
    180_000,
  )
})
