export declare const SEED: number;
export declare const STEPS: number;
export declare const EVAL_ACTIONS: number;
export declare const OTHER_STEPS: number;
export declare const EVAL_RESET_SEED: number;
export interface CrosscheckResult {
  readonly library: string;
  readonly weightsHash: string;
  readonly td3Hash: string;
  readonly sacHash: string;
  readonly checkpointHash: string;
  readonly actions: number[];
  readonly actionBits: string[];
  readonly returns: number[];
  readonly trainMs: number;
}
export declare function crosscheck(lib: object, options?: { init?: unknown; steps?: number }): Promise<CrosscheckResult>;
export declare function withThreads<L extends object>(lib: L, threads: number, wasm: unknown): {
  api: L;
  info: { threads: number; reason: string | null };
};
