// Channel names and their room ids, as the server reads them: what a person types is lower-cased, then must be
// 2-32 of a-z, 0-9 and -; `global` is taken by the everyone-room. No DOM, so the create form and the tests share it.

export const CHANNEL_PREFIX = 'channel.';
export const NAME_PATTERN = /^[a-z0-9-]{2,32}$/;
export const MAX_DESCRIPTION = 500;

export function normalizeChannelName(typed) {
  return String(typed ?? '').trim().toLowerCase();
}

// What is wrong with a typed name, in the words the form shows, or null when the server may take it (the server
// still has the last word: a topic's name, or one that is taken, answers with its own error).
export function channelNameProblem(typed) {
  const name = normalizeChannelName(typed);
  if (!name) return 'is required';
  if (name.length < 2) return 'must be at least 2 characters';
  if (name.length > 32) return 'must be at most 32 characters';
  if (!NAME_PATTERN.test(name)) return 'may only use letters, digits and -';
  if (name === 'global') return 'is reserved';
  return null;
}

export function descriptionProblem(text) {
  return [...String(text ?? '')].length > MAX_DESCRIPTION ? `must be at most ${MAX_DESCRIPTION} characters` : null;
}

export function channelRoomId(name) {
  return `${CHANNEL_PREFIX}${name}`;
}

export function isChannelRoom(id) {
  return typeof id === 'string' && id.startsWith(CHANNEL_PREFIX) && NAME_PATTERN.test(id.slice(CHANNEL_PREFIX.length));
}

// The channel's name in a room id, or null for any other room.
export function channelOf(id) {
  return isChannelRoom(id) ? id.slice(CHANNEL_PREFIX.length) : null;
}

// Roles from strongest to weakest, as the members list sorts them.
const ROLE_ORDER = { owner: 0, moderator: 1, member: 2 };

export function sortMembers(members) {
  return (Array.isArray(members) ? members : [])
    .filter((m) => m && typeof m.username === 'string')
    .sort((a, b) => (ROLE_ORDER[a.role] ?? 3) - (ROLE_ORDER[b.role] ?? 3)
      || a.username.toLowerCase().localeCompare(b.username.toLowerCase()));
}

// Whether `myRole` may remove a member whose role is `theirRole`: the owner anyone but themself, moderators plain
// members only (as the server decides; the page only leaves the control out where it would be refused).
export function mayRemove(myRole, theirRole) {
  if (theirRole === 'owner') return false;
  if (myRole === 'owner') return true;
  return myRole === 'moderator' && theirRole === 'member';
}

// Who may invite: any member of a public channel, owner and moderators of a private one.
export function mayInvite(myRole, visibility) {
  if (!myRole) return false;
  return visibility === 'public' || myRole === 'owner' || myRole === 'moderator';
}
