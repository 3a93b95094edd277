package chat.bench.client;

import java.nio.charset.StandardCharsets;

/**
 * Reads the few fields the load generator needs straight from a bridge frame's bytes, without building a JSON
 * tree: the client shares the two cores with the servers it measures, so every microsecond it spends per
 * delivery is one the server does not get. The same parser reads the chat server's and the baseline's frames.
 */
final class Frames {

  enum Kind { DELIVERY, REPLY, ERROR, REGISTERED, OTHER }

  private static final byte[] TYPE = bytes("\"type\":\"");
  private static final byte[] ADDRESS = bytes("\"address\":\"");
  private static final byte[] TEXT = bytes("\"text\":\"");
  private static final byte[] ROOM_PREFIX = bytes("chat.room.");
  private static final byte[] REGISTERED = bytes("\"registered\"");
  private static final byte[] FAILURE_CODE = bytes("\"failureCode\":");

  private Frames() {
  }

  static Kind kind(byte[] frame) {
    int type = indexOf(frame, TYPE, 0);
    if (type < 0) {
      return Kind.OTHER;
    }
    int v = type + TYPE.length;
    if (startsWith(frame, v, "rec")) {
      int address = indexOf(frame, ADDRESS, 0);
      return address >= 0 && startsWith(frame, address + ADDRESS.length, ROOM_PREFIX) ? Kind.DELIVERY : Kind.REPLY;
    }
    if (startsWith(frame, v, "err")) {
      return Kind.ERROR;
    }
    if (startsWith(frame, v, "event") && indexOf(frame, REGISTERED, 0) >= 0) {
      return Kind.REGISTERED;
    }
    return Kind.OTHER;
  }

  /** The string value of "address", or null. */
  static String address(byte[] frame) {
    int at = indexOf(frame, ADDRESS, 0);
    if (at < 0) {
      return null;
    }
    int from = at + ADDRESS.length;
    int end = from;
    while (end < frame.length && frame[end] != '"') {
      end++;
    }
    return new String(frame, from, end - from, StandardCharsets.UTF_8);
  }

  /** The error frame's "failureCode" (the HTTP-like status the server chose), or -1. */
  static int failureCode(byte[] frame) {
    int at = indexOf(frame, FAILURE_CODE, 0);
    if (at < 0) {
      return -1;
    }
    int i = at + FAILURE_CODE.length;
    while (i < frame.length && frame[i] == ' ') {
      i++;
    }
    int code = 0;
    int digits = 0;
    while (i < frame.length && frame[i] >= '0' && frame[i] <= '9' && digits < 9) {
      code = code * 10 + (frame[i++] - '0');
      digits++;
    }
    return digits == 0 ? -1 : code;
  }

  /**
   * The load generator's message text "p=&lt;step&gt; s=&lt;sender&gt; q=&lt;seq&gt; t=&lt;scheduled nanos&gt;" as four longs in
   * {@code out}; false when the frame carries no such text.
   */
  static boolean stamp(byte[] frame, long[] out) {
    int at = indexOf(frame, TEXT, 0);
    if (at < 0) {
      return false;
    }
    int i = at + TEXT.length;
    for (int field = 0; field < 4; field++) {
      // skip "x="
      if (i + 2 > frame.length || frame[i + 1] != '=') {
        return false;
      }
      i += 2;
      long value = 0;
      boolean negative = false;
      if (i < frame.length && frame[i] == '-') {
        negative = true;
        i++;
      }
      int digits = 0;
      while (i < frame.length && frame[i] >= '0' && frame[i] <= '9') {
        value = value * 10 + (frame[i] - '0');
        i++;
        digits++;
      }
      if (digits == 0) {
        return false;
      }
      out[field] = negative ? -value : value;
      if (field < 3) {
        if (i >= frame.length || frame[i] != ' ') {
          return false;
        }
        i++;
      }
    }
    return true;
  }

  static int indexOf(byte[] data, byte[] pattern, int from) {
    outer:
    for (int i = from, last = data.length - pattern.length; i <= last; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static boolean startsWith(byte[] data, int at, String prefix) {
    if (at + prefix.length() > data.length) {
      return false;
    }
    for (int j = 0; j < prefix.length(); j++) {
      if (data[at + j] != prefix.charAt(j)) {
        return false;
      }
    }
    return true;
  }

  private static boolean startsWith(byte[] data, int at, byte[] prefix) {
    if (at + prefix.length > data.length) {
      return false;
    }
    for (int j = 0; j < prefix.length; j++) {
      if (data[at + j] != prefix[j]) {
        return false;
      }
    }
    return true;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
