import { fitPrompt } from './src/train/data/prompt-fit.js';
import { ChatTemplate } from './src/train/tokenizer/chat-template.js';
import { Tokenizer } from './src/train/tokenizer/tokenizer.js';
const template = new ChatTemplate(Tokenizer.train(['open the file and run the tests of the module'], 300));
const messages: any[] = [
  { role: 'system', content: 'You fix issues.' },
  { role: 'user', content: 'Issue: the parser fails on empty input.' },
  { role: 'assistant', content: 'OLDEST action' },
  { role: 'user', content: `first observation ${'a'.repeat(200)}` },
  { role: 'assistant', content: 'LATEST action' },
  { role: 'user', content: `latest observation ${'b'.repeat(200)}` },
];
const length = (m: any[]): number => template.render(m, { addGenerationPrompt: true }).ids.length;
console.log(length(messages), length(messages.slice(0,2)));
try { console.log(fitPrompt(template, messages, 160)); } catch (e) { console.log(String(e)); }
