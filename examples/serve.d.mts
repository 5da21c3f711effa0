export declare const REPO_ROOT: string;
export interface Served {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}
export declare function serve(options?: {
  root?: string;
  port?: number;
  onPost?: (path: string, body: string) => void;
}): Promise<Served>;
