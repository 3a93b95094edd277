// Who this person is connected to: contacts, requests to them (incoming) and requests they sent (outgoing), and
// whom they block. No DOM and no network: it is given the server's lists and what happened since, and answers
// what the person menu and the contacts list show. Names are compared without case, kept as the server wrote them.

const STATES = ['contact', 'incoming', 'outgoing'];
const names = (list) => (Array.isArray(list) ? list.filter((n) => typeof n === 'string') : []);

export class ContactBook {
  constructor() {
    this.states = new Map();   // lower-case name -> { name, state }
    this.blocked = new Map();  // lower-case name -> name
  }

  // GET /api/contacts: { contacts, incoming, outgoing }; replaces what was known.
  apply(data) {
    this.states.clear();
    if (!data || typeof data !== 'object') return;
    for (const name of names(data.contacts)) this.set(name, 'contact');
    for (const name of names(data.incoming)) this.set(name, 'incoming');
    for (const name of names(data.outgoing)) this.set(name, 'outgoing');
  }

  // GET /api/blocks: { blocked }.
  applyBlocks(data) {
    this.blocked.clear();
    for (const name of names(data && data.blocked)) this.blocked.set(name.toLowerCase(), name);
  }

  // 'contact', 'incoming', 'outgoing' or 'none'.
  state(name) {
    if (typeof name !== 'string') return 'none';
    return this.states.get(name.toLowerCase())?.state ?? 'none';
  }

  set(name, state) {
    if (typeof name !== 'string') return;
    const key = name.toLowerCase();
    // A notice may write the name in other case than the list did: the first spelling stays.
    if (STATES.includes(state)) this.states.set(key, { name: this.states.get(key)?.name ?? name, state });
    else this.states.delete(key);
  }

  // A contact.request notice: someone asks. One already a contact stays one (the notice came late).
  requested(from) {
    if (this.state(from) !== 'contact') this.set(from, 'incoming');
  }

  // A contact.accepted notice, or my own accept answered: now contacts.
  accepted(name) {
    this.set(name, 'contact');
  }

  // Declined, removed or withdrawn: nothing between us any more.
  dropped(name) {
    this.set(name, 'none');
  }

  // The answer of POST /api/contacts/requests: { username, state: 'outgoing'|'contact' }.
  requestAnswered(name, reply) {
    this.set((reply && typeof reply.username === 'string' && reply.username) || name,
      reply && reply.state === 'contact' ? 'contact' : 'outgoing');
  }

  list(state) {
    return [...this.states.values()].filter((s) => s.state === state).map((s) => s.name)
      .sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
  }

  get incomingCount() {
    return this.list('incoming').length;
  }

  isBlocked(name) {
    return typeof name === 'string' && this.blocked.has(name.toLowerCase());
  }

  block(name) {
    this.blocked.set(name.toLowerCase(), name);
  }

  unblock(name) {
    this.blocked.delete(name.toLowerCase());
  }

  blockedNames() {
    return [...this.blocked.values()];
  }
}
