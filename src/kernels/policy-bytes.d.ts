// Types of src/kernels/policy-bytes.js, which scripts/inline-wasm.mjs generates from
// build/policy.wasm (`npm run build:wasm`); committed so that type-checking needs
// no build.

/** The forward-only kernel module of ddpg-wasm/policy (assembly/policy.ts), one char per byte (see scripts/inline-wasm.mjs). */
export declare const POLICY_WASM_TEXT: string;
/** Its length in bytes: a text decoded as anything but UTF-8 is refused. */
export declare const POLICY_WASM_LENGTH: number;
