// Types of build-cli.mjs, for the tests that read what each chunk of the CLI bundle loads.
import type { BuildOptions } from 'esbuild';

export declare const cliBuildOptions: (outdir?: string) => BuildOptions;
export declare function buildCli(): Promise<void>;
