// Which messages of a shared room the page hides: those of people this person blocks, until they ask to see one.
// System lines ("alice joined") stay: they say what happened to the room. No DOM: the message view asks it.

export class HiddenMessages {
  // isBlocked(sender): whether this person blocks `sender` now (a block or unblock shows at the next render).
  constructor(isBlocked) {
    this.isBlocked = isBlocked;
    this.revealed = new Set();  // "room:id" of the hidden messages the person chose to see
  }

  key(m) {
    return `${m.room ?? ''}:${m.id}`;
  }

  hides(m) {
    return !m.system && this.isBlocked(m.sender) && !this.revealed.has(this.key(m));
  }

  reveal(m) {
    this.revealed.add(this.key(m));
  }

  // The messages as the list shows them: each either { message } or { hidden: message }.
  shown(messages) {
    return messages.map((m) => (this.hides(m) ? { hidden: m } : { message: m }));
  }

  // The messages a person is told about (unread, notifications): not those hidden from them.
  visible(messages) {
    return messages.filter((m) => !this.hides(m));
  }
}
