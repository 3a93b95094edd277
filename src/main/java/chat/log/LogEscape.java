package chat.log;

/**
 * What a log line shows of a text that may come from a client (a bridge frame's type, an address, a reason, an
 * exception's message): line breaks and the other control characters as visible escapes (backslash-r,
 * backslash-n, backslash-u001B…), so that whatever a client sends, one event stays one line and a line it
 * forges cannot pass for a real one. So are the Unicode line and paragraph separators (some viewers break lines
 * there) and the bidirectional controls (they can make a line read in another order than it was written). A tab
 * stays a tab: it breaks no line, and a stack trace's frames keep their {@code \tat}. Backslashes stay as they are.
 */
final class LogEscape {

  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private LogEscape() {
  }

  static String escape(String text) {
    if (text == null) {
      return null;
    }
    int first = 0;
    while (first < text.length() && !escaped(text.charAt(first))) {
      first++;
    }
    if (first == text.length()) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, first);
    for (int i = first; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!escaped(c)) {
        out.append(c);
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c == '\n') {
        out.append("\\n");
      } else {
        out.append("\\u").append(HEX[c >> 12 & 0xF]).append(HEX[c >> 8 & 0xF]).append(HEX[c >> 4 & 0xF])
          .append(HEX[c & 0xF]);
      }
    }
    return out.toString();
  }

  /** C0 and C1 controls but tab, DEL, the line and paragraph separators, the bidirectional marks and controls. */
  static boolean escaped(char c) {
    return Character.isISOControl(c) && c != '\t' || c == '\u2028' || c == '\u2029' || c == '\u061C' || c == '\u200E'
      || c == '\u200F' || c >= '\u202A' && c <= '\u202E' || c >= '\u2066' && c <= '\u2069';
  }
}
