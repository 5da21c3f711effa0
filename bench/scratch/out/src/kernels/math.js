/**
 * Deterministic math for the training path. Engine Math.sin/cos/exp/log/tanh are
 * implementation-defined (V8, SpiderMonkey and JavaScriptCore differ in the last
 * bit), so everything that feeds training calls these instead: AssemblyScript's
 * musl ports, compiled into the kernel module, identical on every engine.
 * `+ − × ÷`, Math.sqrt, Math.fround and Math.abs are IEEE-exact and fine to use.
 */
import { detMath } from './loader.js';
export function sin(x) { return detMath().sin(x); }
export function cos(x) { return detMath().cos(x); }
export function exp(x) { return detMath().exp(x); }
export function log(x) { return detMath().log(x); }
export function tanh(x) { return detMath().tanh(x); }
/** float32 tanh (musl tanhf), the one the activation kernels use. */
export function tanhf(x) { return detMath().tanhf(x); }
