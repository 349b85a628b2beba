/**
 * A small family of SRL step rows (chat form, thought-action syntax) that a tiny model learns to
 * answer within a few dozen SFT steps, so SRL tests start from a policy that writes the format and
 * whose sampled groups vary in reward.
 */
import { writeFile } from 'node:fs/promises';

const MODULES = ['parser', 'lexer', 'config', 'cache'];

export function syntheticStepRows(count = MODULES.length): Array<Record<string, unknown>> {
  return Array.from({ length: count }, (_, i) => {
    const module = MODULES[i % MODULES.length]!;
    const command = `pytest tests/test_${module}.py`;
    return {
      step_id: `demo__${module}-${i}#0`,
      instance_id: `demo__${module}-${i}`,
      step_index: 0,
      messages: [
        { role: 'system', content: 'Think inside <think></think>, then write one command in a fenced block.' },
        { role: 'user', content: `Issue: the ${module} tests fail.` },
      ],
      target: `\`\`\`\n${command}\n\`\`\``,
      target_parsed: { tool: 'bash', args: { command } },
      tool_format: 'thought_action',
      thought: "run the tests",
    };
  });
}

export async function writeSyntheticSteps(path: string, count?: number): Promise<string> {
  await writeFile(path, syntheticStepRows(count).map((row) => `${JSON.stringify(row)}\n`).join(''));
  return path;
}
