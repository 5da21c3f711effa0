/**
 * A value as an error message shows it, whatever it is: numbers, strings and
 * plain JSON as JSON, and the rest (BigInt, symbols, functions, cycles, typed
 * arrays, huge objects) by kind, so that formatting an error never throws.
 *
 * @internal
 */
export function showValue(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  if (typeof v === 'symbol' || typeof v === 'function') return typeof v;
  if (ArrayBuffer.isView(v)) return `${Object.prototype.toString.call(v).slice(8, -1)}(${(v as unknown as ArrayLike<unknown>).length})`;
  try {
    const s = JSON.stringify(v);
    if (s !== undefined) return s.length > 200 ? `${s.slice(0, 197)}...` : s;
  } catch {
    // A cycle or a BigInt inside: fall through to the kind.
  }
  return Array.isArray(v) ? `an array of length ${v.length}` : Object.prototype.toString.call(v).slice(8, -1).toLowerCase();
}

/** A name (an env id) as is when it is a string, else as showValue shows it. @internal */
export function showName(v: unknown): string {
  return typeof v === 'string' ? v : showValue(v);
}
