package chat.support;

import java.util.concurrent.atomic.AtomicInteger;

/** Fresh usernames, so tests sharing a node never collide. */
public final class Names {

  private static final AtomicInteger NEXT = new AtomicInteger();

  private Names() {
  }

  public static String unique(String base) {
    return base + NEXT.incrementAndGet();
  }
}
