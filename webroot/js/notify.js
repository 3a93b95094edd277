// Desktop notifications for private messages (and invitations and requests to connect) while the tab is hidden,
// only after the person asked for them with the button (browsers refuse unprompted requests).

export class Notifier {
  constructor(button, onOpenRoom) {
    this.button = button;
    this.onOpenRoom = onOpenRoom;
    this.supported = 'Notification' in window;
    this.onClick = () => this.ask();
    button.addEventListener('click', this.onClick);
    this.refresh();
  }

  refresh() {
    this.button.hidden = !this.supported || Notification.permission !== 'default';
  }

  async ask() {
    try {
      await Notification.requestPermission();
    } catch {
      // old callback-only implementations, or refused outright
    }
    this.refresh();
  }

  // A click opens `room`, or does `clicked()` when given.
  show(title, body, room, clicked = () => this.onOpenRoom(room)) {
    if (!this.supported || Notification.permission !== 'granted' || !document.hidden) return;
    try {
      const notification = new Notification(title, { body, tag: room });
      notification.onclick = () => {
        window.focus();
        clicked();
        notification.close();
      };
    } catch {
      // some mobile browsers only allow notifications from a service worker
    }
  }

  dispose() {
    this.button.removeEventListener('click', this.onClick);
  }
}
