/**
 * The chat template: ChatML, as Qwen models write it,
 *
 *     <|im_start|>system\n{content}<|im_end|>\n<|im_start|>user\n{content}<|im_end|>\n<|im_start|>assistant\n
 *
 * rendered straight to token ids (the markers are special tokens, the contents are encoded as
 * text), with a mask of the tokens the assistant wrote: its contents and the `<|im_end|>` that ends
 * each of its turns. SFT learns those tokens only, and the same mask is what keeps observation
 * tokens out of an RL loss. Tool calls an assistant made are written out as `<tool_call>` blocks,
 * the tools offered are listed in the system turn, and tool results are `tool` turns.
 */
import type { ChatMessage } from '../../policy/types.js';
import type { ToolSpec } from '../../tools/types.js';
import type { Tokenizer } from './tokenizer.js';

/** The same template as Jinja, for tokenizer_config.json (tools and tool calls aside). */
export const CHATML_JINJA =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

export interface RenderedChat {
  ids: number[];
  /** True for the tokens an assistant turn wrote (contents and its closing <|im_end|>). */
  assistant: boolean[];
}

export interface RenderOptions {
  /** End with the assistant header, so what the model writes next is the answer. */
  addGenerationPrompt: boolean;
  tools?: readonly ToolSpec[];
}

function toolsSection(tools: readonly ToolSpec[]): string {
  const specs = tools.map((tool) => JSON.stringify({ type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.parameters } }));
  return `\n\n# Tools\n\nTo call a tool, write <tool_call>{"name": NAME, "arguments": {...}}</tool_call>. The tools:\n<tools>\n${specs.join('\n')}\n</tools>`;
}

/** The text an assistant turn holds: its content, then each tool call as a <tool_call> block. */
export function assistantText(message: Extract<ChatMessage, { role: 'assistant' }>): string {
  const calls = (message.toolCalls ?? []).map((call) => `<tool_call>\n{"name": ${JSON.stringify(call.name)}, "arguments": ${call.arguments.trim() === '' ? '{}' : call.arguments}}\n</tool_call>`);
  return [message.content, ...calls].filter((part) => part !== '').join('\n');
}

export class ChatTemplate {
  readonly imStart: number;
  readonly imEnd: number;
  readonly endOfText: number;
  private readonly newline: number[];

  constructor(readonly tokenizer: Tokenizer) {
    this.imStart = tokenizer.specialId('<|im_start|>');
    this.imEnd = tokenizer.specialId('<|im_end|>');
    this.endOfText = tokenizer.specialId('<|endoftext|>');
    this.newline = tokenizer.encode('\n');
  }

  /** Tokens that end an assistant's answer. */
  get stopTokenIds(): number[] {
    return [this.imEnd, this.endOfText];
  }

  render(messages: readonly ChatMessage[], options: RenderOptions): RenderedChat {
    const ids: number[] = [];
    const assistant: boolean[] = [];
    const push = (tokens: readonly number[], written: boolean): void => {
      for (const token of tokens) {
        ids.push(token);
        assistant.push(written);
      }
    };
    let toolsPending = options.tools !== undefined && options.tools.length > 0;
    messages.forEach((message, index) => {
      let content = message.role === 'assistant' ? assistantText(message) : message.content;
      if (toolsPending && message.role === 'system') {
        content += toolsSection(options.tools!);
        toolsPending = false;
      }
      if (toolsPending && index === 0) {
        // No system turn to carry the tools: they get one of their own.
        push([this.imStart, ...this.tokenizer.encode(`system\n${toolsSection(options.tools!).trimStart()}`), this.imEnd, ...this.newline], false);
        toolsPending = false;
      }
      push([this.imStart, ...this.tokenizer.encode(`${message.role}\n`)], false);
      const written = message.role === 'assistant';
      push(this.tokenizer.encode(content), written);
      push([this.imEnd], written);
      push(this.newline, false);
    });
    if (options.addGenerationPrompt) push([this.imStart, ...this.tokenizer.encode('assistant\n')], false);
    return { ids, assistant };
  }

  /** Tokens of an answer as the model should write it after the generation prompt: the text, then <|im_end|>. */
  answer(text: string): number[] {
    return [...this.tokenizer.encode(text), this.imEnd];
  }
}
