export declare const MIN_RUNTIMES: number;
export interface RuntimeResult {
  readonly runtime: string;
  readonly weightsHash: string;
  readonly checkpointHash: string;
  readonly td3Hash?: string;
  readonly sacHash?: string;
  readonly actionBits: readonly string[];
  readonly actions: readonly number[];
  readonly returns: readonly number[];
}
export declare function compareResults(results: readonly RuntimeResult[], minRuntimes?: number): { ok: boolean; problems: string[] };
