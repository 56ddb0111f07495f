export declare function trivial(n: number): number
export declare function cpu(n: number): number
export declare function bytes(doc: Uint8Array | ArrayBuffer): number
export declare const workloads: Record<'trivial' | 'cpu' | 'bytes', (input: never) => number>
