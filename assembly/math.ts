// Deterministic transcendental functions. AssemblyScript's Math/Mathf are ports
// of musl's libm written in plain wasm arithmetic, so unlike the engine's
// Math.sin/cos/exp/log/tanh (implementation-defined, they differ between V8,
// SpiderMonkey and JavaScriptCore) they give the same bits on every engine.
// The library calls these (through src/kernels/math.ts) wherever the training
// path needs a transcendental function.

export function sin(x: f64): f64 { return Math.sin(x); }
export function cos(x: f64): f64 { return Math.cos(x); }
export function exp(x: f64): f64 { return Math.exp(x); }
export function log(x: f64): f64 { return Math.log(x); }
export function tanh(x: f64): f64 { return Math.tanh(x); }
export function tanhf(x: f32): f32 { return Mathf.tanh(x); }
export function expf(x: f32): f32 { return Mathf.exp(x); }
export function logf(x: f32): f32 { return Mathf.log(x); }
