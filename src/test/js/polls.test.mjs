// Polls (webroot/js/polls.js): a poll read from its message, live counts and a vote's answer put into the message
// held, and what a click on an option asks the server for.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyVotes, readPoll, readVoteReply, readVotes, share, voteFor, votesText,
} from '../../../webroot/js/polls.js';
import { RoomState } from '../../../webroot/js/rooms.js';

const question = (id, poll) => ({ id, room: 'global', sender: 'assistant', bot: true, text: 'Lunch?', ts: 1, poll });

test('a poll is read from its message: options, counts, the reader\'s vote and the total', () => {
  assert.deepEqual(readPoll(question(1, { options: ['Pizza', 'Sushi'], votes: [2, 1], mine: 1 })),
    { options: ['Pizza', 'Sushi'], votes: [2, 1], mine: 1, total: 3 });
  assert.deepEqual(readPoll(question(1, { options: ['Pizza', 'Sushi'], votes: [0, 0] })),
    { options: ['Pizza', 'Sushi'], votes: [0, 0], mine: null, total: 0 }, 'not voted: no mine');
  assert.deepEqual(readPoll(question(1, { options: ['a', 'b', 'c'] })).votes, [0, 0, 0], 'counts missing: none yet');
  assert.deepEqual(readPoll(question(1, { options: ['a', 'b'], votes: [1] })).votes, [0, 0], 'counts that do not fit');
  assert.equal(readPoll(question(1, { options: ['a', 'b'], votes: [0, 0], mine: 2 })).mine, null, 'no such option');
  assert.equal(readPoll(question(1, { options: ['only'] })), null, 'fewer than two options');
  assert.equal(readPoll(question(1, { options: ['a', 7] })), null);
  assert.equal(readPoll({ id: 1, sender: 'bob', text: 'hi', ts: 1 }), null, 'a message without a poll');
});

test('live counts are told apart from messages by their type', () => {
  assert.deepEqual(readVotes({ type: 'votes', room: 'global', id: 7, votes: [0, 1] }),
    { room: 'global', id: 7, votes: [0, 1] });
  assert.equal(readVotes({ id: 7, room: 'global', sender: 'x', text: 'y', ts: 1 }), null, 'a message');
  assert.equal(readVotes({ type: 'file.removed', room: 'global', message: 7 }), null);
  assert.equal(readVotes({ type: 'votes', room: 'global', id: '7', votes: [0] }), null);
  assert.equal(readVotes({ type: 'votes', room: 'global', id: 7, votes: [-1] }), null);
  assert.equal(readVotes(null), null);
});

test('a click votes for its option, or takes the vote back when it was the reader\'s already', () => {
  const poll = readPoll(question(1, { options: ['Pizza', 'Sushi'], votes: [0, 1], mine: 1 }));
  assert.equal(voteFor(poll, 0), 0);
  assert.equal(voteFor(poll, 1), null);
  assert.equal(voteFor(readPoll(question(1, { options: ['a', 'b'] })), 1), 1);
});

test('a vote\'s answer gives the counts and the reader\'s vote, null once taken back', () => {
  assert.deepEqual(readVoteReply({ room: 'global', id: 1, votes: [1, 0], mine: 0 }), { votes: [1, 0], mine: 0 });
  assert.deepEqual(readVoteReply({ room: 'global', id: 1, votes: [0, 0], mine: null }), { votes: [0, 0], mine: null });
  assert.equal(readVoteReply({ votes: 'x' }), null);
});

test('counts go into the poll held, as a new message; the reader\'s vote stays unless the answer says', () => {
  const room = new RoomState('global');
  const held = question(5, { options: ['Pizza', 'Sushi'], votes: [0, 0], mine: 0 });
  room.add([question(4, undefined), held]);
  const live = applyVotes(room, 5, [0, 1]);
  assert.notEqual(live, held, 'replaced, not changed: the view draws it again');
  assert.deepEqual(held.poll.votes, [0, 0]);
  assert.deepEqual(live.poll, { options: ['Pizza', 'Sushi'], votes: [0, 1], mine: 0 });
  assert.equal(room.messages[1], live);
  assert.equal(live.text, 'Lunch?');
  assert.equal(live.bot, true);

  const answered = applyVotes(room, 5, [1, 0], null);
  assert.deepEqual(answered.poll, { options: ['Pizza', 'Sushi'], votes: [1, 0] }, 'taken back: no mine');
  assert.deepEqual(applyVotes(room, 5, [0, 1], 1).poll.mine, 1);

  assert.equal(applyVotes(room, 99, [1, 1]), null, 'a poll the room does not hold');
  assert.equal(applyVotes(room, 4, [1, 1]), null, 'a message that is no poll');
  assert.equal(applyVotes(room, 5, [1, 1, 1]), null, 'counts that do not fit the options');
});

test('each option\'s bar is its whole-percent share, none when nobody voted', () => {
  const poll = readPoll(question(1, { options: ['a', 'b', 'c'], votes: [1, 2, 0] }));
  assert.deepEqual([0, 1, 2].map((i) => share(poll, i)), [33, 67, 0]);
  assert.equal(share(readPoll(question(1, { options: ['a', 'b'] })), 0), 0);
  assert.equal(votesText(1), '1 vote');
  assert.equal(votesText(0), '0 votes');
});
