export declare const REPO_ROOT: string;
export interface Served {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}
export declare function serve(options?: {
  root?: string;
  port?: number;
  /** Send COOP/COEP, making pages cross-origin isolated (default true). */
  isolate?: boolean;
  onPost?: (path: string, body: string) => void;
}): Promise<Served>;
