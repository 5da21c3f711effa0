import type { ChildProcess } from 'node:child_process';

export declare const CHROMIUM_ARGS: readonly string[];
export declare function chromiumPath(): string | null;
export declare function firefoxPath(): string | null;
/** playwright-core's `chromium` BrowserType (untyped here: playwright-core lives in scripts/cross/node_modules). */
export declare function playwrightChromium(): unknown;
/** A playwright-core Browser. */
export declare function launchChromium(): Promise<any>;
export declare function firefoxVersion(bin: string): string;
export declare function openInFirefox(bin: string, url: string): { readonly child: ChildProcess; stop(): Promise<void> };
