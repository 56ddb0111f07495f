#!/usr/bin/env node
// Runs publint (strict) and `attw --pack` on every published package; exits 1 on any problem.
// Run after `pnpm build`. attw uses the node16 profile: every package requires Node >= 20, so
// the legacy node10 resolution (no `exports` support) is not a target.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { exportCounts, publishedPackages } from './export-counts.mjs'

const root = resolve(import.meta.dirname, '..')
const bin = (name) => join(root, 'node_modules', '.bin', name)
const failures = []

for (const { dir, manifest } of publishedPackages()) {
  if (!existsSync(join(dir, 'dist'))) {
    failures.push(`${manifest.name}: no dist/ (run pnpm build first)`)
    continue
  }
  for (const [label, cmd, args] of [
    ['publint', bin('publint'), ['--strict']],
    ['attw', bin('attw'), ['--pack', '.', '--profile', 'node16', '--format', 'table-flipped']],
  ]) {
    console.log(`\n▶ ${manifest.name}: ${label}`)
    const run = spawnSync(cmd, args, { cwd: dir, stdio: 'inherit' })
    if (run.status !== 0) failures.push(`${manifest.name}: ${label} failed`)
  }
}

// The public surfaces, entry by entry (test/exports.test.ts pins these numbers).
if (failures.length === 0) {
  console.log('\nvalues exported, by entry point:')
  for (const [name, entries] of Object.entries(await exportCounts())) {
    const list = Object.entries(entries).map(([entry, count]) => `${entry} ${count}`)
    console.log(`  ${name.padEnd(16)} ${list.join(', ')}`)
  }
}

if (failures.length > 0) {
  console.error(`\ncheck:packages failed:\n  ${failures.join('\n  ')}`)
  process.exit(1)
}
console.log('\ncheck:packages: every package passes publint and attw')
