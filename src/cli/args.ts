/**
 * A small argv parser (no dependencies): `--flag value`, `--flag=value`,
 * boolean switches, repeatable flags, `-h`. Anything it does not understand is
 * a UsageError naming the offending argument and, when one is close, the
 * nearest valid flag; main.ts turns it into exit code 2 and a usage message.
 */
import { didYouMean } from './suggest.js';

export type FlagType = 'string' | 'int' | 'boolean' | 'list';

export interface FlagSpec {
  /** Long name without dashes, e.g. 'eval-every'. */
  readonly name: string;
  readonly type: FlagType;
  /** Placeholder shown in help, e.g. 'N', 'DIR'. */
  readonly value?: string;
  readonly help: string;
  /** Smallest accepted value of an 'int' flag (default 0). */
  readonly min?: number;
  /** Largest accepted value of an 'int' flag (default: none). */
  readonly max?: number;
}

export interface CommandSpec {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The synopsis, e.g. 'ddpg-wasm eval --checkpoint FILE [options]'. */
  readonly usage: string;
  readonly flags: readonly FlagSpec[];
  /** Placeholder of the positional arguments the command takes (e.g. 'RUN_DIR'); none when absent. */
  readonly positional?: string;
  /** Paragraphs printed after the flag list by --help. */
  readonly notes?: readonly string[];
}

/** Bad command line: exit code 2 with a usage message. */
export class UsageError extends Error {
  constructor(message: string, readonly command?: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Flags every command accepts. */
export const COMMON_FLAGS: readonly FlagSpec[] = [
  { name: 'verbose', type: 'boolean', help: 'more output; stack traces on errors' },
  { name: 'help', type: 'boolean', help: 'show this help' },
];

export class Flags {
  constructor(
    private readonly values: ReadonlyMap<string, string | number | boolean | string[]>, private readonly command: string,
    /** The positional arguments, in order (only for a spec with `positional`). */
    readonly args: readonly string[] = [],
  ) {}

  has(name: string): boolean {
    return this.values.has(name);
  }

  str(name: string): string | undefined {
    const v = this.values.get(name);
    return typeof v === 'string' ? v : undefined;
  }

  int(name: string): number | undefined {
    const v = this.values.get(name);
    return typeof v === 'number' ? v : undefined;
  }

  bool(name: string): boolean {
    return this.values.get(name) === true;
  }

  list(name: string): readonly string[] {
    const v = this.values.get(name);
    return Array.isArray(v) ? v : [];
  }

  /** Throws a UsageError when two mutually exclusive flags are both given. */
  exclusive(a: string, b: string): void {
    if (this.has(a) && this.has(b)) throw new UsageError(`--${a} and --${b} cannot be used together`, this.command);
  }
}

/** Parses a non-negative decimal integer; `20_000` and `2e4` are accepted. */
function parseInt10(flag: FlagSpec, raw: string, command: string): number {
  const v = Number(raw.replaceAll('_', ''));
  const min = flag.min ?? 0;
  if (raw.trim() === '' || !Number.isSafeInteger(v) || v < min) {
    throw new UsageError(`--${flag.name} expects an integer ≥ ${min}, got ${JSON.stringify(raw)}`, command);
  }
  if (flag.max !== undefined && v > flag.max) throw new UsageError(`--${flag.name} expects an integer from ${min} to ${flag.max}, got ${v}`, command);
  return v;
}

export function parseArgs(spec: CommandSpec, argv: readonly string[]): Flags {
  const flags = [...spec.flags, ...COMMON_FLAGS];
  const names = flags.map((f) => `--${f.name}`);
  const values = new Map<string, string | number | boolean | string[]>();
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h') {
      values.set('help', true);
      continue;
    }
    if (spec.positional !== undefined && !arg.startsWith('-')) {
      args.push(arg);
      continue;
    }
    if (!arg.startsWith('--') || arg === '--') {
      const hint = arg.startsWith('-') ? didYouMean(`-${arg}`, names) : '';
      throw new UsageError(`unexpected argument ${JSON.stringify(arg)}${hint}`, spec.name);
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const flag = flags.find((f) => f.name === name);
    if (flag === undefined) {
      throw new UsageError(`unknown flag --${name}${didYouMean(`--${name}`, names)}`, spec.name);
    }
    if (flag.type === 'boolean') {
      if (eq >= 0) throw new UsageError(`--${name} is a switch and takes no value`, spec.name);
      values.set(name, true);
      continue;
    }
    let raw: string;
    if (eq >= 0) raw = arg.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) {
        throw new UsageError(`--${name} needs a value (--${name} ${flag.value ?? 'VALUE'})`, spec.name);
      }
      raw = next;
      i++;
    }
    if (flag.type === 'list') {
      const prev = values.get(name);
      values.set(name, [...(Array.isArray(prev) ? prev : []), raw]);
    } else if (values.has(name)) {
      throw new UsageError(`--${name} is given twice`, spec.name);
    } else {
      values.set(name, flag.type === 'int' ? parseInt10(flag, raw, spec.name) : raw);
    }
  }
  return new Flags(values, spec.name, args);
}

/** The full --help text of a command. */
export function helpText(spec: CommandSpec): string {
  const flags = [...spec.flags, ...COMMON_FLAGS];
  const left = flags.map((f) => `  --${f.name}${f.value ? ` ${f.value}` : ''}`);
  const width = Math.max(...left.map((l) => l.length)) + 2;
  const rows = flags.map((f, i) => `${left[i]!.padEnd(width)}${f.help}`);
  return [`Usage: ${spec.usage}`, '', spec.summary, '', 'Options:', ...rows, ...(spec.notes ?? []).flatMap((n) => ['', n])].join('\n');
}
