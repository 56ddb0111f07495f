// What every mx package shares (see README.md): each package re-exports this file from its own
// src/kernel.ts, and the build inlines it.
export * from './clock'
export * from './errors'
export * from './gc'
export * from './metrics'
export * from './options'
export * from './trace'
export * from './units'
export * from './values'
