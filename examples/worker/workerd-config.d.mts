export interface ExtraModule {
  readonly name: string;
  readonly path: string;
  readonly type: 'esModule' | 'data' | 'wasm' | 'text';
}
export declare const DIST: string;
export declare const WORKERD_BIN: string;
export declare const INSTALL_WORKERD: string;
export declare function writeWorkerdConfig(options: { main: string; port: number; modules?: readonly ExtraModule[] }): string;
export declare function freePort(): Promise<number>;
export interface RunningWorkerd {
  readonly url: string;
  /** The workerd process. */
  readonly pid: number;
  stop(): Promise<void>;
  output(): string;
}
export declare function startWorkerd(main: string, modules?: readonly ExtraModule[]): Promise<RunningWorkerd>;
