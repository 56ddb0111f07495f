// Runs every benchmark of the package in turn (`pnpm bench`).
export {}

await import('./hash.bench')
console.log(`\n${'-'.repeat(100)}\n`)
await import('./diff.bench')
console.log(`\n${'-'.repeat(100)}\n`)
await import('./update.bench')
