import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DELETED_LINE } from '../../src/tasks/bugs/bug-kinds.js';
import { parseMarkup, plainText, renderMarkup } from '../../src/tasks/code/markup.js';

const SOURCE = ['def f(x, low):', '    if ⟦cond:x ⟦op,obo:<⟧ low⟧:', '        return low', '    y = x[⟦key:"a"|"b"⟧]', '    ⟦ret:return y⟧', ''].join('\n');

test('marked source renders as the working code, with every site found in reading order', () => {
  const parsed = parseMarkup(SOURCE);
  assert.equal(renderMarkup(parsed).text, ['def f(x, low):', '    if x < low:', '        return low', '    y = x["a"]', '    return y', ''].join('\n'));
  assert.deepEqual(
    parsed.sites.map((site) => [site.index, site.kinds, plainText(site.body)]),
    [
      [0, ['inverted-condition'], 'x < low'],
      [1, ['flipped-operator', 'off-by-one'], '<'],
      [2, ['wrong-key'], '"a"'],
      [3, ['missing-return'], 'return y'],
    ],
  );
  assert.equal(plainText(parsed.sites[2]!.alternative!), '"b"');
  assert.deepEqual([...renderMarkup(parsed).siteLines.entries()], [[0, 2], [1, 2], [2, 4], [3, 5]]);
});

test('a replaced site takes its replacement; an inner site of a replaced one is replaced with it', () => {
  const parsed = parseMarkup(SOURCE);
  assert.match(renderMarkup(parsed, new Map([[0, 'not (x < low)']])).text, /if not \(x < low\):/);
  assert.match(renderMarkup(parsed, new Map([[1, '>']])).text, /if x > low:/);
  assert.match(renderMarkup(parsed, new Map([[2, '"b"']])).text, /y = x\["b"\]/);
});

test('a deleted statement removes its line, and later sites move up', () => {
  const parsed = parseMarkup(`⟦ret:return a⟧\nb = ⟦op:+⟧\n`);
  const rendered = renderMarkup(parsed, new Map([[0, DELETED_LINE]]));
  assert.equal(rendered.text, 'b = +\n');
  assert.equal(rendered.siteLines.get(0), 1);
  assert.equal(rendered.siteLines.get(1), 1);
  assert.throws(() => renderMarkup(parseMarkup('x = 1; ⟦ret:return a⟧'), new Map([[0, DELETED_LINE]])), /shares its line/);
});

test('malformed markers are refused', () => {
  assert.throws(() => parseMarkup('⟦op:+'), /not closed/);
  assert.throws(() => parseMarkup('⟦nope:+⟧'), /unknown code "nope"/);
  assert.throws(() => parseMarkup('⟦+⟧'), /no ":"/);
});
