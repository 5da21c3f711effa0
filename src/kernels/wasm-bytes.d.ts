// Types of src/kernels/wasm-bytes.js, which scripts/inline-wasm.mjs generates from
// build/kernels.wasm (`npm run build:wasm`); committed so that type-checking needs
// no build.

/** The release kernel module, one char per byte (see scripts/inline-wasm.mjs). */
export declare const WASM_TEXT: string;
/** Its length in bytes: a text decoded as anything but UTF-8 is refused. */
export declare const WASM_LENGTH: number;
