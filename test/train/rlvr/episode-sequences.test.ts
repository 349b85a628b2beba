import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { episodeSequences } from '../../../src/train/rlvr/episode-sequences.js';

describe('RLVR episode sequences', () => {
  it('join the turns of an episode whose prompts extend each other, learning only the policy\'s tokens', () => {
    // Turn 1: prompt [1 2], answer [3 4]; observation [5 6]; turn 2: prompt [1 2 3 4 5 6], answer [7].
    const sequences = episodeSequences(
      [
        { promptIds: [1, 2], tokens: [3, 4], logprobs: [-0.1, -0.2] },
        { promptIds: [1, 2, 3, 4, 5, 6], tokens: [7], logprobs: [-0.3] },
      ],
      100,
    );
    assert.equal(sequences.length, 1);
    assert.deepEqual(sequences[0]!.ids, [1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual(sequences[0]!.learn, [false, false, true, true, false, false, true], 'observation tokens are masked');
    assert.deepEqual(sequences[0]!.oldLogp, [0, 0, -0.1, -0.2, 0, 0, -0.3]);
  });

  it('start a new sequence when the prompt no longer extends the last (a history window moved) or the context is full', () => {
    const moved = episodeSequences(
      [
        { promptIds: [1, 2], tokens: [3], logprobs: [-1] },
        { promptIds: [1, 9, 3], tokens: [4], logprobs: [-2] },
      ],
      100,
    );
    assert.deepEqual(moved.map((s) => s.ids), [[1, 2, 3], [1, 9, 3, 4]]);
    assert.deepEqual(moved[1]!.learn, [false, false, false, true], 'the earlier answer inside the new prompt is context, not learned twice');
    const full = episodeSequences(
      [
        { promptIds: [1], tokens: [2], logprobs: [-1] },
        { promptIds: [1, 2, 3], tokens: [4, 5], logprobs: [-1, -1] },
      ],
      4,
    );
    assert.equal(full.length, 2);
  });
});
