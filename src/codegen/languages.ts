/**
 * The languages `generate` writes: `c`, the C99 drop-in folder (generate.ts, templates/), and
 * `ts`, one self-contained TypeScript module (ts/module.ts). Kept apart from both generators so
 * that the command line can offer the choice without loading either.
 */
export const LANGUAGES = ["c", "ts"] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = "c";

/** How reports name the generated code of each language. */
export const LANGUAGE_NAMES: Record<Language, string> = { c: "C", ts: "TypeScript" };
