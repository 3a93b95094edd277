// Replies a bot sent to this person alone (issue 19), kept per room in this page's memory only: the server does not
// store them, so a reload forgets them. Each stands after the newest message the room held when it came, so a later
// render puts it back where it was seen. No DOM: render.js draws them.

export const KEEP_PER_ROOM = 50;

export class EphemeralNotes {
  constructor() {
    this.byRoom = new Map();  // room id -> notes in arrival order
    this.seq = 0;
  }

  // A notice read by readUserNotice ({room, sender, text, ts}), heard while `room` (a RoomState) holds what it holds
  // now; returns the note: { key, room, sender, text, ts, after }.
  add(room, notice) {
    const note = {
      key: `ephemeral-${++this.seq}`,
      room: room.id,
      sender: notice.sender,
      text: notice.text,
      ts: notice.ts,
      // A room whose history is not in yet: after all of it.
      after: room.loaded ? room.newestId : Number.MAX_SAFE_INTEGER,
    };
    const list = this.byRoom.get(room.id) || [];
    list.push(note);
    if (list.length > KEEP_PER_ROOM) list.shift();
    this.byRoom.set(room.id, list);
    return note;
  }

  // The room's notes, oldest first.
  of(roomId) {
    return this.byRoom.get(roomId) || [];
  }

  forget(roomId) {
    this.byRoom.delete(roomId);
  }

  clear() {
    this.byRoom.clear();
  }
}

// The room's messages (id order) with its notes among them, as the list shows them: each note after the last message
// it came after, before any that came later. Items are { message } or { note }.
export function timeline(messages, notes) {
  const items = [];
  let n = 0;
  for (const message of messages) {
    while (n < notes.length && notes[n].after < message.id) items.push({ note: notes[n++] });
    items.push({ message });
  }
  while (n < notes.length) items.push({ note: notes[n++] });
  return items;
}
