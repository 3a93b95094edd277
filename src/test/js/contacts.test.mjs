// The contact book (webroot/js/contacts.js): contacts, requests both ways and blocks, as the server's lists and
// the live notices leave them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ContactBook } from '../../../webroot/js/contacts.js';

test('the server\'s lists set each person\'s state; names are matched without case', () => {
  const book = new ContactBook();
  book.apply({ contacts: ['Bob', 'amy'], incoming: ['Carol'], outgoing: ['dave', 7, null] });
  assert.equal(book.state('bob'), 'contact');
  assert.equal(book.state('CAROL'), 'incoming');
  assert.equal(book.state('Dave'), 'outgoing');
  assert.equal(book.state('erin'), 'none');
  assert.equal(book.state(undefined), 'none');
  assert.deepEqual(book.list('contact'), ['amy', 'Bob'], 'sorted by name, as the server wrote them');
  assert.equal(book.incomingCount, 1);
  book.apply({ contacts: ['Bob'] });
  assert.equal(book.state('carol'), 'none', 'a new list replaces the old one');
  book.apply(null);
  assert.deepEqual(book.list('contact'), []);
});

test('a request comes in, is accepted, and the contact can be removed again', () => {
  const book = new ContactBook();
  book.requested('Carol');
  assert.equal(book.state('carol'), 'incoming');
  book.accepted('Carol');
  assert.equal(book.state('carol'), 'contact');
  book.requested('carol');
  assert.equal(book.state('carol'), 'contact', 'a late notice does not undo a contact');
  book.dropped('CAROL');
  assert.equal(book.state('carol'), 'none');
});

test('asking someone is outgoing, or a contact at once when they had asked first', () => {
  const book = new ContactBook();
  book.requestAnswered('bob', { username: 'Bob', state: 'outgoing' });
  assert.deepEqual(book.list('outgoing'), ['Bob']);
  book.requestAnswered('carol', { username: 'Carol', state: 'contact' });
  assert.equal(book.state('carol'), 'contact');
  book.requestAnswered('dave', null);
  assert.equal(book.state('dave'), 'outgoing');
  book.accepted('bob');
  assert.deepEqual(book.list('contact'), ['Bob', 'Carol'], 'the contact.accepted notice');
});

test('blocks are kept apart from contacts', () => {
  const book = new ContactBook();
  book.applyBlocks({ blocked: ['Mallory', 3] });
  assert.ok(book.isBlocked('mallory'));
  assert.ok(!book.isBlocked('bob'));
  assert.ok(!book.isBlocked(undefined));
  book.block('Eve');
  assert.deepEqual(book.blockedNames(), ['Mallory', 'Eve']);
  book.unblock('MALLORY');
  assert.deepEqual(book.blockedNames(), ['Eve']);
  book.applyBlocks({});
  assert.deepEqual(book.blockedNames(), []);
});
