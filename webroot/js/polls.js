// Polls (issue 19): a message whose text is the question and whose `poll` holds the options, the votes per option and,
// in history, the reader's own vote. This reads them, the live vote counts ({type: "votes"} on the room's address)
// and the answer to a vote, and says what a click on an option asks for. No DOM: poll-view.js draws a poll.

const count = (v) => Number.isSafeInteger(v) && v >= 0;

// A message's poll as { options, votes, mine, total } (mine: the reader's option, or null), or null when the message
// carries no (well-formed) poll.
export function readPoll(message) {
  const p = message && message.poll;
  if (!p || typeof p !== 'object' || !Array.isArray(p.options) || p.options.length < 2) return null;
  if (!p.options.every((o) => typeof o === 'string')) return null;
  const votes = Array.isArray(p.votes) && p.votes.length === p.options.length && p.votes.every(count)
    ? p.votes : p.options.map(() => 0);
  const mine = Number.isSafeInteger(p.mine) && p.mine >= 0 && p.mine < p.options.length ? p.mine : null;
  return { options: p.options, votes, mine, total: votes.reduce((a, b) => a + b, 0) };
}

// {type: "votes", room, id, votes} from a room's address as { room, id, votes }; null for anything else.
export function readVotes(body) {
  if (!body || typeof body !== 'object' || body.type !== 'votes') return null;
  if (typeof body.room !== 'string' || !Number.isSafeInteger(body.id)) return null;
  if (!Array.isArray(body.votes) || !body.votes.every(count)) return null;
  return { room: body.room, id: body.id, votes: body.votes };
}

// The option a click on `option` votes for: that one, or null (the vote taken back) when it is already the reader's.
export function voteFor(poll, option) {
  return poll.mine === option ? null : option;
}

// The answer to chat.vote ({room, id, votes, mine}) as { votes, mine }; null when it is not one.
export function readVoteReply(reply) {
  if (!reply || typeof reply !== 'object' || !Array.isArray(reply.votes) || !reply.votes.every(count)) return null;
  return { votes: reply.votes, mine: Number.isSafeInteger(reply.mine) ? reply.mine : null };
}

// Puts new counts (and, from a vote's answer, the reader's own vote: `mine` null for none, undefined to keep it)
// into poll `id` of `room` (a RoomState); returns the message as it now is, or null when the room does not hold that
// poll or the counts do not fit it. The message is replaced, not changed, as a file's removal does.
export function applyVotes(room, id, votes, mine) {
  const i = room.messages.findIndex((m) => m.id === id);
  if (i < 0) return null;
  const held = room.messages[i];
  const poll = readPoll(held);
  if (!poll || votes.length !== poll.options.length) return null;
  const next = { options: poll.options, votes: [...votes] };
  const own = mine === undefined ? poll.mine : mine;
  if (Number.isSafeInteger(own) && own >= 0 && own < poll.options.length) next.mine = own;
  const now = { ...held, poll: next };
  room.messages[i] = now;
  return now;
}

// An option's share of the votes as a whole percentage (0 when nobody voted), for its bar.
export function share(poll, option) {
  return poll.total ? Math.round((100 * poll.votes[option]) / poll.total) : 0;
}

export function votesText(n) {
  return n === 1 ? '1 vote' : `${n} votes`;
}
