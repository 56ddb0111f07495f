// The kernel every mx package shares (tooling/kernel, never published): the one door to it.
// A relative import, so the build inlines it, code and types, and the package installs alone.
export * from '../../../tooling/kernel/src/index'
