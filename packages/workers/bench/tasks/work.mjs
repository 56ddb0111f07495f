// The three workloads, shared by every pool under test and by the inline baseline.
export function trivial(n) {
  return n + 1
}

export function cpu(n) {
  // About a few ms of pure CPU: naive Fibonacci.
  const fib = (k) => (k < 2 ? k : fib(k - 1) + fib(k - 2))
  return fib(27) + n
}

export function bytes(doc) {
  // A light per-byte pass over a document: count lines and non-ASCII bytes.
  const view = doc instanceof Uint8Array ? doc : new Uint8Array(doc)
  let lines = 0
  let high = 0
  for (let i = 0; i < view.length; i++) {
    const b = view[i]
    if (b === 10) lines++
    else if (b > 127) high++
  }
  return lines * 1000 + high
}

export const workloads = { trivial, cpu, bytes }
