/**
 * Runs the probe (probe-script.ts) in a sandbox for a batch of candidates at once: one container,
 * one request file in, one result file out (read back as a file, so no output cap can cut it).
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { SweSrlError } from '../../errors.js';
import type { Sandbox } from '../../sandbox/types.js';
import { shellQuote } from '../../util/shell-quote.js';
import { PROBE_SCRIPT } from './probe-script.js';

export interface ProbeCall {
  id: string;
  /** Dotted module path (`depot.stock`). */
  module: string;
  function: string;
  /** Python source of the argument tuple. */
  args: string;
}

export interface ProbeRequest {
  id: string;
  /** Variant name → files (path → content); the first of `order` must be the working code. */
  variants: Record<string, Record<string, string>>;
  order: string[];
  calls: ProbeCall[];
}

const callOutcomeSchema = z.object({
  ok: z.boolean(),
  str: z.string().optional(),
  repr: z.string().optional(),
  literal: z.string().optional(),
  roundtrips: z.boolean().optional(),
  passes: z.boolean().optional(),
  error: z.string().optional(),
  timeout: z.boolean().optional(),
});

export type CallOutcome = z.infer<typeof callOutcomeSchema>;

const variantOutcomeSchema = z.union([z.object({ calls: z.record(z.string(), callOutcomeSchema) }), z.object({ crashed: z.string() })]);

export type VariantOutcome = z.infer<typeof variantOutcomeSchema>;

const probeOutputSchema = z.record(z.string(), z.record(z.string(), variantOutcomeSchema));

export type ProbeResults = Record<string, Record<string, VariantOutcome>>;

/** The probe itself failed (no python, a broken sandbox): not a verdict on any candidate. */
export class ProbeError extends SweSrlError {}

export async function runProbe(sandbox: Sandbox, requests: readonly ProbeRequest[], timeoutMs = 15 * 60_000): Promise<ProbeResults> {
  if (requests.length === 0) return {};
  const dir = `/tmp/swe-srl-probe-${randomBytes(6).toString('hex')}`;
  await sandbox.run(`mkdir -p ${shellQuote(dir)}`, { timeoutMs: 30_000 });
  try {
    await sandbox.writeFile(`${dir}/probe.py`, PROBE_SCRIPT);
    await sandbox.writeFile(`${dir}/request.json`, JSON.stringify({ candidates: requests }));
    const result = await sandbox.run(`python3 ${shellQuote(`${dir}/probe.py`)} ${shellQuote(`${dir}/request.json`)} ${shellQuote(`${dir}/result.json`)}`, { timeoutMs });
    if (result.timedOut) throw new ProbeError(`the probe ran past ${Math.round(timeoutMs / 1000)} s`);
    if (result.exitCode !== 0) throw new ProbeError(`the probe failed (exit ${result.exitCode}): ${result.output.trim().split('\n').slice(-5).join(' | ')}`);
    const text = (await sandbox.readFile(`${dir}/result.json`)).toString('utf8');
    const parsed = probeOutputSchema.safeParse(JSON.parse(text));
    if (!parsed.success) throw new ProbeError(`the probe wrote an unexpected result: ${parsed.error.issues[0]?.message ?? ''}`);
    return parsed.data;
  } finally {
    await sandbox.run(`rm -rf ${shellQuote(dir)}`, { timeoutMs: 30_000 }).catch(() => undefined);
  }
}
