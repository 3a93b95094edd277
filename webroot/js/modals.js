// Closing a Bootstrap dialog from code. Bootstrap ignores hide() while the dialog is still fading in, so a quick
// answer (a join clicked at once) would leave it open over the room: then it is closed once it is shown.

export function hideModal(node) {
  const modal = window.bootstrap?.Modal.getOrCreateInstance(node);
  if (!modal) return;
  const later = () => modal.hide();
  node.addEventListener('shown.bs.modal', later, { once: true });
  node.addEventListener('hidden.bs.modal', () => node.removeEventListener('shown.bs.modal', later), { once: true });
  modal.hide();
}

export function showModal(node) {
  window.bootstrap?.Modal.getOrCreateInstance(node).show();
}

// A button disabled while its request runs loses the focus to <body>, out of its dialog, where Esc no longer
// closes it: the focus goes back to the button once it works again (to its dialog when the list it was in was
// drawn anew), unless something else took it meanwhile.
export function refocus(button, dialog = null) {
  if (document.activeElement && document.activeElement !== document.body) return;
  if (button.isConnected) button.focus();
  else if (dialog && dialog.classList.contains('show')) dialog.focus();
}

// One dialog in place of another (Bootstrap shows one at a time): `to` opens once `from` has closed.
export function switchModal(from, to) {
  if (!from.classList.contains('show')) {
    showModal(to);
    return;
  }
  from.addEventListener('hidden.bs.modal', () => showModal(to), { once: true });
  hideModal(from);
}
